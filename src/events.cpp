#include "events.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace pdcf {

namespace {

using namespace std::chrono;

// First pause between attempts; it doubles each time.
constexpr milliseconds first_backoff{200};
// An attempt needs at least this much time left to be worth starting.
constexpr milliseconds min_attempt{250};

bool retryable(int status) { return status == 0 || status == 408 || status == 429 || status >= 500; }

// "Event object is invalid: payload.summary is missing" from a 400 body.
std::string invalid_event(const std::string &body)
{
    auto doc = nlohmann::json::parse(body, nullptr, false);
    std::string s;
    if (doc.is_object()) {
        if (doc.contains("message") && doc["message"].is_string()) s = doc["message"].get<std::string>();
        if (doc.contains("errors") && doc["errors"].is_array())
            for (const auto &e : doc["errors"])
                if (e.is_string()) s += (s.empty() ? "" : "; ") + e.get<std::string>();
    }
    return s.empty() ? "HTTP 400" : "HTTP 400: " + s;
}

std::string describe(const HttpReply &r)
{
    return r.status == 0 ? r.error : "HTTP " + std::to_string(r.status);
}

}  // namespace

SendResult events_send(const Post &post, const Sleep &sleep, const Clock &clock, const std::string &event,
                       TimePoint deadline)
{
    SendResult result;
    milliseconds backoff = first_backoff;
    for (;;) {
        HttpReply r = post(event, deadline);
        ++result.attempts;
        if (r.status >= 200 && r.status < 300) {
            result.status = SendStatus::sent;
            result.detail = "HTTP " + std::to_string(r.status);
            return result;
        }
        if (r.status == 400) {
            result.status = SendStatus::rejected;
            result.detail = invalid_event(r.body);
            return result;
        }
        result.detail = describe(r);
        if (!retryable(r.status)) return result;
        // A server that names its wait (429 Retry-After) is believed, if the
        // wait fits what is left.
        milliseconds wait = r.retry_after >= 0 ? milliseconds(r.retry_after * 1000) : backoff;
        auto left = duration_cast<milliseconds>(deadline - clock());
        if (left < wait + min_attempt) return result;
        sleep(wait);
        backoff *= 2;
    }
}

}  // namespace pdcf
