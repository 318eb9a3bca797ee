// SPDX-License-Identifier: Apache-2.0
// A policy's source texts: collected from a loaded policy (each policy keeps its own text,
// `policy::source`), and loaded again from memory, where `extends:` reads a later text of the
// set instead of a file (extends.cpp asks `find_source`).
#include <aftersale/load.hpp>
#include <string>
#include <vector>

#include "base/hash.hpp"
#include "load/build_state.hpp"

namespace aftersale {

namespace load {

const policy_source* find_source(const base_lookup& bases, std::string_view target, std::size_t& at) {
  const std::vector<policy_source>& texts = bases.texts->texts;
  for (std::size_t i = bases.self + 1; i < texts.size(); ++i) {
    if (texts[i].name == target) {
      at = i;
      return &texts[i];
    }
  }
  return nullptr;
}

}  // namespace load

namespace {

[[noreturn]] void refuse(error_code code, const std::string& file, std::string message, std::string help) {
  throw policy_error(
      {diagnostic{code, severity::error, source_span{file, 0, 0}, std::move(message), std::move(help)}});
}

}  // namespace

policy_sources policy_sources_of(const policy& p) {
  policy_sources out;
  out.content_hash = p.info.content_hash;
  std::string name = p.source ? p.source->file : std::string();
  for (const policy* at = &p; at && at->source; at = at->base.get()) {
    out.texts.push_back(policy_source{name, at->source->file, at->source->text});
    name = at->source->extends;
  }
  if (out.texts.empty()) out.content_hash = 0;
  return out;
}

std::shared_ptr<const policy> load_policy_sources(const policy_sources& sources, const load_limits& limits) {
  if (sources.texts.empty()) {
    refuse(error_code::unused_source, "<sources>", "no source texts to load a policy from",
           "give the policy's own text first, then the bases its `extends:` names");
  }
  const policy_source& own = sources.texts.front();
  load::base_lookup bases;
  bases.texts = &sources;
  std::shared_ptr<const policy> p = load::load_tree(own.text, own.file, limits, {}, bases).result;

  // Every text is read: the chain of bases takes, link by link, the text `find_source` found.
  std::vector<bool> read(sources.texts.size(), false);
  read[0] = true;
  std::size_t at = 0;
  for (const policy* link = p.get(); link->base; link = link->base.get()) {
    bases.self = at;
    if (load::find_source(bases, link->source->extends, at)) read[at] = true;
  }
  for (std::size_t i = 0; i < read.size(); ++i) {
    if (read[i]) continue;
    refuse(error_code::unused_source, own.file,
           "source text `" + sources.texts[i].name + "` (" + sources.texts[i].file +
               ") is not a base of the policy",
           "the texts are the policy's own, then the base its `extends:` names, then that base's base: "
           "leave out texts no `extends:` names");
  }
  if (sources.content_hash != 0 && p->info.content_hash != sources.content_hash) {
    refuse(error_code::content_hash_mismatch, own.file,
           "the source texts load a policy of content hash " + detail::hex16(p->info.content_hash) +
               ", not the expected " + detail::hex16(sources.content_hash),
           "a text changed since the policy was loaded from it: send the texts as `policy_sources_of` "
           "gives them");
  }
  return p;
}

}  // namespace aftersale
