// SPDX-License-Identifier: Apache-2.0
// Writes the neutral workload's 60- and 1,000-rule tables as policies (bench/neutral/convert.hpp,
// the same YAML neutral_bench.cpp loads), so `aftersale compile` can compile them for
// compiled_bench.cpp (bench/CMakeLists.txt runs this at build time).
//   aftersale_neutral_yaml NEUTRAL_DIR OUT_DIR   writes OUT_DIR/neutral_rules_{60,1000}.yaml
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>

#include "neutral/convert.hpp"
#include "neutral/workload.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: aftersale_neutral_yaml NEUTRAL_DIR OUT_DIR\n");
    return 2;
  }
  try {
    for (const int rules : {60, 1000}) {
      const std::string n = std::to_string(rules);
      const nlohmann::json table =
          aftersale::bench::read_json(std::string(argv[1]) + "/data/rules-" + n + ".json");
      const std::string yaml = aftersale::bench::neutral_table_to_yaml(table, "neutral_rules_" + n);
      const std::string path = std::string(argv[2]) + "/neutral_rules_" + n + ".yaml";
      std::ofstream out(path, std::ios::binary);
      out << yaml;
      if (!out.flush()) {
        std::fprintf(stderr, "aftersale_neutral_yaml: cannot write %s\n", path.c_str());
        return 1;
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aftersale_neutral_yaml: %s\n", e.what());
    return 1;
  }
  return 0;
}
