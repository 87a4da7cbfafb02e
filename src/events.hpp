// Sending one alert to PagerDuty's Events API v2, retrying what may pass
// on a second try (timeouts, resets, 408, 429, 5xx) while the deadline
// allows, and never what cannot (400: the event itself is wrong).
#pragma once

#include <functional>
#include <string>

#include "handler.hpp"
#include "pagerduty.hpp"
#include "retry.hpp"

namespace pdcf {

enum class SendStatus {
    sent,      // 2xx: PagerDuty has it
    rejected,  // 400: it never will; keep it aside
    failed,    // not now: keep it to send later
};

struct SendResult {
    SendStatus status = SendStatus::failed;
    std::string detail;  // for the log: "HTTP 503", "timed out after ...", PagerDuty's errors
    int attempts = 0;
};

// POST `event` (JSON) through `post`, waiting between attempts with `sleep`
// (both passed in, so the retry rules are tested without a network).
using Post = std::function<HttpReply(const std::string &body, TimePoint deadline)>;

SendResult events_send(const Post &post, const Sleep &sleep, const Clock &clock, const std::string &event,
                       TimePoint deadline);

}  // namespace pdcf
