// What every request is handed (the config, PagerDuty, the alert desk,
// the clocks) and what it answers.  The PagerDuty request and the clock
// are passed in, so every path through the handlers runs in unit tests
// without a network.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "alerts/alert.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "pagerduty/cache.hpp"
#include "pagerduty/pagerduty.hpp"

namespace pdcf {

struct Response {
    int status = 200;
    std::string content_type = "text/xml; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;  // more headers, e.g. Allow
    std::string body;
    bool omit_body = false;  // HEAD: headers only (RFC 3875 section 4.3.2)
};

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
    // Given each request's log record once its answer is out: the counters
    // and the call history.  Returns lines for the log (a record that could
    // not be kept).  Unset: nothing is kept.
    std::function<std::string(const LogRecord &log)> record;
    // The /metrics page (Prometheus text); unset: no counters to show
    // (spool_dir is not usable).
    std::function<std::string()> metrics;
};

// The context's sources, or the API alone when it has none.
OnCallSources sources_for(const Context &context, TimePoint deadline, CacheMode mode);

}  // namespace pdcf
