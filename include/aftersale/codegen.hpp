// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// A policy compiled to C++ (`aftersale compile`, docs/compile.md): one self-contained header
/// with a typed request, `enum class`es for the policy's ids, and `decide` as plain `if`s, one
/// function per decision table, returning what the interpreter's `decide` returns.
///
///     auto p = aftersale::load_policy_file("policies/default.yaml");
///     aftersale::codegen_options o;
///     o.name_space = "store_policy";
///     o.source_name = "policies/default.yaml";
///     aftersale::generated_code code = aftersale::generate_cpp(*p, o);
///     // write code.header to store_policy.hpp (and code.flows_source beside it when not empty)
///
/// `canonical_text` is the one text both sides print for a decision: the generated header's
/// `reflect::canonical_text` prints the same bytes for its own decision of the same request,
/// table and instant, which is how the two are proven equal (tests/codegen, tests/differential).
#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/model.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aftersale {

/// How `generate_cpp` names and heads what it writes.
struct codegen_options {
  /// C++ namespace of the generated code (`a::b` nests); empty = `aftersale_policy`. Each part
  /// must be a C++ identifier that is not a keyword, else `generate_cpp` throws usage_error E509.
  std::string name_space;
  /// The file name the flows source `#include`s (`store_policy.hpp`); empty = `policy.hpp`.
  std::string header_name;
  /// How the header names the policy file in its first comment; empty = the policy's own file
  /// name (`policy_text::file`), else `<policy>`.
  std::string source_name;
};

/// What `generate_cpp` writes.
struct generated_code {
  /// A self-contained C++17/C++20 header (no Boost.MSM in it): it includes only aftersale's
  /// public `calendar.hpp`, `time.hpp` and `error.hpp` and the standard library.
  std::string header;
  /// A C++17 translation unit with the Boost.MSM machines of the flows; "" when the policy has
  /// no flows.
  std::string flows_source;
};

/// The policy as C++. Deterministic: the same policy and options give the same bytes.
/// @throws usage_error E509 for a namespace that is not a C++ name.
generated_code generate_cpp(const policy& p, const codegen_options& options = {});

/// What a generated header says it was made from (its second and third lines).
struct header_stamp {
  std::uint64_t policy_hash = 0;  ///< policy_info::content_hash (the text, bases included)
  std::string generator;          ///< the aftersale version that wrote it (`0.1.0`)
};

/// The stamp of a generated header; nullopt when the text has none (not a generated header, or
/// one edited there).
std::optional<header_stamp> read_header_stamp(std::string_view header_text);

/// A decision as canonical text: table, status, aggregate and every selected match (rule,
/// solution, fee payer, evidence, escalation, remark flag and remark, steps and labels in the
/// policy's locale, amounts with presence, deadlines as Unix seconds, flow). Not the trace nor
/// the facts. Byte-equal to the generated header's `reflect::canonical_text` of its decision of
/// the same request, table and instant whenever the two agree.
std::string canonical_text(const decision& d);

/// The same for a case after a step (its state, clocks, variables and what the step did).
std::string canonical_text(const service_case& c);

}  // namespace aftersale
