// SPDX-License-Identifier: Apache-2.0
#include "flow_select.hpp"

#include <aftersale/load.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "policy_path.hpp"

namespace aftersale::cli {

std::shared_ptr<const policy> load_or_report(const std::string& file) {
  try {
    return load_policy(file);
  } catch (const policy_error& e) {
    for (const auto& d : e.diagnostics()) std::cerr << to_string(d) << '\n';
    return nullptr;
  }
}

const flow_def* find_flow_or_report(const policy& p, const std::string& file, const std::string& id) {
  if (auto f = p.find_flow(id)) return &p.flows[*f];
  std::string known;
  for (const flow_def& f : p.flows) known += (known.empty() ? "" : ", ") + f.id;
  std::cerr << "error: " << file << " has no flow `" << id << "`"
            << (known.empty() ? std::string(" (it declares no flows)") : " (flows: " + known + ")") << '\n';
  return nullptr;
}

bool write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    return static_cast<bool>(std::cout.flush());
  }
  std::ofstream out(path, std::ios::binary);
  if (out) out << text;
  if (!out || !out.flush()) {
    std::cerr << path << ": error: cannot write: " << std::strerror(errno) << '\n';
    return false;
  }
  return true;
}

}  // namespace aftersale::cli
