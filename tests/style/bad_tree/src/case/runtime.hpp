#pragma once
// A case header; including it from base is the violation under test.
