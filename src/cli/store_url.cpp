// SPDX-License-Identifier: Apache-2.0
#include "store_url.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string_view>

namespace aftersale::cli {

std::string printable_url(const std::string& url) {
  std::string out = url;
  const std::size_t scheme = out.find("://");
  if (scheme == std::string::npos) return out;  // a path: nothing secret in it
  const std::size_t start = scheme + 3;
  // The user part ends at the first `/`, `?` or `#` after the scheme; its password follows `:`.
  const std::size_t end = std::min(out.find_first_of("/?#", start), out.size());
  const std::size_t at = out.rfind('@', end == out.size() ? std::string::npos : end);
  if (at != std::string::npos && at >= start && at < end) {
    const std::size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // Parameters: only those known to hold no secret keep their value. Any other (`password`,
  // `sslpassword`, a percent-encoded name libpq would decode, ...) is printed as `name=***`.
  static constexpr std::string_view shown[] = {"host",
                                               "hostaddr",
                                               "port",
                                               "dbname",
                                               "user",
                                               "sslmode",
                                               "application_name",
                                               "connect_timeout",
                                               "target_session_attrs"};
  const std::size_t query = out.find('?');
  for (std::size_t p = query; p != std::string::npos && p < out.size(); p = out.find('&', p + 1)) {
    const std::size_t key = p + 1;
    const std::size_t stop = std::min(out.find('&', key), out.size());
    const std::size_t eq = std::min(out.find('=', key), stop);
    std::string name = out.substr(key, eq - key);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (eq < stop && std::find(std::begin(shown), std::end(shown), name) == std::end(shown))
      out.replace(eq + 1, stop - eq - 1, "***");
  }
  return out;
}

}  // namespace aftersale::cli
