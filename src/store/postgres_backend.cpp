// The PostgreSQL backend (docs/store.md). Not built yet: opening a `postgresql://` URL fails
// with E600 until this file implements the backend over libpq.
#include "store/backend.hpp"

namespace aftersale {

std::unique_ptr<case_store::backend> make_postgres_backend(const std::string& url, const store_options&) {
  (void)url;
  throw store_error(error_code::store_unavailable,
                    "this build of aftersale has no PostgreSQL backend yet: use a `sqlite:` store");
}

}  // namespace aftersale
