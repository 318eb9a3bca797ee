// A base file that leans on the case runtime: the layer check must refuse it.
#include "case/runtime.hpp"
