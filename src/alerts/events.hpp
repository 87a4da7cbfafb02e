// Sending one alert to PagerDuty's Events API v2, retrying what may pass
// on a second try (timeouts, resets, 408, 5xx) while the deadline allows,
// and never what cannot (400: the event itself is wrong).  A 429 is not
// retried at once: PagerDuty asks to "retry ... preferably with a backoff
// of a few minutes", so the alert waits in the spool that long.
#pragma once

#include <functional>
#include <string>

#include "core/clock.hpp"
#include "pagerduty/pagerduty.hpp"
#include "pagerduty/retry.hpp"

namespace pdcf {

enum class SendStatus {
    sent,          // 2xx: PagerDuty has it
    rejected,      // 400: it never will; keep it aside
    failed,        // not now: keep it to send later
    rate_limited,  // 429: keep it, and wait minutes (rate_limited_delay)
};

struct SendResult {
    SendStatus status = SendStatus::failed;
    std::string detail;  // for the log: "HTTP 503", "timed out after ...", PagerDuty's errors
    int attempts = 0;
    int retry_after = -1;  // seconds the Events API asked for with its 429, -1: none
};

// How long an alert the Events API rate-limited waits before it is tried
// again: "a few minutes", or longer when the answer asked for longer.
constexpr long rate_limited_backoff_seconds = 180;
long rate_limited_delay(const SendResult &result);

// POST `event` (JSON) through `post`, waiting between attempts with `sleep`
// (both passed in, so the retry rules are tested without a network).
using Post = std::function<HttpReply(const std::string &body, TimePoint deadline)>;

[[nodiscard]] SendResult events_send(const Post &post, const Sleep &sleep, const Clock &clock,
                                     const std::string &event, TimePoint deadline);

}  // namespace pdcf
