// From a request to a response: the dispatch table and the handlers.
// The PagerDuty request and the clock are passed in, so every path through
// here runs in unit tests without a network.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"
#include "log.hpp"
#include "pagerduty.hpp"
#include "request.hpp"

namespace pdcf {

using TimePoint = std::chrono::steady_clock::time_point;
using Clock = std::function<TimePoint()>;

// One GET to the PagerDuty API that must end by `deadline`.
using PagerDutyGet = std::function<HttpReply(const std::string &path_and_query, TimePoint deadline)>;

struct Response {
    int status = 200;
    std::string content_type = "text/xml; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;  // more headers, e.g. Allow
    std::string body;
    bool omit_body = false;  // HEAD: headers only (RFC 3875 section 4.3.2)
};

struct Alert;
enum class AlertKind;

// Where the handlers send alerts (see alert_desk.hpp).
struct Alerts {
    // Sends `alert` once per call and kind, or keeps it to send later;
    // returns what happened, for the log ("sent", "spooled (...)",
    // "duplicate", "rejected (...)", "LOST (...)").
    std::function<std::string(const Alert &alert, TimePoint deadline)> deliver;
    // Holds `alert` for `seconds`, for what may still come; it then goes
    // out once, unless the call turned out not to need it (alert_desk.hpp).
    // Returns what happened, for the log ("held 30 s", or as deliver).
    std::function<std::string(const Alert &alert, long seconds, TimePoint deadline)> hold;
    // The held alert of a call and kind, taken back to be sent now (with
    // more in it), if it is still held.
    std::function<std::optional<Alert>(const std::string &call_sid, AlertKind kind)> take_held;
    // Marks a call ("answered", "recorded"), and asks whether it is marked.
    // A mark is not an alert kind: those are claimed by deliver.
    std::function<void(const std::string &call_sid, const std::string &mark)> mark;
    std::function<bool(const std::string &call_sid, const std::string &mark)> marked;
};

// How a request treats the cache: use it while fresh, or (--check) ask
// PagerDuty anyway and keep the answer.
enum class CacheMode { use, refresh };

struct OnCallSources;
// The sources of one request's on-call answers, held to `deadline`.
using SourcesFor = std::function<OnCallSources(TimePoint deadline, CacheMode mode)>;

struct Context {
    const ConfigResult *config = nullptr;  // not ok(): every request is a 500
    PagerDutyGet pagerduty;                // the REST API itself
    SourcesFor sources;                    // the cache before it; unset: the API alone
    Alerts alerts;
    Clock clock;
    std::function<long long()> epoch_seconds;  // the wall clock, for call durations
    // The wall clock in microseconds, for X-Request-Start; unset: the budget
    // counts from the request's arrival here.
    std::function<long long()> epoch_micros;
    // Lines written at start (config errors and warnings), one per line.
    std::string startup_log;
    // Run once the answer is out (spooled alerts are sent then), with
    // whether the request came from Twilio (LogRecord::from_twilio): only
    // such a request starts work, so a flood of forged or unsigned ones, or
    // of /health, costs no more than its own answers.  Returns lines for
    // the log.
    std::function<std::string(bool from_twilio)> after_response;
};

// The context's sources, or the API alone when it has none.
OnCallSources sources_for(const Context &context, TimePoint deadline, CacheMode mode);

// `start` is when the request arrived; PagerDuty's time budget counts
// from it, or from when the web server took it (X-Request-Start), if
// earlier.  Fills `log` with everything the log line needs.
Response handle(const Request &request, const Context &context, TimePoint start, LogRecord &log);

// The response as CGI/FastCGI output: a Status header, the headers, an
// empty line, the body (RFC 3875 section 6).
std::string response_cgi(const Response &response);

}  // namespace pdcf
