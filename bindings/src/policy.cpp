// SPDX-License-Identifier: Apache-2.0
// Policy, load, loads and loads_sources, pickling, and decide for one request.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <string>

#include "convert.hpp"
#include "module.hpp"

namespace aftersale::python {

namespace {

py::list ids(const std::vector<vocabulary_entry>& entries) {
  py::list out;
  for (const vocabulary_entry& e : entries) out.append(e.id);
  return out;
}

// A fact's declaration as plain values.
py::dict fact_dict(const fact_def& f) {
  py::dict out;
  out["type"] = std::string(to_string(f.type));
  out["values"] = py::cast(f.values);
  out["required"] = f.required;
  out["default"] = f.default_value ? fact_value_to_python(f, *f.default_value) : py::object(py::none());
  out["derived"] = f.derive != derivation::none;
  out["description"] = f.description;
  // The range (in the fact's own values: Decimal for decimals) and a decimal's scale; None without.
  out["min"] = f.min ? fact_value_to_python(f, *f.min) : py::object(py::none());
  out["max"] = f.max ? fact_value_to_python(f, *f.max) : py::object(py::none());
  out["scale"] = f.type == fact_type::decimal ? py::object(py::int_(f.scale)) : py::object(py::none());
  return out;
}

decision decide_one(const py_policy& p, py::handle request_dict, py::handle now, py::handle table,
                    bool explain) {
  const decide_options options{explain};
  if (table.is_none()) {
    const bound_request r = bind_dict(*p.ptr, request_dict);
    return decide(p.ptr, r, to_instant(now, "now"), options);
  }
  // An unknown table is reported first, as decide() does, naming the tables.
  const std::string name = table.cast<std::string>();
  const std::optional<std::uint32_t> id = p.ptr->find_decision(name);
  if (!id) return decide(p.ptr, name, request{}, to_instant(now, "now"), options);
  const bound_request r = bind_dict(*p.ptr, request_dict);
  return decide(p.ptr, *id, r, to_instant(now, "now"), options);
}

// `Policy.sources`: ((name, file, text), ...), the policy's own text first, then its bases.
py::tuple sources_tuple(const policy& p) {
  const policy_sources s = policy_sources_of(p);
  py::tuple out(s.texts.size());
  for (std::size_t i = 0; i < s.texts.size(); ++i) {
    out[i] = py::make_tuple(s.texts[i].name, s.texts[i].file, s.texts[i].text);
  }
  return out;
}

py_policy loads_sources(py::iterable texts, py::handle content_hash) {
  policy_sources s;
  for (py::handle item : texts) {
    const auto t = py::reinterpret_borrow<py::sequence>(item);
    if (py::len(t) != 3) throw py::type_error("a source is a (name, file, text) tuple of three strings");
    s.texts.push_back(
        policy_source{t[0].cast<std::string>(), t[1].cast<std::string>(), t[2].cast<std::string>()});
  }
  s.content_hash = content_hash.is_none() ? 0 : content_hash.cast<std::uint64_t>();
  py::gil_scoped_release unlocked;
  return py_policy{load_policy_sources(s)};
}

}  // namespace

void register_policy(py::module_& m) {
  py::class_<py_policy>(m, "Policy", "A loaded, immutable policy. Safe to use from several threads.")
      .def_property_readonly("id", [](const py_policy& p) { return p.ptr->info.id; })
      .def_property_readonly("version", [](const py_policy& p) { return p.ptr->info.version; })
      .def_property_readonly("name", [](const py_policy& p) { return p.ptr->info.name; })
      .def_property_readonly("currency", [](const py_policy& p) { return p.ptr->info.currency; })
      .def_property_readonly("file", [](const py_policy& p) { return p.ptr->info.where.file; })
      .def_property_readonly("content_hash", [](const py_policy& p) { return p.ptr->info.content_hash; })
      .def_property_readonly("entry",
                             [](const py_policy& p) {
                               const policy& pol = *p.ptr;
                               return pol.info.entry < pol.decisions.size()
                                          ? py::object(py::str(pol.decisions[pol.info.entry].id))
                                          : py::object(py::none());
                             })
      .def_property_readonly("tables",
                             [](const py_policy& p) {
                               py::list out;
                               for (const decision_table& t : p.ptr->decisions) out.append(t.id);
                               return out;
                             })
      .def_property_readonly("facts",
                             [](const py_policy& p) {
                               py::dict out;
                               for (const fact_def& f : p.ptr->facts) out[py::str(f.name)] = fact_dict(f);
                               return out;
                             })
      .def_property_readonly("clocks",
                             [](const py_policy& p) {
                               py::list out;
                               for (const clock_def& c : p.ptr->clocks) out.append(c.id);
                               return out;
                             })
      .def_property_readonly("solutions", [](const py_policy& p) { return ids(p.ptr->vocabulary.solutions); })
      .def_property_readonly("parties", [](const py_policy& p) { return ids(p.ptr->vocabulary.parties); })
      .def_property_readonly("roles", [](const py_policy& p) { return ids(p.ptr->vocabulary.roles); })
      .def("decide", &decide_one, py::arg("request"), py::arg("now"), py::arg("table") = py::none(),
           py::arg("explain") = true,
           "Decides one request (a dict of fact name to value) at the aware datetime `now`.")
      .def("decide_many", &decide_many, py::arg("requests"), py::arg("now"), py::arg("table") = py::none(),
           py::arg("threads") = 0u,
           "Decides a list of request dicts, or a dict of equal-length columns, on every core; returns a "
           "dict of columns (lists; NumPy arrays for a DataFrame or a dict of NumPy arrays / pandas Series).")
      .def("decide_frame", &decide_frame, py::arg("frame"), py::arg("now"), py::arg("table") = py::none(),
           py::arg("threads") = 0u, py::arg("details") = false,
           "Decides the rows of a pandas DataFrame (columns: fact names) on every core; returns a DataFrame "
           "with the same index: categorical ids, Int64 amounts, datetime64[ns, UTC] deadlines.")
      .def("output_categories", &output_categories, py::arg("table") = py::none(), py::arg("details") = false,
           "The categories of decide_many's coded columns (status, rule_id, solution, ...) for a table.")
      .def_property_readonly(
          "sources", [](const py_policy& p) { return sources_tuple(*p.ptr); },
          "The texts the policy was loaded from, as (name, file, text) tuples: its own first (named by its "
          "file), then the base its `extends:` names (named as the `extends:` wrote it), then that base's "
          "base. aftersale.loads_sources(policy.sources, policy.content_hash) loads it again.")
      // A policy pickles as its texts and content hash, never as compiled data: unpickling loads
      // it again (checked against the hash, E238), wherever it lands (docs/scale.md).
      .def("__reduce__",
           [](const py_policy& p) {
             py::tuple texts = sources_tuple(*p.ptr);
             if (texts.empty()) throw py::type_error("cannot pickle a policy that was not loaded from text");
             return py::make_tuple(py::module_::import("aftersale").attr("loads_sources"),
                                   py::make_tuple(texts, p.ptr->info.content_hash));
           })
      // Immutable: a copy is the policy itself.
      .def("__copy__", [](py::object self) { return self; })
      .def(
          "__deepcopy__", [](py::object self, py::handle) { return self; }, py::arg("memo"))
      .def("__repr__", [](const py_policy& p) {
        const policy& pol = *p.ptr;
        return "<aftersale.Policy " + pol.info.id + " " + pol.info.version + ": " +
               std::to_string(pol.decisions.size()) + " table(s), " + std::to_string(pol.facts.size()) +
               " facts>";
      });

  m.def(
      "load",
      [](py::handle path, py::handle policy_paths, bool file_folder) {
        const std::string file = py::module_::import("os").attr("fsdecode")(path).cast<std::string>();
        const load_options options = to_load_options(policy_paths, file_folder);
        py::gil_scoped_release unlocked;
        return py_policy{load_policy_file(file, load_limits{}, options)};
      },
      py::arg("path"), py::kw_only(), py::arg("policy_paths") = py::none(), py::arg("file_folder") = true,
      "Loads a policy file. Raises PolicyError with every problem found. `extends:` may read bases "
      "from the file's own folder (unless file_folder=False) and from the folders in policy_paths.");
  m.def(
      "loads",
      [](const std::string& text, const std::string& name, py::handle policy_paths) {
        const load_options options = to_load_options(policy_paths, false);
        py::gil_scoped_release unlocked;
        return py_policy{load_policy_string(text, name, load_limits{}, options)};
      },
      py::arg("text"), py::arg("name") = "<string>", py::kw_only(), py::arg("policy_paths") = py::none(),
      "Loads a policy from YAML text; `name` is the file name diagnostics show. Raises PolicyError. Text "
      "has no folder: `extends:` may read bases only from the folders in policy_paths.");
  m.def("loads_sources", &loads_sources, py::arg("sources"), py::arg("content_hash") = py::none(),
        "Loads a policy from its source texts in memory (Policy.sources: (name, file, text) tuples, its own "
        "first, then its bases), reading no file: an `extends:` reads the later text of its name. Raises "
        "PolicyError, also when the texts load a policy of another content_hash than the one given (E238).");
}

}  // namespace aftersale::python
