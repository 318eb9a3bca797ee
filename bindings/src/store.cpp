// SPDX-License-Identifier: Apache-2.0
// Store: the case store (store.hpp) from Python. Rows, outcomes, reports and log entries are
// plain dicts; instants are aware UTC datetimes; hashes are 16 hex digits. The GIL is released
// around every database call (a per-handle mutex keeps one call at a time on a handle, as the
// C++ handle requires), so other Python threads run while one waits for SQLite.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <aftersale/decide.hpp>
#include <aftersale/store.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convert.hpp"
#include "module.hpp"

namespace aftersale::python {

namespace {

std::string hex(std::uint64_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = digits[v & 0xf];
  return out;
}

// A handle and the lock that keeps one call at a time on it once the GIL is released.
class py_store {
 public:
  explicit py_store(case_store s) : store_(std::make_unique<case_store>(std::move(s))) {}

  // Runs `f(store)` without the GIL, one call at a time on this handle.
  template <class F>
  auto call(F&& f) {
    py::gil_scoped_release unlocked;
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!store_) throw store_error(error_code::store_unavailable, "the store is closed");
    return f(*store_);
  }

  void close() {
    py::gil_scoped_release unlocked;
    const std::lock_guard<std::mutex> lock(mutex_);
    store_.reset();
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<case_store> store_;
};

py::dict info_dict(const stored_case_info& i) {
  py::dict d;
  d["id"] = i.id;
  d["version"] = i.version;
  d["policy_id"] = i.policy_id;
  d["policy_version"] = i.policy_version;
  d["policy_hash"] = hex(i.policy_hash);
  d["flow"] = i.flow;
  d["state"] = i.state;
  d["phase"] = i.phase;
  d["opened_at"] = to_datetime(i.opened_at);
  d["updated_at"] = to_datetime(i.updated_at);
  d["next_due"] = i.next_due ? to_datetime(*i.next_due) : py::object(py::none());
  return d;
}

py::list actions_list(const std::vector<emitted_action>& actions) {
  py::list out;
  for (const emitted_action& a : actions) {
    py::dict args;
    for (const auto& [k, v] : a.args) args[py::str(k)] = v;
    out.append(py::make_tuple(a.name, args));
  }
  return out;
}

py::dict result_dict(const store_result& r) {
  const outcome_view& v = r.outcome;
  py::dict d;
  d["result"] = v.result;
  d["accepted"] = v.accepted();
  d["reason"] = text_or_none(v.reason);
  d["message"] = v.message;
  d["from_state"] = text_or_none(v.from_state);
  d["to_state"] = text_or_none(v.to_state);
  d["steps"] = v.steps;
  d["actions"] = actions_list(v.actions);
  d["version"] = r.version;
  return d;
}

py::dict log_dict(const log_entry& e) {
  py::dict d;
  d["seq"] = e.seq;
  d["kind"] = e.kind;
  d["event"] = text_or_none(e.event);
  d["actor"] = text_or_none(e.actor);
  d["event_id"] = text_or_none(e.event_id);
  d["at"] = to_datetime(e.at);
  d["payload"] = e.payload_json;
  d["result"] = e.result;
  d["reason"] = text_or_none(e.reason);
  d["message"] = e.message;
  d["actions"] = actions_list(e.actions);
  d["from_state"] = text_or_none(e.from_state);
  d["to_state"] = text_or_none(e.to_state);
  d["steps"] = e.steps;
  d["version"] = e.version;
  d["decision_id"] = text_or_none(e.decision_id);
  d["policy_hash"] = e.policy_hash ? py::object(py::str(hex(e.policy_hash))) : py::object(py::none());
  d["from_policy_hash"] =
      e.from_policy_hash ? py::object(py::str(hex(e.from_policy_hash))) : py::object(py::none());
  d["snapshot"] = text_or_none(e.snapshot);
  return d;
}

py::dict report_dict(const fire_report& r) {
  py::dict d;
  d["cases"] = r.cases;
  d["timers"] = r.timers;
  d["skipped"] = r.skipped;
  d["advanced"] = r.advanced;
  d["held"] = r.held;
  py::list failed;
  for (const fire_report::failure& f : r.failed) {
    py::dict one;
    one["id"] = f.id;
    one["message"] = f.message;
    failed.append(std::move(one));
  }
  d["failed"] = std::move(failed);
  return d;
}

std::string optional_text(py::handle h) { return h.is_none() ? std::string() : h.cast<std::string>(); }

}  // namespace

void register_store(py::module_& m) {
  py::class_<py_store>(m, "Store",
                       "Cases in a database (SQLite: `sqlite:PATH` or a path): open from a decision, apply "
                       "events, fire due timers, read the append-only log. One call at a time per handle; "
                       "open one handle per thread for parallel work. Raises StoreError (.code E6xx).")
      .def_static(
          "open",
          [](const std::string& url, double busy_timeout, bool durable) {
            store_options o;
            // Checked before the cast: inf, nan or 1e300 seconds would be undefined behaviour.
            if (!(busy_timeout > 0 && busy_timeout <= 86400.0))
              throw py::value_error("busy_timeout must be a number of seconds above 0 and at most 86400");
            o.busy_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(busy_timeout * 1000));
            o.sync = durable ? store_options::durability::full : store_options::durability::normal;
            py::gil_scoped_release unlocked;
            return std::make_unique<py_store>(case_store::open(url, o));
          },
          py::arg("url"), py::arg("busy_timeout") = 5.0, py::arg("durable") = true,
          "Opens (creating or migrating the schema) the store at `url`; `busy_timeout` in seconds.")
      .def_property_readonly(
          "schema_version",
          [](py_store& s) { return s.call([](case_store& c) { return c.schema_version(); }); })
      .def(
          "add_policy",
          [](py_store& s, const py_policy& p) {
            std::shared_ptr<const policy> ptr = p.ptr;
            s.call([&](case_store& c) {
              c.add_policy(ptr);
              return 0;
            });
          },
          py::arg("policy"),
          "Adds a policy to the handle's registry: cases pinned to its content hash can be read.")
      .def(
          "open_case",
          [](py_store& s, const std::string& id, const decision& d, py::handle now) {
            const sys_seconds t = to_instant(now, "now");
            return info_dict(s.call([&](case_store& c) { return c.open_case(id, d, t); }));
          },
          py::arg("case_id"), py::arg("decision"), py::arg("now"),
          "Opens a case from a decision under a new id (one transaction); returns its row as a dict.")
      .def(
          "apply",
          [](py_store& s, const std::string& id, const std::string& name, const std::string& actor,
             py::handle payload, py::handle event_id, py::handle now, py::handle expected_version) {
            event e;
            e.name = name;
            e.actor_role = actor;
            if (!payload.is_none()) e.payload = to_request(payload);
            e.id = optional_text(event_id);
            const sys_seconds t = to_instant(now, "now");
            const std::optional<std::int64_t> expected =
                expected_version.is_none()
                    ? std::nullopt
                    : std::optional<std::int64_t>(expected_version.cast<std::int64_t>());
            return result_dict(s.call([&](case_store& c) { return c.apply(id, e, t, expected); }));
          },
          py::arg("case_id"), py::arg("event"), py::arg("actor"), py::arg("payload") = py::none(),
          py::arg("id") = py::none(), py::kw_only(), py::arg("now"), py::arg("expected_version") = py::none(),
          "Applies an event; returns the outcome as a dict (result, accepted, reason, message, from_state, "
          "to_state, steps, actions, version). With expected_version, raises StoreError E604 when the case "
          "moved on.")
      .def(
          "get",
          [](py_store& s, const std::string& id) {
            stored_case got = s.call([&](case_store& c) { return c.get(id); });
            py::dict d = info_dict(got.info);
            d["case"] = py::cast(std::move(got.value));
            return d;
          },
          py::arg("case_id"), "The case's row as a dict, with the restored Case under 'case'.")
      .def("__contains__",
           [](py_store& s, const std::string& id) {
             return s.call([&](case_store& c) { return c.contains(id); });
           })
      .def(
          "list",
          [](py_store& s, py::handle state, py::handle phase, py::handle flow, std::size_t limit) {
            case_filter f;
            f.state = optional_text(state);
            f.phase = optional_text(phase);
            f.flow = optional_text(flow);
            f.limit = limit;
            py::list out;
            for (const stored_case_info& i : s.call([&](case_store& c) { return c.list(f); }))
              out.append(info_dict(i));
            return out;
          },
          py::kw_only(), py::arg("state") = py::none(), py::arg("phase") = py::none(),
          py::arg("flow") = py::none(), py::arg("limit") = 1000,
          "Case rows matching every filter given, by id.")
      .def(
          "history",
          [](py_store& s, const std::string& id) {
            py::list out;
            for (const log_entry& e : s.call([&](case_store& c) { return c.history(id); }))
              out.append(log_dict(e));
            return out;
          },
          py::arg("case_id"), "The case's append-only log, in order, as dicts.")
      .def(
          "replay",
          [](py_store& s, const std::string& id) {
            return s.call([&](case_store& c) { return c.replay(id); });
          },
          py::arg("case_id"), "The case rebuilt from its log alone (equals get(id)['case']).")
      .def(
          "due",
          [](py_store& s, py::handle now, std::size_t limit) {
            const sys_seconds t = to_instant(now, "now");
            py::list out;
            for (const due_case& d : s.call([&](case_store& c) { return c.due(t, limit); })) {
              py::dict row;
              row["id"] = d.id;
              row["due"] = to_datetime(d.due);
              out.append(row);
            }
            return out;
          },
          py::arg("now"), py::arg("limit") = 1000,
          "Cases whose next timer is due at or before `now`, earliest first.")
      .def(
          "fire_due",
          [](py_store& s, py::handle now, std::size_t limit) {
            const sys_seconds t = to_instant(now, "now");
            return report_dict(s.call([&](case_store& c) { return c.fire_due(t, limit); }));
          },
          py::arg("now"), py::arg("limit") = 500,
          "Fires the due timers of up to `limit` cases (each case in its own transaction); returns "
          "{'cases', 'timers', 'skipped', 'advanced', 'held', 'failed'}: `failed` lists the cases whose "
          "snapshot did not restore ({'id', 'message'}); they are then held (passed over) for an hour of "
          "`now`.")
      .def(
          "migrate",
          [](py_store& s, const std::string& id, const py_policy& to, py::handle now,
             const std::string& actor) {
            const sys_seconds t = to_instant(now, "now");
            std::shared_ptr<const policy> ptr = to.ptr;
            return info_dict(s.call([&](case_store& c) { return c.migrate(id, ptr, t, actor); }));
          },
          py::arg("case_id"), py::arg("policy"), py::arg("now"), py::arg("actor") = "system",
          "Moves the case to another version of its policy (one transaction, a `migrated` log row). Raises "
          "StoreError E608 (another policy), E609 (no such flow or state), E610 (does not restore).")
      .def("close", &py_store::close, "Closes the database connection; later calls raise StoreError E600.")
      .def(
          "__enter__", [](py_store& s) -> py_store& { return s; }, py::return_value_policy::reference)
      .def("__exit__", [](py_store& s, py::args) { s.close(); });
}

}  // namespace aftersale::python
