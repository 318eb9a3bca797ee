// SPDX-License-Identifier: Apache-2.0
// The compiled-code differential (docs/compile.md, docs/testing.md): for every policy compiled
// into this program (tests/codegen/diff.cmake), every decision table and REQUESTS seeded random
// requests, decide with the interpreter (`bind` + `decide`) and with the generated code
// (`reflect::request_from_encoded` + `reflect::decide_table`) and compare their canonical texts,
// or the errors both throw. Exit 0 when all agree, 1 at any mismatch (each printed with the seed,
// the policy file, the table, `now` and the request), 2 on bad arguments.
//   aftersale_codegen_diff [--requests N] [--seed S] [--policy SUBSTRING] [--max-mismatches N]
// REQUESTS is the total over all policies, shared out equally (rounded up: at least REQUESTS).
#include <aftersale/codegen.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "diff_inputs.hpp"
#include "diff_runner.hpp"

namespace {

using namespace aftersale;

std::string describe(const policy& p, const diff::encoded_request& e) {
  std::string out;
  for (std::size_t i = 0; i < p.facts.size(); ++i) {
    if (p.facts[i].derive != derivation::none) continue;
    out += "  " + p.facts[i].name + ": ";
    out += e.present[i] ? std::to_string(e.values[i]) : std::string("(absent)");
    out += '\n';
  }
  return out;
}

/// FNV-1a of the policy's file name (not its folder): a seed names the same requests in every build.
std::uint64_t name_hash(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  std::uint64_t h = 1469598103934665603ull;
  for (const char c : path) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

struct totals {
  std::uint64_t requests = 0;
  std::uint64_t mismatches = 0;
  std::uint64_t errors = 0;  // requests both sides refused the same way
};

void run_policy(const diff::compiled_policy& cp, std::uint64_t per_policy, std::uint64_t seed,
                std::uint64_t max_mismatches, totals& t) {
  load_options options;
  if (*cp.policy_path) options.policy_paths.push_back(cp.policy_path);
  const std::shared_ptr<const policy> p = load_policy_file(cp.file, load_limits{}, options);
  const auto tables = static_cast<std::uint32_t>(p->decisions.size());
  const std::uint64_t per_table = std::max<std::uint64_t>(1, (per_policy + tables - 1) / tables);
  for (std::uint32_t table = 0; table < tables; ++table) {
    const std::uint64_t table_seed = seed ^ (name_hash(cp.file) * 31 + table);
    diff::input_source inputs(*p, table_seed);
    for (std::uint64_t n = 0; n < per_table; ++n) {
      const sys_seconds now = inputs.now();
      const diff::encoded_request e = inputs.request(now);
      const std::string interpreted = diff::outcome(
          [&] { return canonical_text(decide(p, table, bind(*p, diff::to_request(*p, e)), now)); });
      const std::string generated = cp.run(table, e.values.data(), e.present.data(), now);
      ++t.requests;
      if (interpreted.rfind("request_error ", 0) == 0 || interpreted.rfind("usage_error ", 0) == 0)
        ++t.errors;
      if (interpreted == generated) continue;
      if (++t.mismatches <= max_mismatches)
        std::cout << "MISMATCH seed " << table_seed << " request " << n << " policy " << cp.file << " table `"
                  << p->decisions[table].id << "` (" << table << ") now " << format_utc(now) << " ("
                  << now.time_since_epoch().count() << ")\nrequest:\n"
                  << describe(*p, e) << "interpreter:\n"
                  << interpreted << "\ngenerated:\n"
                  << generated << "\n\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t requests = 1000000;
  std::uint64_t seed = 20261207;
  std::uint64_t max_mismatches = 10;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "aftersale_codegen_diff: " << a << " needs a value\n";
      return 2;
    }
    const char* v = argv[++i];
    if (a == "--requests")
      requests = std::strtoull(v, nullptr, 10);
    else if (a == "--seed")
      seed = std::strtoull(v, nullptr, 10);
    else if (a == "--max-mismatches")
      max_mismatches = std::strtoull(v, nullptr, 10);
    else if (a == "--policy")
      only = v;
    else {
      std::cerr << "aftersale_codegen_diff: unknown argument " << a
                << "\nusage: aftersale_codegen_diff [--requests N] [--seed S] [--policy SUBSTRING] "
                   "[--max-mismatches N]\n";
      return 2;
    }
  }
  std::size_t selected = 0;
  for (std::size_t i = 0; i < diff::compiled_policy_count; ++i)
    if (std::strstr(diff::compiled_policies[i].file, only.c_str())) ++selected;
  if (selected == 0) {
    std::cerr << "aftersale_codegen_diff: no compiled policy matches `" << only << "`\n";
    return 2;
  }
  totals t;
  const std::uint64_t per_policy = std::max<std::uint64_t>(1, (requests + selected - 1) / selected);
  try {
    for (std::size_t i = 0; i < diff::compiled_policy_count; ++i)
      if (std::strstr(diff::compiled_policies[i].file, only.c_str()))
        run_policy(diff::compiled_policies[i], per_policy, seed, max_mismatches, t);
  } catch (const std::exception& e) {
    std::cerr << "aftersale_codegen_diff: " << e.what() << '\n';
    return 2;
  }
  std::cout << selected << " policies, " << t.requests << " requests (" << t.errors << " refused by both), "
            << t.mismatches << " mismatches, seed " << seed << '\n';
  return t.mismatches == 0 ? 0 : 1;
}
