// SPDX-License-Identifier: Apache-2.0
#pragma once
// A store URL as the CLI prints it (status lines, `store init`): never a password.
#include <string>

namespace aftersale::cli {

/// `url` with its password, in the user part (`user:secret@`) or as a `password=` parameter
/// (any case), replaced by `***`. Everything else is kept; a path is returned as it is.
std::string printable_url(const std::string& url);

}  // namespace aftersale::cli
