// SPDX-License-Identifier: Apache-2.0
#pragma once
// `--set var=value` options of `aftersale case apply` → the event's payload.
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <string>
#include <vector>

namespace aftersale::cli {

/// Builds an event payload from `name=value` texts, reading each value by the type of the
/// flow variable it names: `true`/`false` for bool, an integer for int and money (minor
/// units: 12900 = 129.00), text for the others (enum value, duration `48h`, ISO timestamp).
/// A name the flow does not declare, or a value that does not read as its type, is passed
/// on as text, so `apply` refuses it with `bad_payload` and says why.
/// @throws input_error `--set: error: ...` for an item without `=` or with an empty name,
/// or a name given twice
request parse_payload(const flow_def& flow, const std::vector<std::string>& items);

}  // namespace aftersale::cli
