// SPDX-License-Identifier: Apache-2.0
// Case snapshots: the exact text to_json writes, the exact round trip, every way from_json
// refuses a snapshot (with its JSON path), and restoring across policy versions (migrations).
#include <gtest/gtest.h>

#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "case/access.hpp"
#include "case/snapshot/format.hpp"

namespace {

using aftersale::case_clock;
using aftersale::history_entry;
using aftersale::npos;
using aftersale::service_case;
using aftersale::snapshot_error;
using access = aftersale::detail::case_access;

std::string policy_text() {
  std::ifstream in(AFTERSALE_SOURCE_DIR "/tests/policies/snapshot_flows.yaml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const std::size_t at = s.find(from);
  if (at == std::string::npos) throw std::runtime_error("test bug: `" + from + "` not found");
  return s.replace(at, from.size(), to);
}

// `s` with the text from `begin` up to (not including) `end` replaced by `to`.
std::string replaced_span(std::string s, const std::string& begin, const std::string& end,
                          const std::string& to) {
  const std::size_t b = s.find(begin);
  const std::size_t e = b == std::string::npos ? b : s.find(end, b);
  if (e == std::string::npos)
    throw std::runtime_error("test bug: `" + begin + "` ... `" + end + "` not found");
  return s.replace(b, e - b, to);
}

// The same flow as written under policy version 2026.1: state `received` was `checking`, and
// there were no migrations yet.
std::string old_policy_text() {
  std::string s = policy_text();
  s = replaced(s, "version: \"2026.2\"", "version: \"2026.1\"");
  s = replaced(s, "    migrations:\n      - from_version: \"2026.1\"\n        states: {checking: received}\n",
               "");
  for (std::size_t at; (at = s.find("received")) != std::string::npos;) s.replace(at, 8, "checking");
  return s;
}

// A snapshot without its `integrity` member (always the last one `to_json` writes), as a
// hand-edited snapshot is restored.
std::string without_integrity(std::string s) {
  const std::size_t at = s.rfind(R"(,"integrity":")");
  if (at == std::string::npos) throw std::runtime_error("test bug: no integrity");
  return s.erase(at, s.size() - 1 - at);
}

aftersale::sys_seconds t(const char* iso) { return *aftersale::parse_timestamp(iso); }

std::uint32_t index_of(const aftersale::flow_def& f, const std::string& state) {
  for (std::uint32_t i = 0; i < f.states.size(); ++i)
    if (f.states[i].id == state) return i;
  throw std::runtime_error("test bug: no state " + state);
}

std::uint32_t role(const aftersale::policy& p, const std::string& id) {
  for (std::uint32_t i = 0; i < p.vocabulary.roles.size(); ++i)
    if (p.vocabulary.roles[i].id == id) return i;
  throw std::runtime_error("test bug: no role " + id);
}

// A case in the middle of `return_refund`, built field by field (every kind of value, clock
// status and history entry), so the format is pinned down independently of the runtime.
service_case hand_built(const std::shared_ptr<const aftersale::policy>& p,
                        const std::string& received = "received") {
  const std::uint32_t fi = *p->find_flow("return_refund");
  const aftersale::flow_def& f = p->flows[fi];
  service_case c;
  access::policy_ptr(c) = p;
  access::flow(c) = fi;
  access::state(c) = index_of(f, received);
  access::phase(c) = aftersale::lifecycle_phase::escalated;
  access::escalation(c) = role(*p, "specialist");
  access::remark_flag(c) = 0;  // yellow
  access::remark(c) = "return requested \"fast\"\n";
  access::opened_at(c) = t("2026-10-08T02:00:00Z");
  access::entered_at(c) = t("2026-10-10T03:30:00Z");
  const std::size_t facts = p->facts.size();
  access::reset_values(c, static_cast<std::uint32_t>(facts + f.variables.size()));
  access::set_value(c, *p->find_fact("order_status"), 1, true);  // delivered
  access::set_value(c, *p->find_fact("amount"), 12900, true);
  access::set_value(c, *p->find_fact("opened"), 0, true);
  access::set_value(c, *p->find_fact("delivered_at"), t("2026-10-01T02:00:00Z").time_since_epoch().count(),
                    true);
  access::set_value(c, *p->find_fact("sku"), aftersale::string_other, true);
  access::set_value(c, *p->find_fact("quantity"), -3, true);
  // `wait` absent: left out of the snapshot.
  access::set_value(c, facts + 1, 1, true);                        // inspection_ok = true
  access::set_value(c, facts + 2, 0, true);                        // condition = resalable
  access::set_value(c, facts + 3, 99999999999999, true);           // shipped_at: beyond year 9999
  access::set_value(c, facts + 4, aftersale::string_other, true);  // note
  access::set_value(c, facts + 5, 0, true);                        // tries: as the history left it
  access::set_value(c, facts + 6, 5400, true);                     // extra = 1h30m
  std::vector<case_clock>& clocks = access::clocks(c);
  for (std::uint32_t k : f.clocks) {
    case_clock slot;
    slot.clock = k;
    clocks.push_back(slot);
  }
  clocks[0].state = case_clock::status::stopped;  // first_response
  clocks[0].started = t("2026-10-08T02:00:00Z");
  clocks[0].due = t("2026-10-08T04:00:00Z");
  clocks[0].notified = 50;                       // its 50 % warning was sent before it was stopped
  clocks[1].state = case_clock::status::paused;  // return_shipment
  clocks[1].started = t("2026-10-08T02:30:00Z");
  clocks[1].due = t("2026-10-10T02:30:00Z");  // kept from when it ran
  clocks[1].remaining = std::chrono::seconds{60};
  clocks[2].state = case_clock::status::running;  // inspection
  clocks[2].started = t("2026-10-10T03:30:00Z");
  clocks[2].due = t("2026-10-13T03:30:00Z");
  access::applied_ids(c) = {"evt-1", "evt-2"};
  std::vector<history_entry>& h = access::history(c);
  history_entry opened;
  opened.what = history_entry::kind::opened;
  opened.at = t("2026-10-08T02:00:00Z");
  opened.to = index_of(f, "submitted");
  h.push_back(opened);
  history_entry approve;
  approve.what = history_entry::kind::event;
  approve.at = t("2026-10-08T02:30:00Z");
  approve.transition = 1;
  approve.actor_role = role(*p, "agent");
  approve.from = index_of(f, "submitted");
  approve.to = index_of(f, "approved");
  approve.event_id = "evt-1";
  approve.event_digest = 0xa1;
  approve.assigned = {{5, 7}, {5, 0}, {4, aftersale::string_other}};  // tries twice: payload, then `set`
  h.push_back(approve);
  history_entry ship;
  ship.what = history_entry::kind::event;
  ship.at = t("2026-10-10T03:30:00Z");
  ship.transition = 4;
  ship.actor_role = role(*p, "customer");
  ship.from = index_of(f, "approved");
  ship.to = index_of(f, received);
  ship.event_id = "evt-2";
  ship.event_digest = 0xa2;
  ship.assigned = {{3, 99999999999999}, {2, 0}, {1, 1}, {6, 5400}};
  h.push_back(ship);
  return c;
}

constexpr const char* golden =
    R"({"format":"aftersale-case/3","policy":{"id":"snapshot_test","version":"2026.2","flow":"return_refund",)"
    R"("structure_hash":"HASH"},"state":"received","phase":"escalated","escalation":"specialist",)"
    R"("remark":{"flag":"yellow","text":"return requested \"fast\"\n"},"opened_at":"2026-10-08T02:00:00Z",)"
    R"("entered_at":"2026-10-10T03:30:00Z","facts":{"order_status":"delivered","amount":12900,"opened":false,)"
    R"("delivered_at":"2026-10-01T02:00:00Z","sku":{"other":true},"quantity":-3},"variables":{"inspection_ok":true,)"
    R"("condition":"resalable","shipped_at":99999999999999,"note":{"other":true},"tries":0,"extra":5400},)"
    R"("clocks":[{"clock":"first_response","status":"stopped","started":"2026-10-08T02:00:00Z",)"
    R"("due":"2026-10-08T04:00:00Z","notified":50},{"clock":"return_shipment","status":"paused","started":"2026-10-08T02:30:00Z",)"
    R"("due":"2026-10-10T02:30:00Z","remaining_s":60},{"clock":"inspection","status":"running","started":"2026-10-10T03:30:00Z",)"
    R"("due":"2026-10-13T03:30:00Z"}],"applied_event_ids":["evt-1","evt-2"],"history":[{"what":"opened",)"
    R"("at":"2026-10-08T02:00:00Z","to":"submitted"},{"what":"event","at":"2026-10-08T02:30:00Z","transition":1,)"
    R"("actor":"agent","from":"submitted","to":"approved","event_id":"evt-1","event_digest":"00000000000000a1","assigned":[["tries",7],["tries",0],)"
    R"(["note",{"other":true}]]},{"what":"event","at":"2026-10-10T03:30:00Z","transition":4,"actor":"customer",)"
    R"("from":"approved","to":"received","event_id":"evt-2","event_digest":"00000000000000a2","assigned":[["shipped_at",99999999999999],)"
    R"(["condition","resalable"],["inspection_ok",true],["extra",5400]]}],"integrity":"INTEGRITY"})";

class snapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    p = aftersale::load_policy_string(policy_text(), "snapshot_flows.yaml");
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx",
                  static_cast<unsigned long long>(p->flows[*p->find_flow("return_refund")].structure_hash));
    // The integrity hash is part of the format: pinned, so a change to how it is computed fails here.
    expected = replaced(replaced(golden, "HASH", hash), "INTEGRITY", "89078a2917a30ce4");
    plain = without_integrity(expected);
  }

  // from_json must refuse `text` at `path` with a message containing `message`.
  void refused(const std::string& text, const std::string& path, const std::string& message) {
    SCOPED_TRACE(text);
    try {
      aftersale::from_json(p, text);
      ADD_FAILURE() << "accepted; expected a refusal at " << path;
    } catch (const snapshot_error& e) {
      EXPECT_EQ(e.path(), path) << e.what();
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).substr(0, path.size() + 2), path + ": ");
    }
  }
  // The golden snapshot with one piece of text replaced must be refused.
  void mutated(const std::string& from, const std::string& to, const std::string& path,
               const std::string& message) {
    refused(replaced(expected, from, to), path, message);
  }

  std::shared_ptr<const aftersale::policy> p;
  std::string expected;
  std::string plain;  ///< `expected` without its integrity hash: edits to it are not detected
};

TEST_F(snapshot, writes_the_documented_format) { EXPECT_EQ(aftersale::to_json(hand_built(p)), expected); }

TEST_F(snapshot, round_trips_exactly) {
  const service_case c = hand_built(p);
  const service_case back = aftersale::from_json(p, expected);
  EXPECT_EQ(aftersale::to_json(back), expected);
  EXPECT_EQ(back.policy_ptr(), p);
  EXPECT_EQ(back.state_index(), c.state_index());
  EXPECT_EQ(back.phase(), c.phase());
  EXPECT_EQ(back.escalation(), c.escalation());
  EXPECT_EQ(back.remark(), c.remark());
  EXPECT_EQ(back.value_count(), c.value_count());
  EXPECT_EQ(access::slots(back), access::slots(c));
  EXPECT_EQ(back.clocks(), c.clocks());
  EXPECT_EQ(back.applied_event_ids(), c.applied_event_ids());
  EXPECT_EQ(back.history(), c.history());
  EXPECT_EQ(back.opened_at(), c.opened_at());
  EXPECT_EQ(back.entered_at(), c.entered_at());
}

TEST_F(snapshot, leaves_out_absent_values_and_writes_null_when_nothing_is_set) {
  service_case c = hand_built(p);
  access::escalation(c) = npos;
  access::phase(c) = aftersale::lifecycle_phase::active;
  access::remark_flag(c) = npos;
  access::remark(c) = {};
  access::reset_values(c, c.value_count());
  access::clocks(c)[1] = case_clock{access::clocks(c)[1].clock, case_clock::status::idle, {}, {}, {}};
  access::applied_ids(c).clear();
  access::history(c).resize(1);  // just opened: the `opened` entry only
  access::state(c) = access::history(c).back().to;
  access::entered_at(c) = c.opened_at();
  const std::string s = aftersale::to_json(c);
  EXPECT_NE(s.find(R"("escalation":null,"remark":null,)"), std::string::npos) << s;
  EXPECT_NE(s.find(R"("facts":{},"variables":{},)"), std::string::npos) << s;
  EXPECT_NE(s.find(R"({"clock":"return_shipment","status":"idle"})"), std::string::npos) << s;
  EXPECT_NE(s.find(R"("applied_event_ids":[],"history":[{"what":"opened",)"), std::string::npos) << s;
  EXPECT_EQ(aftersale::to_json(aftersale::from_json(p, s)), s);
  // The runtime never writes an empty history, an escalated phase without a level, a negative
  // time left or an idle clock with times: such snapshots are refused with their path.
  const auto refused_at = [&](const service_case& bad, const std::string& what) {
    try {
      aftersale::from_json(p, aftersale::to_json(bad));
      ADD_FAILURE() << "accepted a snapshot the runtime never writes: " << what;
    } catch (const aftersale::snapshot_error& err) {
      EXPECT_EQ(std::string(err.what()).substr(0, what.size()), what);
    }
  };
  access::history(c).clear();
  refused_at(c, "$.history: a case's history starts with its `opened` entry");
  service_case e = hand_built(p);
  access::phase(e) = aftersale::lifecycle_phase::escalated;
  access::escalation(e) = npos;
  refused_at(e, "$.escalation: an escalated case has an escalation level");
  service_case n = hand_built(p);
  access::clocks(n)[1].remaining = std::chrono::seconds{-60};
  refused_at(n, "$.clocks[1].remaining_s: the time left on a clock is never negative");
  service_case i = hand_built(p);
  access::clocks(i)[1].state = case_clock::status::idle;
  refused_at(i, "$.clocks[1].status: an idle clock was never started");
}

TEST_F(snapshot, remark_text_without_flag) {
  service_case c = hand_built(p);
  access::remark_flag(c) = npos;
  const std::string s = aftersale::to_json(c);
  EXPECT_NE(s.find(R"("remark":{"flag":null,"text":)"), std::string::npos) << s;
  EXPECT_EQ(aftersale::to_json(aftersale::from_json(p, s)), s);
}

TEST_F(snapshot, escapes_control_characters_and_keeps_utf8) {
  service_case c = hand_built(p);
  access::remark(c) = std::string("退货 \x01\t\\ \xF0\x9F\x93\xA6");
  const std::string s = aftersale::to_json(c);
  EXPECT_NE(s.find(R"("text":"退货 \u0001\t\\ 📦")"), std::string::npos) << s;
  EXPECT_EQ(aftersale::from_json(p, s).remark(), c.remark());
}

TEST_F(snapshot, refuses_to_write_text_that_is_not_utf8) {
  service_case c = hand_built(p);
  access::applied_ids(c) = {"evt-\xC3("};
  EXPECT_THROW(aftersale::to_json(c), aftersale::error);
  EXPECT_THROW(aftersale::to_json(service_case{}), aftersale::error);
}

TEST_F(snapshot, accepts_keys_in_any_order) {
  const std::string reordered = replaced(replaced(expected, R"("phase":"escalated",)", ""), R"("format":)",
                                         R"("phase":"escalated","format":)");
  EXPECT_EQ(aftersale::to_json(aftersale::from_json(p, reordered)), expected);
}

TEST_F(snapshot, refuses_malformed_json) {
  refused("", "$", "not valid JSON at byte");
  refused(expected.substr(0, expected.size() / 2), "$", "not valid JSON");
  refused(expected + "x", "$", "not valid JSON");
  refused("[1,2]", "$", "expected an object, got an array");
  refused(replaced(expected, R"("phase":"escalated",)", R"("phase":"escalated","phase":"active",)"), "$",
          "key `phase` appears twice in one object");
  refused(replaced(expected, "return requested", "return \xC3(requested"), "$", "not valid JSON");
}

TEST_F(snapshot, reads_any_valid_json_spelling_of_the_same_snapshot) {
  // Whitespace, escapes for plain characters and \u escapes (a surrogate pair) read as the same text.
  std::string spaced;
  bool in_string = false;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const char ch = expected[i];
    spaced += ch;
    if (ch == '"' && expected[i - 1] != '\\') in_string = !in_string;
    if (!in_string && (ch == ',' || ch == ':')) spaced += "\n\t ";
  }
  spaced = replaced(spaced, "requested", "requ\\u0065sted");
  spaced = replaced(spaced, "evt-2\"]", "evt\\u002d2\"]");
  EXPECT_EQ(aftersale::to_json(aftersale::from_json(p, "  " + spaced + "\r\n")), expected);
  const std::string emoji = replaced(plain, "return requested", "\\ud83d\\udce6");
  EXPECT_EQ(aftersale::from_json(p, emoji).remark(), "\xF0\x9F\x93\xA6 \"fast\"\n");
}

TEST_F(snapshot, refuses_json_that_is_not_strictly_valid) {
  mutated("\"amount\":12900", "\"amount\":012900", "$", "not valid JSON at byte");
  mutated("\"amount\":12900", "\"amount\":+12900", "$", "expected a value");
  mutated("\"amount\":12900", "\"amount\":12900.", "$", "expected a digit after `.`");
  mutated("\"opened\":false", "\"opened\":False", "$", "expected a value");
  mutated("\"opened\":false", "\"opened\":false,", "$", "expected a key");
  mutated("return requested", "return \\x41", "$", "invalid escape in a string");
  mutated("return requested", "return \\ud83d", "$", "lone surrogate");
  mutated("return requested", "return \\u12", "$", "four hexadecimal digits");
  mutated("return requested", "return \trequested", "$", "control character inside a string");
  mutated("return requested", "return \xED\xA0\x80", "$", "not valid UTF-8");
  mutated("return requested", "return \xC0\xAF", "$", "not valid UTF-8");
  refused(std::string(40, '[') + std::string(40, ']'), "$", "nested deeper than 32 levels");
  refused(expected + expected, "$", "text after the end of the snapshot");
  refused(std::string(expected).insert(1, "\"format\":\"x\","), "$",
          "key `format` appears twice in one object");
}

TEST_F(snapshot, refuses_a_key_given_twice_at_its_object) {
  mutated(R"("amount":12900)", R"("amount":12900,"amount":1)", "$.facts",
          "key `amount` appears twice in one object");
  mutated(R"("tries":0)", R"("tries":0,"tries":0)", "$.variables", "key `tries` appears twice");
  mutated(R"("status":"running")", R"("status":"running","status":"idle")", "$.clocks[2]",
          "key `status` appears twice");
  mutated(R"("to":"submitted")", R"("to":"submitted","to":"approved")", "$.history[0]",
          "key `to` appears twice");
  mutated(R"("sku":{"other":true})", R"("sku":{"other":true,"other":true})", "$.facts.sku",
          "key `other` appears twice");
  mutated(R"("id":"snapshot_test")", R"("id":"snapshot_test","id":"snapshot_test")", "$.policy",
          "key `id` appears twice");
}

TEST_F(snapshot, keeps_messages_on_one_line) {
  mutated(R"("state":"received")", R"("state":"lo\nst\u0000")", "$.state", "unknown state `lo?st?` in flow");
  mutated(R"("format":"aftersale-case/3",)", R"("format":"aftersale-case/3","a\tb":1,)", "$.a?b",
          "unknown key `a?b`");
}

TEST_F(snapshot, refuses_missing_and_unknown_keys) {
  mutated(R"("phase":"escalated",)", "", "$", "missing key `phase`");
  mutated(R"("format":"aftersale-case/3",)", R"("format":"aftersale-case/3","extra":1,)", "$.extra",
          "unknown key `extra`");
  mutated(R"("flow":"return_refund",)", "", "$.policy", "missing key `flow`");
  mutated(R"({"clock":"first_response",)", R"({)", "$.clocks[0]", "missing key `clock`");
  mutated(R"({"what":"opened",)", R"({)", "$.history[0]", "missing key `what`");
  mutated(R"("at":"2026-10-08T02:00:00Z","to")", R"("at":"2026-10-08T02:00:00Z","by":1,"to")",
          "$.history[0].by", "unknown key `by`");
  mutated(R"({"flag":"yellow",)", R"({)", "$.remark", "missing key `flag`");
}

TEST_F(snapshot, refuses_wrong_types) {
  mutated(R"("format":"aftersale-case/3")", R"("format":1)", "$.format", "expected a string, got an integer");
  refused(replaced_span(expected, R"("policy":)", R"(,"state")", R"("policy":[])"), "$.policy",
          "expected an object, got an array");
  mutated(R"("amount":12900)", R"("amount":"129.00")", "$.facts.amount", "expected an integer, got a string");
  mutated(R"("amount":12900)", R"("amount":129.5)", "$.facts.amount", "expected an integer, got a fraction");
  mutated(R"("amount":12900)", R"("amount":9223372036854775808)", "$.facts.amount", "out of range");
  mutated(R"("opened":false)", R"("opened":0)", "$.facts.opened", "expected true or false");
  mutated(R"("order_status":"delivered")", R"("order_status":1)", "$.facts.order_status",
          "expected a string");
  mutated(R"("sku":{"other":true})", R"("sku":{"other":false})", "$.facts.sku.other", "expected true");
  mutated(R"("sku":{"other":true})", R"("sku":{"others":true})", "$.facts.sku.others", "unknown key");
  mutated(R"("sku":{"other":true})", R"("sku":"ABC")", "$.facts.sku", "none of the literals of `sku`");
  refused(replaced_span(expected, R"("facts":)", R"(,"variables")", R"("facts":[])"), "$.facts",
          "expected an object, got an array");
  refused(replaced_span(expected, R"("variables":)", R"(,"clocks")", R"("variables":"none")"), "$.variables",
          "expected an object, got a string");
  refused(replaced_span(expected, R"("clocks":)", R"(,"applied_event_ids")", R"("clocks":{})"), "$.clocks",
          "expected an array, got an object");
  refused(expected.substr(0, expected.find(R"("history":)")) + R"("history":null})", "$.history",
          "expected an array, got null");
  refused(replaced_span(expected, R"("remark":)", R"(,"opened_at")", R"("remark":"yellow")"), "$.remark",
          "expected an object, got a string");
  mutated(R"("applied_event_ids":["evt-1")", R"("applied_event_ids":[1)", "$.applied_event_ids[0]",
          "expected a string");
  mutated(R"("history":[{"what":"opened",)", R"("history":[3,{"what":"opened",)", "$.history[0]",
          "expected an object, got an integer");
  mutated(R"(["tries",7])", R"(["tries"])", "$.history[1].assigned[0]", "expected a pair [variable, value]");
  mutated(R"(["tries",7])", R"(["tries",true])", "$.history[1].assigned[0][1]", "expected an integer");
  mutated(R"("remaining_s":60)", R"("remaining_s":"1m")", "$.clocks[1].remaining_s", "expected an integer");
  mutated(R"("escalation":"specialist")", R"("escalation":false)", "$.escalation", "expected a string");
}

TEST_F(snapshot, refuses_bad_times) {
  const std::string msg = "expected an ISO 8601 UTC time like 2026-10-08T02:00:00Z";
  mutated(R"("due":"2026-10-13T03:30:00Z")", R"("due":"2026-10-13 03:30:00Z")", "$.clocks[2].due", msg);
  mutated(R"("due":"2026-10-13T03:30:00Z")", R"("due":"2026-10-13T11:30:00+08:00")", "$.clocks[2].due", msg);
  mutated(R"("due":"2026-10-13T03:30:00Z")", R"("due":"2026-02-30T03:30:00Z")", "$.clocks[2].due", msg);
  mutated(R"("due":"2026-10-13T03:30:00Z")", R"("due":1791862200)", "$.clocks[2].due", msg);
  mutated(R"("opened_at":"2026-10-08T02:00:00Z")", R"("opened_at":null)", "$.opened_at", msg);
  mutated(R"("delivered_at":"2026-10-01T02:00:00Z")", R"("delivered_at":"yesterday")", "$.facts.delivered_at",
          msg);
  mutated(R"("at":"2026-10-08T02:30:00Z")", R"("at":"2026-10-08T02:30:00.5Z")", "$.history[1].at", msg);
}

TEST_F(snapshot, refuses_unknown_ids) {
  mutated(R"("format":"aftersale-case/3")", R"("format":"aftersale-case/4")", "$.format",
          "unsupported snapshot format `aftersale-case/4`");
  mutated(R"("id":"snapshot_test")", R"("id":"other_store")", "$.policy.id",
          "the snapshot is of a case under policy `other_store`, not `snapshot_test`");
  mutated(R"("flow":"return_refund")", R"("flow":"exchange")", "$.policy.flow",
          "policy `snapshot_test` has no flow `exchange`");
  mutated(R"("state":"received")", R"("state":"lost")", "$.state",
          "unknown state `lost` in flow `return_refund`");
  mutated(R"("state":"received")", R"("state":"recieved")", "$.state",
          "unknown state `recieved` in flow `return_refund`; did you mean `received`?");
  mutated(R"("phase":"escalated")", R"("phase":"sleeping")", "$.phase",
          "unknown phase `sleeping`: expected one of");
  mutated(R"("escalation":"specialist")", R"("escalation":"ceo")", "$.escalation", "unknown role `ceo`");
  mutated(R"("flag":"yellow")", R"("flag":"pink")", "$.remark.flag", "unknown flag `pink`");
  mutated(R"("order_status":"delivered")", R"("order_status":"stolen")", "$.facts.order_status",
          "`stolen` is not a value of `order_status`: expected one of `paid_unshipped`, `delivered`");
  mutated(R"("quantity":-3)", R"("quantity":-3,"colour":"red")", "$.facts.colour", "unknown fact `colour`");
  mutated(R"("tries":0)", R"("tries":0,"mood":1)", "$.variables.mood",
          "unknown variable `mood` in flow `return_refund`");
  mutated(R"("condition":"resalable","shipped_at")", R"("condition":"broken","shipped_at")",
          "$.variables.condition", "`broken` is not a value of `condition`");
  mutated(R"({"clock":"inspection")", R"({"clock":"warranty")", "$.clocks[2].clock",
          "unknown clock `warranty`");
  mutated(R"("status":"running")", R"("status":"ticking")", "$.clocks[2].status", "unknown status `ticking`");
  mutated(R"("actor":"agent")", R"("actor":"robot")", "$.history[1].actor", "unknown role `robot`");
  mutated(R"("from":"submitted")", R"("from":"nowhere")", "$.history[1].from", "unknown state `nowhere`");
  mutated(R"("what":"opened")", R"("what":"born")", "$.history[0].what", "unknown history entry `born`");
  mutated(R"(["tries",7])", R"(["trials",7])", "$.history[1].assigned[0][0]", "unknown variable `trials`");
}

TEST_F(snapshot, refuses_values_out_of_range_or_order) {
  mutated(R"("transition":1,)", R"("transition":18,)", "$.history[1].transition",
          "flow `return_refund` has no transition 18");
  mutated(R"("transition":1,)", R"("transition":-1,)", "$.history[1].transition", "has no transition -1");
  mutated(R"("structure_hash":")", R"("structure_hash":"x)", "$.policy.structure_hash",
          "expected 16 lowercase hexadecimal digits");
  mutated(R"(["evt-1","evt-2"])", R"(["evt-2","evt-1"])", "$.applied_event_ids[1]", "listed once, sorted");
  mutated(R"(["evt-1","evt-2"])", R"(["evt-1","evt-1"])", "$.applied_event_ids[1]", "listed once, sorted");
  mutated(R"(["evt-1","evt-2"])", R"(["","evt-2"])", "$.applied_event_ids[0]", "never empty");
  mutated(R"("event_id":"evt-1")", R"("event_id":"")", "$.history[1].event_id", "left out rather than empty");
  mutated(R"({"clock":"inspection")", R"({"clock":"first_response")", "$.clocks[2].clock",
          "clock `first_response` is out of order or repeated");
}

TEST_F(snapshot, refuses_a_phase_the_state_cannot_have) {
  mutated(R"("phase":"escalated")", R"("phase":"resolved")", "$.phase",
          "phase `resolved` is impossible in state `received`");
  mutated(R"("phase":"escalated")", R"("phase":"waiting_on_customer")", "$.phase",
          "phase `waiting_on_customer` is impossible in state `received`");
  mutated(R"("state":"received","phase":"escalated")", R"("state":"refunded","phase":"active")", "$.phase",
          "phase `active` is impossible in terminal state `refunded`");
  EXPECT_NO_THROW(aftersale::from_json(p, replaced(plain, R"("phase":"escalated")", R"("phase":"active")")));
  // Closed only after a `close` entry (the phase alone does not say whether the case is closed).
  refused(
      replaced(plain, R"("state":"received","phase":"escalated")", R"("state":"refunded","phase":"closed")"),
      "$.state", "the case is in state `refunded` but its last history entry ends in `received`");
}

// The invariants of docs/snapshots.md, a few with their exact wording (all of them, applied to
// snapshots of the shipped policies, are in snapshot_property_test.cpp).
TEST_F(snapshot, refuses_a_case_the_runtime_could_not_have_produced) {
  const auto refused_plain = [&](const std::string& from, const std::string& to, const std::string& path,
                                 const std::string& message) {
    refused(replaced(plain, from, to), path, message);
  };
  refused_plain(
      R"("entered_at":"2026-10-10T03:30:00Z")", R"("entered_at":"2026-10-08T01:00:00Z")", "$.entered_at",
      "the current state was entered at the time of the last entry that entered it, 2026-10-10T03:30:00Z");
  refused_plain(R"("opened_at":"2026-10-08T02:00:00Z")", R"("opened_at":"2026-10-08T01:00:00Z")",
                "$.opened_at", "a case is opened at the time of its `opened` entry, 2026-10-08T02:00:00Z");
  refused_plain(R"("state":"received")", R"("state":"inspecting")", "$.state",
                "the case is in state `inspecting` but its last history entry ends in `received`");
  refused_plain(R"("transition":4,)", R"("transition":1,)", "$.history[2].transition",
                "transition 1 goes from `submitted` to `approved`, not from `approved` to `received`");
  refused_plain(R"("actor":"customer")", R"("actor":"supervisor")", "$.history[2].actor",
                "role `supervisor` is not allowed to send this event");
  refused_plain(R"("from":"approved")", R"("from":"submitted")", "$.history[2].from",
                "the entry starts in `submitted` but the entry before it ended in `approved`");
  refused_plain(R"("at":"2026-10-08T02:30:00Z")", R"("at":"2026-10-08T01:30:00Z")", "$.history[1].at",
                "history is in time order: this entry is earlier than the one before it");
  refused_plain(R"(["evt-1","evt-2"])", R"(["evt-1"])", "$.history[2].event_id",
                "event id `evt-2` is missing from `applied_event_ids`");
  refused_plain(R"(["evt-1","evt-2"])", R"(["evt-1","evt-2","evt-3"])", "$.applied_event_ids[2]",
                "no history entry has event id `evt-3`");
  refused_plain(R"("event_id":"evt-2")", R"("event_id":"evt-1")", "$.history[2].event_id",
                "event id `evt-1` is already on history entry 1: an id is applied once");
  refused_plain(R"(,"event_digest":"00000000000000a2")", "", "$.history[2]",
                "missing key `event_digest`: an entry with an `event_id` has one");
  refused_plain(R"("tries":0)", R"("tries":5)", "$.variables.tries",
                "variable `tries` is `5` but the history last assigned it `0`");
  refused_plain(R"("due":"2026-10-13T03:30:00Z")", R"("due":"2026-10-09T03:30:00Z")", "$.clocks[2].due",
                "a clock is never due before it started (2026-10-10T03:30:00Z)");
  refused_plain(
      R"("status":"running","started":"2026-10-10T03:30:00Z","due":"2026-10-13T03:30:00Z")",
      R"("status":"running","started":"2026-10-10T03:30:00Z","due":"2026-10-13T03:30:00Z","remaining_s":5)",
      "$.clocks[2].remaining_s", "a running clock keeps no time left");
  refused_plain(R"({"what":"opened","at":"2026-10-08T02:00:00Z","to":"submitted"})",
                R"({"what":"opened","at":"2026-10-08T02:00:00Z","actor":"agent","to":"submitted"})",
                "$.history[0].actor", "an `opened` entry has no actor");
}

TEST_F(snapshot, detects_an_edit_by_its_integrity_hash) {
  // Content the invariants cannot judge (a remark, a fact), changed: only the hash notices.
  refused(
      replaced(expected, "return requested", "return refused"), "$.integrity",
      "the snapshot's content does not match its integrity hash: it was changed after `to_json` wrote it");
  refused(replaced(expected, R"("amount":12900)", R"("amount":12901)"), "$.integrity", "does not match");
  mutated(R"("integrity":")", R"("integrity":"x)", "$.integrity", "expected 16 lowercase hexadecimal digits");
  // Spelling is not content: whitespace, escapes and key order keep the hash valid.
  const std::string respelled = replaced(replaced(expected, R"("phase":"escalated",)", ""), R"("format":)",
                                         "\n \"phase\" : \"esc\\u0061lated\",\t\"format\":");
  EXPECT_EQ(aftersale::to_json(aftersale::from_json(p, respelled)), expected);
  // Without the hash an edited snapshot is restored (on purpose, by whoever removed it).
  EXPECT_EQ(aftersale::from_json(p, replaced(plain, "return requested", "return refused")).remark(),
            "return refused \"fast\"\n");
}

TEST_F(snapshot, gives_a_missing_flow_clock_an_idle_slot) {
  // A clock the flow mentions but the snapshot lacks was added to the flow after the snapshot.
  const std::string without =
      replaced(plain,
               R"({"clock":"inspection","status":"running","started":"2026-10-10T03:30:00Z",)"
               R"("due":"2026-10-13T03:30:00Z"})",
               R"({"clock":"inspection","status":"idle"})");
  const std::string dropped = replaced(without, R"(,{"clock":"inspection","status":"idle"})", "");
  EXPECT_EQ(without_integrity(aftersale::to_json(aftersale::from_json(p, dropped))), without);
}

TEST_F(snapshot, round_trips_a_long_history) {
  // Held and resumed 1500 times by the runtime: 3000 entries, each with an event id.
  const aftersale::sys_seconds t0 = t("2026-10-08T02:00:00Z");
  aftersale::request r;
  r.set("order_status", "delivered").set("amount", std::int64_t{12900});
  service_case c = aftersale::open_case(aftersale::decide(p, r, t0), t0);
  ASSERT_TRUE(aftersale::apply(c, {"approve", "agent", {}, "a"}, t0).accepted());
  ASSERT_TRUE(aftersale::apply(c, {"ship", "customer", {}, "s"}, t0 + std::chrono::hours{1}).accepted());
  for (int i = 0; i < 3000; ++i) {
    const aftersale::event e{i % 2 == 0 ? "hold" : "resume", "agent", {}, "evt-" + std::to_string(i)};
    ASSERT_TRUE(aftersale::apply(c, e, t0 + std::chrono::hours{2} + std::chrono::minutes{i}).accepted()) << i;
  }
  const std::string s = aftersale::to_json(c);
  EXPECT_GT(s.size(), 300000U);
  EXPECT_EQ(aftersale::to_json(aftersale::from_json(p, s)), s);
  EXPECT_EQ(aftersale::to_json(aftersale::from_json(p, expected)), expected);  // and small ones after it
}

TEST_F(snapshot, refuses_without_a_policy) {
  EXPECT_THROW(aftersale::from_json(nullptr, expected), snapshot_error);
}

// --- policy versions -------------------------------------------------------------------------

TEST_F(snapshot, restores_under_a_new_version_with_the_same_structure) {
  // Labels and descriptions are not part of the structure: a text fix keeps old snapshots valid.
  const auto edited = aftersale::load_policy_string(
      replaced(replaced(policy_text(), "version: \"2026.2\"", "version: \"2026.3\""), "en: received",
               "en: parcel received"),
      "edited.yaml");
  const service_case c = aftersale::from_json(edited, expected);
  EXPECT_EQ(c.state_id(), "received");
  // The restore is recorded: history before it was written under the other version.
  const std::string restored = replaced(replaced(plain, "\"2026.2\"", "\"2026.3\""), R"(["extra",5400]]}])",
                                        R"(["extra",5400]]},{"what":"migrated","at":"2026-10-10T03:30:00Z",)"
                                        R"("from":"received","to":"received"}])");
  EXPECT_EQ(without_integrity(aftersale::to_json(c)), restored);
  ASSERT_EQ(c.history().size(), 4U);
  EXPECT_EQ(c.history().back().what, history_entry::kind::migrated);
}

TEST_F(snapshot, migrates_old_states_to_new_ones) {
  const auto old_p = aftersale::load_policy_string(old_policy_text(), "old.yaml");
  const std::string old_snap = aftersale::to_json(hand_built(old_p, "checking"));
  ASSERT_NE(old_snap.find(R"("state":"checking")"), std::string::npos);

  const service_case c = aftersale::from_json(p, old_snap);
  EXPECT_EQ(c.state_id(), "received");
  ASSERT_EQ(c.history().size(), 4U);
  const auto& f = c.flow();
  EXPECT_EQ(f.states[c.history()[2].to].id, "received");
  // Old transition numbers mean nothing in the new flow.
  EXPECT_EQ(c.history()[1].transition, npos);
  EXPECT_EQ(c.history()[2].transition, npos);
  const history_entry& m = c.history().back();
  EXPECT_EQ(m.what, history_entry::kind::migrated);
  EXPECT_EQ(m.at, t("2026-10-10T03:30:00Z"));
  EXPECT_EQ(m.from, c.state_index());
  EXPECT_EQ(m.to, c.state_index());
  // The restored case is an ordinary snapshot of the new version from then on.
  const std::string s = aftersale::to_json(c);
  EXPECT_NE(s.find(R"("version":"2026.2")"), std::string::npos);
  EXPECT_NE(s.find(R"({"what":"migrated","at":"2026-10-10T03:30:00Z","from":"received","to":"received"})"),
            std::string::npos)
      << s;
  EXPECT_EQ(aftersale::to_json(aftersale::from_json(p, s)), s);

  // A history entry numbered by an old flow with more transitions than the new one restores too.
  service_case bigger_old = hand_built(old_p, "checking");
  access::history(bigger_old)[1].transition = 40;
  EXPECT_EQ(aftersale::from_json(p, aftersale::to_json(bigger_old)).history()[1].transition, npos);
}

TEST_F(snapshot, refuses_a_changed_flow_without_migration) {
  const auto old_p = aftersale::load_policy_string(old_policy_text(), "old.yaml");
  const std::string old_snap = aftersale::to_json(hand_built(old_p, "checking"));
  refused(replaced(old_snap, R"("version":"2026.1")", R"("version":"2025.9")"), "$.policy.structure_hash",
          "flow `return_refund` changed since the snapshot (structure ");
  refused(replaced(old_snap, R"("version":"2026.1")", R"("version":"2025.9")"), "$.policy.structure_hash",
          "declares no migration from policy version `2025.9`");
  // And the other way round: a snapshot of the new version under the old policy.
  try {
    aftersale::from_json(old_p, expected);
    ADD_FAILURE() << "accepted";
  } catch (const snapshot_error& e) {
    EXPECT_EQ(e.path(), "$.policy.structure_hash");
  }
}

TEST_F(snapshot, refuses_an_old_state_the_migration_does_not_map) {
  const auto old_p = aftersale::load_policy_string(
      replaced(old_policy_text(), "      inspecting:\n",
               "      legacy: {agent: legacy, customer: legacy}\n      inspecting:\n"),
      "old.yaml");
  service_case c = hand_built(old_p, "checking");
  access::state(c) = index_of(c.flow(), "legacy");
  const std::string old_snap = aftersale::to_json(c);
  refused(old_snap, "$.state",
          "state `legacy` is no longer in flow `return_refund` and the migration from version `2026.1` does "
          "not map it");
  service_case in_history = hand_built(old_p, "checking");
  access::history(in_history)[2].from = index_of(in_history.flow(), "legacy");
  refused(aftersale::to_json(in_history), "$.history[2].from", "state `legacy` is no longer in flow");
}

// --- real cases -------------------------------------------------------------------------------

TEST(snapshot_names, are_the_documented_spellings) {
  namespace snap = aftersale::detail::snapshot;
  for (std::size_t i = 0; i < snap::phase_names.size(); ++i)
    EXPECT_EQ(snap::phase_names[i], aftersale::to_string(static_cast<aftersale::lifecycle_phase>(i)));
  for (std::size_t i = 0; i < snap::clock_status_names.size(); ++i)
    EXPECT_EQ(snap::clock_status_names[i], aftersale::to_string(static_cast<case_clock::status>(i)));
  for (std::size_t i = 0; i < snap::history_kind_names.size(); ++i)
    EXPECT_EQ(snap::history_kind_names[i], aftersale::to_string(static_cast<history_entry::kind>(i)));
}

class real_case : public snapshot {
 protected:
  service_case open(std::int64_t amount) {
    aftersale::request r;
    r.set("order_status", "delivered").set("amount", amount).set("sku", "X-1");
    return aftersale::open_case(aftersale::decide(p, r, t0), t0);
  }
  // Snapshot, restore, and check the restored case is the same case with the same snapshot.
  static void round_trip(const service_case& c) {
    const std::string s = aftersale::to_json(c);
    const service_case back = aftersale::from_json(c.policy_ptr(), s);
    EXPECT_TRUE(back == c) << s;
    EXPECT_EQ(aftersale::to_json(back), s);
  }
  const aftersale::sys_seconds t0 = t("2026-10-08T02:00:00Z");  // a Thursday, 10:00 in Shanghai
};

TEST_F(real_case, round_trips_through_events_pauses_escalation_and_close) {
  service_case c = open(12900);
  round_trip(c);
  ASSERT_TRUE(
      aftersale::apply(c, {"approve", "agent", {}, "evt-1"}, t0 + std::chrono::minutes{30}).accepted());
  round_trip(c);
  // The return is not shipped: the 48 h clock and then the 24 h follow-up fire, escalating.
  EXPECT_EQ(aftersale::advance(c, t0 + std::chrono::hours{24 * 4}).size(), 2U);
  EXPECT_EQ(c.state_id(), "escalated_review");
  EXPECT_NE(c.escalation(), npos);
  EXPECT_NE(c.remark_flag(), npos);
  round_trip(c);
  aftersale::event inspect{"inspect", "supervisor", {}, "evt-2"};
  inspect.payload.set("inspection_ok", true).set("note", "box dented");
  ASSERT_TRUE(aftersale::apply(c, inspect, t0 + std::chrono::hours{24 * 5}).accepted());
  EXPECT_EQ(c.state_id(), "refunded");
  round_trip(c);
  ASSERT_TRUE(
      aftersale::apply(c, {"close", "agent", {}, "evt-3"}, t0 + std::chrono::hours{24 * 6}).accepted());
  EXPECT_EQ(c.phase(), aftersale::lifecycle_phase::closed);
  round_trip(c);
  ASSERT_TRUE(
      aftersale::apply(c, {"reopen", "customer", {}, "evt-4"}, t0 + std::chrono::hours{24 * 7}).accepted());
  EXPECT_EQ(c.state_id(), "received");
  round_trip(c);
  ASSERT_TRUE(aftersale::apply(c, {"hold", "agent", {}, {}}, t0 + std::chrono::hours{24 * 7 + 1}).accepted());
  const aftersale::case_clock* inspection = c.find_clock(*p->find_clock("inspection"));
  ASSERT_NE(inspection, nullptr);
  EXPECT_EQ(inspection->state, case_clock::status::paused);
  round_trip(c);
  EXPECT_EQ(aftersale::from_json(p, aftersale::to_json(c)).find_clock(inspection->clock)->remaining,
            inspection->remaining);
}

TEST_F(real_case, pending_timers_survive_a_restart) {
  service_case running = open(12900);
  ASSERT_TRUE(
      aftersale::apply(running, {"approve", "agent", {}, {}}, t0 + std::chrono::minutes{30}).accepted());
  const auto due = aftersale::next_deadline(running);
  ASSERT_TRUE(due.has_value());
  // The process stops an hour later; the snapshot sits on disk for days.
  const std::string on_disk = aftersale::to_json(running);
  service_case restarted = aftersale::from_json(p, on_disk);
  EXPECT_EQ(aftersale::next_deadline(restarted), due);
  const aftersale::sys_seconds later = t0 + std::chrono::hours{24 * 6};
  const std::vector<aftersale::outcome> fired_running = aftersale::advance(running, later);
  const std::vector<aftersale::outcome> fired_restarted = aftersale::advance(restarted, later);
  ASSERT_EQ(fired_restarted.size(), fired_running.size());
  EXPECT_EQ(fired_restarted.size(), 2U);
  for (std::size_t i = 0; i < fired_running.size(); ++i) {
    EXPECT_EQ(fired_restarted[i].to(), fired_running[i].to());
    EXPECT_EQ(fired_restarted[i].actions(), fired_running[i].actions());
  }
  EXPECT_TRUE(restarted == running);
  EXPECT_EQ(aftersale::to_json(restarted), aftersale::to_json(running));
  // Fired at their due times, not at the restart: the first at the 48 h deadline.
  EXPECT_EQ(restarted.history()[restarted.history().size() - 2].at, *due);
}

TEST_F(real_case, migrated_case_continues_in_the_new_flow) {
  const auto old_p = aftersale::load_policy_string(old_policy_text(), "old.yaml");
  aftersale::request r;
  r.set("order_status", "delivered").set("amount", std::int64_t{12900});
  service_case old_case = aftersale::open_case(aftersale::decide(old_p, r, t0), t0);
  ASSERT_TRUE(aftersale::apply(old_case, {"approve", "agent", {}, {}}, t0).accepted());
  ASSERT_TRUE(
      aftersale::apply(old_case, {"ship", "customer", {}, "evt-9"}, t0 + std::chrono::hours{3}).accepted());
  ASSERT_EQ(old_case.state_id(), "checking");
  service_case c = aftersale::from_json(p, aftersale::to_json(old_case));
  EXPECT_EQ(c.state_id(), "received");
  EXPECT_EQ(c.history().back().what, history_entry::kind::migrated);
  EXPECT_EQ(c.applied_event_ids(), old_case.applied_event_ids());
  EXPECT_EQ(aftersale::apply(c, {"ship", "customer", {}, "evt-9"}, t0 + std::chrono::hours{4}).result(),
            aftersale::outcome::status::duplicate);
  aftersale::event inspect{"inspect", "agent", {}, {}};
  inspect.payload.set("inspection_ok", true);
  ASSERT_TRUE(aftersale::apply(c, inspect, t0 + std::chrono::hours{5}).accepted());
  EXPECT_EQ(c.state_id(), "refunded");
  round_trip(c);
  for (const history_entry& h : c.history()) EXPECT_FALSE(aftersale::describe(c, h).empty());
}

}  // namespace
