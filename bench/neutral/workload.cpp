// SPDX-License-Identifier: Apache-2.0
#include "workload.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace aftersale::bench {

std::string fnv64::hex() const {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(h));
  return b;
}

namespace {
std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}
}  // namespace

neutral_inputs read_inputs_bin(const std::string& path) {
  const std::string raw = slurp(path);
  if (raw.size() < 12 || std::memcmp(raw.data(), "ASI1", 4) != 0)
    throw std::runtime_error(path + ": not an ASI1 file");
  neutral_inputs in;
  std::memcpy(&in.n, raw.data() + 4, 4);
  std::memcpy(&in.fields, raw.data() + 8, 4);
  const std::size_t count = static_cast<std::size_t>(in.n) * static_cast<std::size_t>(in.fields);
  if (in.n < 0 || in.fields <= 0 || raw.size() != 12 + count * 4)
    throw std::runtime_error(path + ": bad record count");
  in.records.resize(count);
  std::memcpy(in.records.data(), raw.data() + 12, count * 4);
  return in;
}

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(slurp(path)); }

std::vector<bound_request> bind_inputs(const policy& p, const nlohmann::json& table,
                                       const neutral_inputs& in) {
  const nlohmann::json& cols = table.at("inputs");
  if (cols.size() != static_cast<std::size_t>(in.fields))
    throw std::runtime_error("inputs file and table disagree on the columns");
  std::vector<bound_request> out;
  out.reserve(static_cast<std::size_t>(in.n));
  for (int i = 0; i < in.n; ++i) {
    request r;
    const std::int32_t* rec = &in.records[static_cast<std::size_t>(i) * static_cast<std::size_t>(in.fields)];
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const std::string name = cols[c].at("name").get<std::string>();
      const std::string type = cols[c].at("type").get<std::string>();
      if (type == "enum") {
        r.set(name, cols[c].at("values").at(static_cast<std::size_t>(rec[c])).get<std::string>());
      } else if (type == "bool") {
        r.set(name, fact_value(rec[c] != 0));
      } else {
        r.set(name, static_cast<std::int64_t>(rec[c]));
      }
    }
    out.push_back(bind(p, r));
  }
  return out;
}

std::string outcome_line(const policy& p, const rule_outcome* o) {
  if (!o) return "none\n";
  if (o->clocks.size() != 1) throw std::runtime_error("a converted rule starts exactly one clock");
  const clock_def& c = p.clocks.at(o->clocks[0]);
  const std::string fee = o->fee_payer == npos ? "" : p.vocabulary.parties.at(o->fee_payer).id;
  return p.vocabulary.solutions.at(o->solution).id + "|" + std::to_string(c.within.amount / 3600) + "|" +
         fee + "|" + (o->escalation != npos ? "1" : "0") + "\n";
}

std::string decision_line(const decision& d) {
  if (!d.matched()) return "none\n";
  if (d.deadlines().size() != 1) throw std::runtime_error("a converted rule starts exactly one clock");
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(d.deadlines()[0].due - d.now()).count();
  return std::string(d.solution()) + "|" + std::to_string(hours) + "|" + std::string(d.fee_payer()) + "|" +
         (d.escalation().empty() ? "0" : "1") + "\n";
}

}  // namespace aftersale::bench
