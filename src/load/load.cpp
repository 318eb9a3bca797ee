// SPDX-License-Identifier: Apache-2.0
// The public entry points: read the file, parse it safely, build the policy section by
// section, and either return the finished policy or throw every diagnostic at once.
#include <aftersale/load.hpp>
#include <aftersale/version.hpp>
#include <algorithm>
#include <optional>
#include <vector>

#include "base/bounded_file.hpp"
#include "base/hash.hpp"
#include "load/build_state.hpp"
#include "load/reader.hpp"
#include "load/safe_yaml.hpp"

namespace aftersale {

namespace {

// Document order; a store policy's own diagnostics before those in its bases.
[[noreturn]] void fail(std::vector<diagnostic> diags, const std::string& primary = {}) {
  std::stable_sort(diags.begin(), diags.end(), [&](const diagnostic& a, const diagnostic& b) {
    const bool a_own = a.where.file == primary || primary.empty();
    const bool b_own = b.where.file == primary || primary.empty();
    if (a_own != b_own) return a_own;
    if (a.where.file != b.where.file) return a.where.file < b.where.file;
    if (a.where.line != b.where.line) return a.where.line < b.where.line;
    return a.where.column < b.where.column;
  });
  throw policy_error(std::move(diags));
}

// `policy:` except `entry`, which needs the tables.
void read_header(load::build_state& s, const load::node& n) {
  load::reader& r = s.r;
  policy_info& info = s.p.info;
  info.where = r.span(n);
  if (!r.expect(n, load::node::kind::mapping, "the `policy` section")) return;
  r.check_keys(n, "`policy`", {"id", "version", "name", "currency", "entry", "calendar", "locale", "locales"},
               {"id", "version", "entry"});
  if (const load::node* v = n.find("id")) info.id = r.id(*v, "the policy id").value_or("");
  if (const load::node* v = n.find("version")) info.version = r.text(*v, "the policy version").value_or("");
  if (const load::node* v = n.find("name")) info.name = r.text(*v, "the policy name").value_or("");
  if (const load::node* v = n.find("currency")) {
    auto c = r.text(*v, "the currency");
    const bool iso = c && c->size() == 3 &&
                     std::all_of(c->begin(), c->end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
    if (c && !iso) {
      r.error(error_code::invalid_value, *v, "invalid currency `" + *c + "`",
              "write an ISO 4217 code in capitals, e.g. `CNY`, `EUR`");
    }
    if (iso) info.currency = *c;
  }
  if (const load::node* v = n.find("calendar")) {
    s.default_calendar_named = true;
    if (r.expect(*v, load::node::kind::scalar, "`policy.calendar`")) {
      for (std::uint32_t i = 0; i < s.p.calendars.size(); ++i) {
        if (s.p.calendars[i].id() == v->value) s.default_calendar = i;
      }
      if (s.default_calendar) {
        info.default_calendar = *s.default_calendar;
      } else if (!load::quiet(s.broken_calendars, v->value)) {
        r.error(error_code::unknown_id, *v, "unknown calendar `" + v->value + "` in `policy.calendar`",
                load::suggest(v->value, s.calendar_names,
                              "declared calendars: " + load::quote_list(s.calendar_names)));
      }
    }
  }
}

// `policy.locale` and `policy.locales`, before any section with texts (texts.cpp reads them).
void read_locales(load::build_state& s, const load::node& n) {
  load::reader& r = s.r;
  if (!n.is_mapping()) return;
  policy_info& info = s.p.info;
  const auto locale_at = [&](const load::node& v, std::string_view what) -> std::optional<std::string> {
    auto t = r.text(v, what);
    if (!t) return std::nullopt;
    if (!load::is_locale(*t)) {
      r.error(error_code::invalid_locale, v, "invalid locale `" + *t + "` in " + std::string(what),
              "write a language tag such as `zh`, `en` or `zh_hant`");
      return std::nullopt;
    }
    return t;
  };
  bool listed_ok = true;
  const load::node* list = n.find("locales");
  if (list && r.expect(*list, load::node::kind::sequence, "`policy.locales`")) {
    if (list->children.empty()) {
      r.error(error_code::no_locales, *list, "`policy.locales` lists no locale",
              "list the locales every text is written in, e.g. `[zh, en]`, or leave `locales` out");
    }
    for (const load::node& item : list->children) {
      auto l = locale_at(item, "`policy.locales`");
      if (!l) {
        listed_ok = false;
        continue;
      }
      if (std::find(info.locales.begin(), info.locales.end(), *l) != info.locales.end()) {
        r.error(error_code::duplicate_locale, item, "`policy.locales` lists `" + *l + "` twice",
                "remove one of the two");
        continue;
      }
      info.locales.push_back(*l);
    }
  } else if (list) {
    listed_ok = false;
  }
  if (const load::node* v = n.find("locale")) {
    if (auto l = locale_at(*v, "`policy.locale`")) {
      info.locale = *l;
      if (listed_ok && list && !info.locales.empty() &&
          std::find(info.locales.begin(), info.locales.end(), *l) == info.locales.end()) {
        r.error(error_code::locale_not_listed, *v,
                "`policy.locale` `" + *l + "` is not one of `policy.locales`",
                "`policy.locales` lists " + load::quote_list(info.locales) + ": add `" + *l + "` there");
      }
    }
  } else if (!info.locales.empty()) {
    info.locale = info.locales.front();  // the first listed is the default
  }
  // A broken list checks no text against it: the list was reported once.
  r.set_locales(info.locale, listed_ok ? info.locales : std::vector<std::string>{});
}

void read_entry(load::build_state& s, const load::node& n) {
  const load::node* v = n.is_mapping() ? n.find("entry") : nullptr;
  if (v == nullptr || !s.r.expect(*v, load::node::kind::scalar, "`policy.entry`")) return;
  for (std::uint32_t i = 0; i < s.p.decisions.size(); ++i) {
    if (s.p.decisions[i].id == v->value) s.p.info.entry = i;
  }
  // A table that was declared but could not be read has been reported already.
  const bool declared =
      std::find(s.table_names.begin(), s.table_names.end(), v->value) != s.table_names.end();
  if (s.p.info.entry == npos && !declared) {
    s.r.error(error_code::unknown_id, *v, "unknown decision table `" + v->value + "` in `policy.entry`",
              load::suggest(v->value, s.table_names,
                            "declared decision tables: " + load::quote_list(s.table_names)));
  }
}

std::shared_ptr<const policy> build(const load::node& root, const std::vector<std::string>& files,
                                    std::uint64_t hash, std::shared_ptr<const policy> base,
                                    std::shared_ptr<const policy_text> source, const load_limits& limits) {
  load::reader r(files);
  const std::string& file = files.front();
  auto p = std::make_shared<policy>();
  p->base = std::move(base);
  p->source = std::move(source);
  load::build_state s{r, *p, {}, {}, {}, {}, {}, {}, {}, std::nullopt, false, false, {}, {}, {}, limits};
  if (!r.expect(root, load::node::kind::mapping, "a policy")) fail(std::move(r.diagnostics()), file);
  r.check_keys(root, "the policy file",
               {"format", "extends", "policy", "vocabulary", "facts", "calendars", "clocks", "decisions",
                "flows", "protected"},
               {"format", "policy", "vocabulary", "facts", "decisions"});
  constexpr const char* readable_format = AFTERSALE_VERSION_STRINGIFY(AFTERSALE_POLICY_FORMAT_VERSION);
  if (const load::node* f = root.find("format");
      f && !(f->is_scalar() && !f->quoted && f->value == readable_format)) {
    r.error(error_code::unsupported_version, *f, "unsupported policy format `" + load::show(*f) + "`",
            std::string("this library reads `format: ") + readable_format + "`");
    // Another format may mean other keys: reporting them would only add noise.
    fail(std::move(r.diagnostics()), file);
  }
  const load::node* header = root.find("policy");
  if (header) read_locales(s, *header);
  if (const load::node* n = root.find("vocabulary")) {
    read_vocabulary(s, *n);
  } else {
    for (const char* kind : {"solutions", "parties", "roles", "evidence", "flags"}) {
      s.broken_vocabulary.insert(std::string(kind) + ":*");
    }
  }
  if (const load::node* n = root.find("calendars")) read_calendars(s, *n);
  if (header) read_header(s, *header);
  if (const load::node* n = root.find("facts")) {
    read_facts(s, *n);
  } else {
    s.broken_facts.insert("*");
  }
  read_clocks(s, root.find("clocks"));
  const load::node* flows = root.find("flows");
  s.flow_names_known = !flows || flows->is_mapping();
  if (flows && flows->is_mapping()) {
    // Known before the tables are read: rules name the flow a case starts in.
    for (std::size_t i = 0; i < flows->pairs(); ++i) s.flow_names.push_back(flows->key(i).value);
  }
  if (const load::node* n = root.find("decisions")) {
    if (n->is_mapping()) {
      for (std::size_t i = 0; i < n->pairs(); ++i) s.table_names.push_back(n->key(i).value);
    }
    read_decisions(s, *n);
  }
  const load::node* tables = root.find("decisions");
  if (header && tables && tables->is_mapping()) read_entry(s, *header);
  if (flows) read_flows(s, *flows);
  if (const load::node* n = root.find("protected")) read_protected(s, *n);
  if (r.failed()) fail(std::move(r.diagnostics()), file);

  p->info.content_hash = hash;
  compile_policy(*p);
  return p;
}

}  // namespace

namespace load {

loaded_tree load_tree(std::string_view text, const std::string& file, const load_limits& limits,
                      const std::vector<std::string>& chain, const base_lookup& bases) {
  std::vector<diagnostic> diags;
  std::optional<node> root = parse_yaml(text, file, limits, diags);
  if (!root) fail(std::move(diags), file);
  if (diags.empty()) return load_parsed(std::move(*root), text, file, limits, chain, bases);
  // A duplicate key or an alias refuses the document, but not alone: its other problems too.
  try {
    load_parsed(std::move(*root), text, file, limits, chain, bases);
  } catch (const policy_error& e) {
    // An alias reads as nothing: what the walk says at its very place is only that.
    const std::vector<diagnostic> parsed = diags;
    for (const diagnostic& d : e.diagnostics()) {
      const bool at_alias = std::any_of(parsed.begin(), parsed.end(), [&](const diagnostic& a) {
        return a.code == error_code::yaml_alias && a.where == d.where;
      });
      if (!at_alias) diags.push_back(d);
    }
  }
  fail(std::move(diags), file);
}

loaded_tree load_parsed(node parsed, std::string_view text, const std::string& file,
                        const load_limits& limits, const std::vector<std::string>& chain,
                        const base_lookup& bases) {
  std::optional<node> root = std::move(parsed);
  std::vector<std::string> files{file};
  std::shared_ptr<const policy> base;
  auto source = std::make_shared<policy_text>(policy_text{file, std::string(text), {}});
  detail::fnv1a64 hash;
  hash.bytes(text);
  if (const node* target = root->is_mapping() ? root->find("extends") : nullptr) {
    source->extends = target->value;  // a target that is not a scalar fails below
    reader merge(file);
    std::vector<diagnostic> base_errors;
    base = extend(*root, files, limits, chain, bases, merge, base_errors);
    if (merge.failed() || !base_errors.empty()) {
      std::vector<diagnostic> all = std::move(merge.diagnostics());
      all.insert(all.end(), base_errors.begin(), base_errors.end());
      fail(std::move(all), file);
    }
    // The store's hash covers its base's text too: a changed base is a changed policy.
    hash.u64(base->info.content_hash);
  }
  auto p = build(*root, files, hash.value(), base, std::move(source), limits);
  return loaded_tree{std::move(*root), std::move(files), std::move(p)};
}

}  // namespace load

namespace {

load::base_lookup on_disk(const load_options& options, const std::string* file) {
  load::base_lookup bases;
  bases.roots = load::policy_roots(options, file);
  return bases;
}

}  // namespace

std::shared_ptr<const policy> load_policy_string(std::string_view yaml, const std::string& file_name,
                                                 const load_limits& limits, const load_options& options) {
  return load::load_tree(yaml, file_name, limits, {}, on_disk(options, nullptr)).result;
}

std::shared_ptr<const policy> load_policy_string(std::string_view yaml, const std::string& file_name,
                                                 const load_limits& limits) {
  return load_policy_string(yaml, file_name, limits, load_options{});
}

std::shared_ptr<const policy> load_policy_file(const std::string& path, const load_limits& limits,
                                               const load_options& options) {
  detail::bounded_read_options read;
  read.max_bytes = limits.max_bytes;
  detail::bounded_text text = detail::read_bounded_file(path, read);
  // Too large: the bytes read go on, for the parser to refuse with E103 and the size.
  if (!text && text.status != detail::read_status::too_large) {
    fail({diagnostic{error_code::file_unreadable, severity::error, source_span{path, 0, 0},
                     "cannot read policy file `" + path + "`: " + text.why,
                     "check that the path is right and the file is readable"}});
  }
  return load::load_tree(text.text, path, limits, {}, on_disk(options, &path)).result;
}

std::shared_ptr<const policy> load_policy_file(const std::string& path, const load_limits& limits) {
  return load_policy_file(path, limits, load_options{});
}

}  // namespace aftersale
