// SPDX-License-Identifier: Apache-2.0
#include "store_url.hpp"

#include <algorithm>
#include <cctype>

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
  // `password=` among the parameters (`?a=1&password=x`), whatever its case.
  const std::size_t query = out.find('?');
  for (std::size_t p = query; p != std::string::npos && p < out.size(); p = out.find('&', p + 1)) {
    const std::size_t key = p + 1;
    const std::size_t stop = std::min(out.find('&', key), out.size());
    std::string name = out.substr(key, std::min(out.find('=', key), stop) - key);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name == "password" && key + name.size() < stop)
      out.replace(key + name.size() + 1, stop - key - name.size() - 1, "***");
  }
  return out;
}

}  // namespace aftersale::cli
