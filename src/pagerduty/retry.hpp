// Trying an HTTP request again when a second try may pass (no answer,
// 408, 429, 5xx), while the deadline allows.  After a 429, the wait the
// server asked for (Retry-After, ratelimit-reset), and only if it fits;
// after anything else our own doubling pause, whatever wait the answer
// names.  Never for other answers: a 4xx will not change.
#pragma once

#include <chrono>
#include <functional>

#include "core/clock.hpp"
#include "pagerduty/pagerduty.hpp"

namespace pdcf {

using Sleep = std::function<void(std::chrono::milliseconds)>;

struct RetryPolicy {
    int max_attempts = 1000;
    std::chrono::milliseconds first_pause{200};
    bool retry_rate_limited = true;  // false: a 429 is final (the caller waits far longer)
};

bool retryable(const HttpReply &reply);

// Calls `attempt` until it gives a final answer, the attempts run out, or
// the time left cannot hold another wait and attempt; returns the last
// reply and counts the attempts in `attempts`.
HttpReply with_retries(const std::function<HttpReply()> &attempt, const RetryPolicy &policy, const Clock &clock,
                       const Sleep &sleep, TimePoint deadline, int *attempts = nullptr);

}  // namespace pdcf
