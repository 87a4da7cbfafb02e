#include "serve/metrics.hpp"

#include <map>

namespace pdcf {

namespace {

constexpr const char *prefix = "pd_call_forward_";

struct Family {
    const char *name;  // after the prefix
    const char *type;
    const char *help;
    const char *label;  // the label seeded at 0, or nullptr
    std::vector<const char *> seeds;
};

const char *const duration = "pagerduty_request_duration_seconds";
// The histogram's bounds, seconds: a cached answer is a few ms, PagerDuty
// itself 100-500 ms; [pagerduty] timeout is at most 12 s.
const std::vector<const char *> bounds = {"0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"};
const double bound_values[] = {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

const std::vector<Family> &families()
{
    static const std::vector<Family> f = {
        {"calls_total", "counter", "Incoming calls, by route and by what the first answer did (dial, menu, voicemail...).",
         nullptr, {}},
        {"call_callbacks_total", "counter",
         "Twilio's later requests of a call (answered, accepted, recorded, gone...), by route and outcome.", nullptr, {}},
        {"texts_total", "counter", "Incoming texts, by route and outcome.", nullptr, {}},
        {"responses_total", "counter", "Answers to the web server, by HTTP status code.", nullptr, {}},
        {"oncall_answers_total", "counter",
         "Where a call's on-call answer came from: the cache (fresh), the cache past its time (stale), PagerDuty.",
         "source", {"fresh", "stale", "pagerduty"}},
        {"pagerduty_requests_total", "counter",
         "Requests to the PagerDuty REST API, by result (ok, client_error, rate_limited, server_error, no_answer).",
         "result", {"ok", "client_error", "rate_limited", "server_error", "no_answer"}},
        {duration, "histogram", "How long a request to the PagerDuty REST API took.", nullptr, {}},
        {"alerts_total", "counter",
         "PagerDuty alerts: sent, spooled (to be sent again), rejected by PagerDuty, lost (not even spooled).",
         "result", {"sent", "spooled", "rejected", "lost"}},
        {"metrics_dropped_total", "counter", "Counts not kept: a series past the counters file's room.", nullptr, {}},
    };
    return f;
}

std::string series(const char *name, const char *label, std::string_view value)
{
    return std::string(prefix) + name + "{" + label + "=\"" + metrics_label(value) + "\"}";
}

std::string route_series(const char *name, const LogRecord &log)
{
    return std::string(prefix) + name + "{route=\"" + metrics_label(log.route) + "\",outcome=\"" +
           to_string(log.outcome) + "\"}";
}

// _bucket (each bucket's own count, as counted), _sum_us → cumulative
// buckets, +Inf, _sum in seconds, _count.
std::string histogram(const std::map<std::string, std::uint64_t> &all)
{
    const std::string base = std::string(prefix) + duration;
    auto get = [&all](const std::string &key) {
        auto it = all.find(key);
        return it == all.end() ? std::uint64_t{0} : it->second;
    };
    std::string out;
    std::uint64_t running = 0;
    for (const char *b : bounds) {
        running += get(base + "_bucket{le=\"" + b + "\"}");
        out += base + "_bucket{le=\"" + b + "\"} " + std::to_string(running) + "\n";
    }
    running += get(base + "_bucket{le=\"+Inf\"}");
    out += base + "_bucket{le=\"+Inf\"} " + std::to_string(running) + "\n";
    // Exact, from the microseconds: a double would round a large sum.
    const std::uint64_t us = get(base + "_sum_us");
    std::string fraction = std::to_string(us % 1000000);
    fraction.insert(0, 6 - fraction.size(), '0');
    out += base + "_sum " + std::to_string(us / 1000000) + "." + fraction + "\n";
    out += base + "_count " + std::to_string(running) + "\n";
    return out;
}

}  // namespace

std::string metrics_label(std::string_view value)
{
    std::string out;
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

void count_request(const Counters &counters, const LogRecord &log)
{
    counters.add(std::string(prefix) + "responses_total{code=\"" + std::to_string(log.status) + "\"}");
    if (!log.from_twilio || log.outcome == Outcome::none) return;
    const std::string &p = log.path;
    if (p.empty() || p == "/" || p == "/voice") counters.add(route_series("calls_total", log));
    else if (p == "/sms") counters.add(route_series("texts_total", log));
    else if (p.rfind("/voice/", 0) == 0) counters.add(route_series("call_callbacks_total", log));
    if (log.source == "cache") counters.add(series("oncall_answers_total", "source", "fresh"));
    else if (log.source == "stale" || log.source == "pagerduty")
        counters.add(series("oncall_answers_total", "source", log.source));
}

void count_pagerduty(const Counters &counters, int status, std::chrono::microseconds took)
{
    const char *result = status == 0                  ? "no_answer"
                         : status == 429              ? "rate_limited"
                         : status >= 500              ? "server_error"
                         : status >= 200 && status < 300 ? "ok"
                                                      : "client_error";
    counters.add(series("pagerduty_requests_total", "result", result));
    const std::string base = std::string(prefix) + duration;
    const double seconds = static_cast<double>(took.count()) / 1e6;
    const char *le = "+Inf";
    for (std::size_t i = 0; i < bounds.size(); ++i)
        if (seconds <= bound_values[i]) {
            le = bounds[i];
            break;
        }
    counters.add(base + "_bucket{le=\"" + le + "\"}");
    counters.add(base + "_sum_us", static_cast<std::uint64_t>(std::max<long long>(0, took.count())));
}

void count_alert_answer(const Counters &counters, int status)
{
    if (status >= 200 && status < 300) counters.add(series("alerts_total", "result", "sent"));
    else if (status == 400) counters.add(series("alerts_total", "result", "rejected"));
}

void count_alert_fate(const Counters &counters, std::string_view said)
{
    if (said.rfind("spooled", 0) == 0) counters.add(series("alerts_total", "result", "spooled"));
    else if (said.rfind("LOST", 0) == 0) counters.add(series("alerts_total", "result", "lost"));
}

std::string metrics_render(const Series &counted, std::uint64_t dropped, const spool_files::Depth &spool)
{
    std::map<std::string, std::uint64_t> all(counted.begin(), counted.end());
    all[std::string(prefix) + "metrics_dropped_total"] += dropped;
    std::string out;
    for (const Family &f : families()) {
        const std::string name = std::string(prefix) + f.name;
        out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
        if (f.name == duration) {
            out += histogram(all);
            continue;
        }
        for (const char *seed : f.seeds) all.emplace(series(f.name, f.label, seed), 0);
        // The family's series: the name alone, or the name and '{'.
        for (auto it = all.lower_bound(name); it != all.end() && it->first.compare(0, name.size(), name) == 0; ++it)
            if (it->first.size() == name.size() || it->first[name.size()] == '{')
                out += it->first + " " + std::to_string(it->second) + "\n";
    }
    const std::string spool_alerts = std::string(prefix) + "spool_alerts";
    out += "# HELP " + spool_alerts + " Alerts in the spool: pending (to send), held (for what may still come), "
           "rejected (refused by PagerDuty).\n# TYPE " + spool_alerts + " gauge\n";
    out += spool_alerts + "{state=\"pending\"} " + std::to_string(spool.pending) + "\n";
    out += spool_alerts + "{state=\"held\"} " + std::to_string(spool.held) + "\n";
    out += spool_alerts + "{state=\"rejected\"} " + std::to_string(spool.rejected) + "\n";
    const std::string oldest = std::string(prefix) + "spool_oldest_age_seconds";
    out += "# HELP " + oldest + " Seconds since the oldest pending alert was spooled; 0 when none is.\n# TYPE " +
           oldest + " gauge\n" + oldest + " " + std::to_string(spool.oldest_age) + "\n";
    return out;
}

}  // namespace pdcf
