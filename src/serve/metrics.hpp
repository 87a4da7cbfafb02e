// /metrics: what every process of one spool_dir counted (counters.hpp),
// in the Prometheus text exposition format (version 0.0.4).  The series
// are named here, and only here: counting and rendering agree by
// construction.  Pure, but for the counters' shared file.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerts/spool_files.hpp"
#include "core/counters.hpp"
#include "core/log.hpp"

namespace pdcf {

// One answered request: its HTTP status, and when it came from Twilio
// (signed), the call, callback or text by route and outcome, and where
// its on-call answer came from.  Unsigned requests add to the status
// count only: a flood of forged ones makes no new series.
void count_request(const Counters &counters, const LogRecord &log);

// One request to the PagerDuty REST API: its status (0, no answer) and
// how long it took.
void count_pagerduty(const Counters &counters, int status, std::chrono::microseconds took);

// One Events API answer to an alert sent (2xx sent, 400 rejected), and
// what the alert desk said of an alert (alerts.hpp: "spooled (...)",
// "LOST (...)"); the rest is counted by the answers or not at all.
void count_alert_answer(const Counters &counters, int status);
void count_alert_fate(const Counters &counters, std::string_view said);

using Series = std::vector<std::pair<std::string, std::uint64_t>>;

// The whole page: every family with HELP and TYPE, the known label values
// at 0 before they happen (so rate() and absent() work from the start),
// the histogram made cumulative, the spool's gauges.
std::string metrics_render(const Series &counted, std::uint64_t dropped, const spool_files::Depth &spool);

// A label value escaped as the format asks: \\, \" and \n.
std::string metrics_label(std::string_view value);

}  // namespace pdcf
