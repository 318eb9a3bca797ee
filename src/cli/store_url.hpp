// SPDX-License-Identifier: Apache-2.0
#pragma once
// A store URL as the CLI prints it (status lines, `store init`): never a password.
#include <string>

namespace aftersale::cli {

/// `url` with its password in the user part (`user:secret@`) and the value of every parameter
/// not known to be harmless (`password=`, `sslpassword=`, any name not in the list) replaced by
/// `***`. Host, port, database, user and the like are kept; a path is returned as it is.
std::string printable_url(const std::string& url);

}  // namespace aftersale::cli
