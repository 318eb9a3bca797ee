// SPDX-License-Identifier: Apache-2.0
// Compiles shared/bench/flow_limit.cpp as it is (its main() renamed) and drives its `send`.
// AFTERSALE_FLOW_LIMIT_CPP is that file's path.
#define main flow_limit_unused_main
#include AFTERSALE_FLOW_LIMIT_CPP
#undef main

#include "flow_switch.hpp"

namespace aftersale::bench {

struct flow_switch::impl {
  std::vector<int32_t> amount;
  std::vector<uint8_t> ok;
  std::vector<uint32_t> ev_begin;
  std::vector<Ev> events;
  int max_len = 0;
  std::vector<Case> cases;
};

flow_switch::flow_switch(const neutral_flow_cases& c) : impl_(new impl) {
  const std::size_t n = c.size();
  impl_->amount = c.amount_cents;
  impl_->ok.resize(n);
  for (std::size_t i = 0; i < n; ++i) impl_->ok[i] = c.inspection_ok[i] ? 1 : 0;
  impl_->ev_begin = c.begin;
  impl_->events.reserve(c.events.size());
  for (std::uint8_t e : c.events) impl_->events.push_back(static_cast<Ev>(e));
  impl_->max_len = c.max_events;
  impl_->cases.resize(n);
}

flow_switch::~flow_switch() = default;

// The loops of flow_limit.cpp's one_pass().
void flow_switch::create() {
  const std::size_t n = impl_->cases.size();
  for (std::size_t i = 0; i < n; ++i)
    impl_->cases[i] = Case{impl_->amount[i], 0, State::requested, impl_->ok[i] != 0};
  clobber();
}

namespace {
// Count: also count the accepted events (the verification pass); the timed pass does
// exactly what flow_limit.cpp does.
template <bool Count>
std::uint64_t rounds(std::vector<Case>& case_vec, const std::vector<uint32_t>& begin_vec,
                     const std::vector<Ev>& event_vec, int max_len) {
  const std::size_t n = case_vec.size();
  const uint32_t* ev_begin = begin_vec.data();
  const Ev* events = event_vec.data();
  Case* cases = case_vec.data();
  std::uint64_t accepted = 0;
  for (int r = 0; r < max_len; ++r) {
    const uint32_t ur = static_cast<uint32_t>(r);
    for (std::size_t i = 0; i < n; ++i) {
      const uint32_t b = ev_begin[i];
      if (b + ur < ev_begin[i + 1]) {
        if constexpr (Count) {
          accepted += send(cases[i], events[b + ur]) ? 1 : 0;
        } else {
          send(cases[i], events[b + ur]);
        }
      }
    }
  }
  clobber();
  return accepted;
}
}  // namespace

void flow_switch::dispatch() { rounds<false>(impl_->cases, impl_->ev_begin, impl_->events, impl_->max_len); }

std::uint64_t flow_switch::dispatch_counting() {
  return rounds<true>(impl_->cases, impl_->ev_begin, impl_->events, impl_->max_len);
}

std::string flow_switch::line(std::size_t i) const {
  const Case& c = impl_->cases.at(i);
  // flow_limit.cpp's checksum line.
  return std::string(STATE_NAMES[static_cast<int>(c.state)]) + "|" + std::to_string(c.refunded_cents) + "\n";
}

std::size_t flow_switch::size() const { return impl_->cases.size(); }

std::size_t flow_switch::case_bytes() { return sizeof(Case); }

}  // namespace aftersale::bench
