#include "alerts/events.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/log.hpp"

namespace pdcf {

namespace {

// "Event object is invalid: payload.summary is missing" from a 400 body.
std::string invalid_event(const std::string &body)
{
    auto doc = nlohmann::json::parse(body, nullptr, false);
    std::string s;
    if (doc.is_object()) {
        if (doc.contains("message") && doc["message"].is_string()) s = doc["message"].get<std::string>();
        if (doc.contains("errors") && doc["errors"].is_array())
            for (const auto &e : doc["errors"])
                if (e.is_string()) add_note(s, e.get<std::string>());
    }
    return s.empty() ? "HTTP 400" : "HTTP 400: " + s;
}

std::string describe(const HttpReply &r)
{
    return r.status == 0 ? r.error : "HTTP " + std::to_string(r.status);
}

}  // namespace

long rate_limited_delay(const SendResult &result)
{
    return std::max<long>(rate_limited_backoff_seconds, result.retry_after);
}

SendResult events_send(const Post &post, const Sleep &sleep, const Clock &clock, const std::string &event,
                       TimePoint deadline)
{
    SendResult result;
    RetryPolicy policy;
    policy.retry_rate_limited = false;
    HttpReply r = with_retries([&] { return post(event, deadline); }, policy, clock, sleep, deadline, &result.attempts);
    if (r.status >= 200 && r.status < 300) {
        result.status = SendStatus::sent;
        result.detail = "HTTP " + std::to_string(r.status);
    } else if (r.status == 429) {
        result.status = SendStatus::rate_limited;
        result.detail = "HTTP 429";
        result.retry_after = r.retry_after;
    } else if (r.status == 400) {
        result.status = SendStatus::rejected;
        result.detail = invalid_event(r.body);
    } else {
        result.detail = describe(r);
    }
    return result;
}

}  // namespace pdcf
