// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// aftersale: after-sales policy as executable, testable data.
///
///     #include <aftersale/aftersale.hpp>
///
///     auto policy = aftersale::load_policy_file("policies/default.yaml");   // throws policy_error
///     aftersale::request r;
///     r.set("order_status", "paid_unshipped").set("request", "request_refund")
///      .set("reason", "changed_mind").set("amount", 12900);
///     auto now = *aftersale::parse_timestamp("2026-11-23T10:00:00+08:00");
///     aftersale::decision d = aftersale::decide(policy, r, now);
///     std::cout << d.solution() << '\n' << aftersale::explain(d);
///
/// Includes the whole public API; each header can also be included alone.
#include <aftersale/analysis.hpp>
#include <aftersale/batch.hpp>
#include <aftersale/calendar.hpp>
#include <aftersale/case.hpp>
#include <aftersale/codegen.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/diagram.hpp>
#include <aftersale/error.hpp>
#include <aftersale/load.hpp>
#include <aftersale/model.hpp>
#include <aftersale/observer.hpp>
#include <aftersale/policy_handle.hpp>
#include <aftersale/policy_test.hpp>
#include <aftersale/request.hpp>
#include <aftersale/store.hpp>
#include <aftersale/time.hpp>
#include <aftersale/version.hpp>
#include <aftersale/whatif.hpp>
