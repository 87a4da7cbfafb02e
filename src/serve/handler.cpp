#include "serve/handler.hpp"

#include <algorithm>
#include <cctype>

#include "call/call_end.hpp"
#include "call/voice.hpp"
#include "core/address.hpp"
#include "core/limits.hpp"
#include "serve/queue_time.hpp"
#include "text/sms.hpp"

namespace pdcf {

namespace {

Response health(Prepared &c)
{
    c.log.outcome = Outcome::ok;
    return plain_response(200, "ok");
}

// /metrics: to the peers of [server] metrics_allow only (the counts say
// how busy the lines are, and a scrape reads the spool), and never kept by
// a proxy or a browser: a counter read from a cache goes backwards.
Response metrics_page(Prepared &c)
{
    if (!address_allowed(c.ctx.config->config.server.metrics_allow, c.req.remote_addr))
        return rejected_response(c.log, 403, "forbidden: this address is not in [server] metrics_allow",
                                 "/metrics from an address not in metrics_allow");
    if (!c.ctx.metrics) {
        c.log.outcome = Outcome::error;
        c.log.reason = "no counters: spool_dir is not usable";
        return plain_response(503, "no metrics: [pagerduty] spool_dir is not usable; see --check");
    }
    c.log.outcome = Outcome::ok;
    Response r;
    r.body = c.ctx.metrics();
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.headers.push_back({"Cache-Control", "no-store"});
    return r;
}

// A shorter wait is the web server's own work, not a queue: not logged.
constexpr std::chrono::milliseconds queue_worth_logging{100};

// When PagerDuty's budget starts: when the web server took the request, if
// it says so (X-Request-Start, set by the shipped configs), else `start`;
// but never so early that less than limits::min_budget_after_queue is left.
TimePoint budget_start(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    if (req.request_start.empty() || !ctx.epoch_micros) return start;
    const TimePoint now = ctx.clock();
    QueueWait w = queue_wait(req.request_start, ctx.epoch_micros());
    if (!w.believed) {
        log.queued_ms = "ignored";
        return start;
    }
    if (w.waited >= queue_worth_logging) log.queued_ms = std::to_string(w.waited.count());
    const auto budget = ctx.config->config.pagerduty.timeout;
    const auto counted = std::min(w.waited, budget - std::min(budget, limits::min_budget_after_queue));
    return std::min(start, now - counted);
}

struct Handler {
    const char *path;
    std::vector<std::string> methods;
    Needs needs;  // done once, before `run`
    Handle run;
};

// PATH_INFO → handler.  An empty PATH_INFO is the incoming call, so the
// script's own URL works as the webhook; /sms is the incoming text; the
// rest are the callbacks the menu and the call flow put in their TwiML,
// and the number's status callback.
const Handler handlers[] = {
    {"", {"GET", "POST"}, Needs::webhook, voice_incoming},
    {"/", {"GET", "POST"}, Needs::webhook, voice_incoming},
    {"/voice", {"GET", "POST"}, Needs::webhook, voice_incoming},
    {"/voice/menu", {"POST", "GET"}, Needs::webhook, voice_menu},
    {"/voice/reason", {"POST", "GET"}, Needs::state, voice_reason},
    {"/voice/reason-ready", {"POST", "GET"}, Needs::state, voice_reason_ready},
    {"/voice/dial-status", {"POST", "GET"}, Needs::state, voice_dial_status},
    {"/voice/screen", {"POST", "GET"}, Needs::state, voice_screen},
    {"/voice/screen-result", {"POST", "GET"}, Needs::state, voice_screen_result},
    {"/voice/recorded", {"POST", "GET"}, Needs::state, voice_recorded},
    {"/voice/recording", {"POST", "GET"}, Needs::state, voice_recording},
    {"/voice/transcription", {"POST", "GET"}, Needs::state, voice_transcription},
    {"/voice/call-recording", {"POST", "GET"}, Needs::state, voice_call_recording},
    {"/voice/status", {"POST", "GET"}, Needs::webhook, voice_status},
    {"/sms", {"POST", "GET"}, Needs::webhook, sms_incoming},
    {"/health", {"GET", "HEAD"}, Needs::nothing, health},
    {"/metrics", {"GET", "HEAD"}, Needs::nothing, metrics_page},
};

std::string join(const std::vector<std::string> &v)
{
    std::string s;
    for (const auto &x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

}  // namespace

Response handle(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    log.method = req.method;
    log.path = req.path_info;
    Response r = [&]() -> Response {
        if (!req.oversized.empty()) {
            // Before anything reads it.  RFC 9110: 414 for a too long
            // target, 431 for a too long header.
            bool target = req.oversized == "QUERY_STRING" || req.oversized == "REQUEST_URI";
            bool header = req.oversized.rfind("HTTP_", 0) == 0;
            return rejected_response(log, target ? 414 : header ? 431 : 400, "request variable too long",
                                     req.oversized + " is over " + std::to_string(limits::max_request_variable) +
                                         " bytes");
        }
        const Handler *h = nullptr;
        for (const auto &candidate : handlers)
            if (req.path_info == candidate.path) h = &candidate;
        if (!h) return rejected_response(log, 404, "not found", "no handler for this path");
        if (std::find(h->methods.begin(), h->methods.end(), req.method) == h->methods.end()) {
            Response r405 = rejected_response(log, 405, "method not allowed", "method " + req.method);
            r405.headers.push_back({"Allow", join(h->methods)});
            return r405;
        }
        switch (req.body_status) {
        case BodyStatus::ok: break;
        case BodyStatus::too_large:
            return rejected_response(log, 413, "payload too large", "body of " + req.content_length + " bytes is over the limit");
        case BodyStatus::bad_length:
            return rejected_response(log, 400, "bad request: CONTENT_LENGTH", "CONTENT_LENGTH is not a number");
        case BodyStatus::short_read:
            return rejected_response(log, 400, "bad request: body shorter than Content-Length", "body shorter than CONTENT_LENGTH");
        }
        if (!ctx.config->ok()) {
            // A 500 makes Twilio fetch the number's fallback URL instead.
            log.outcome = Outcome::error;
            log.reason = "configuration: " + ctx.config->summary();
            return plain_response(500, "configuration error; see the server's error log");
        }
        Prepared call{req, ctx, log, budget_start(req, ctx, start, log) + ctx.config->config.pagerduty.timeout, {}, {}, {}};
        if (auto stop = prepare(call, h->needs)) return *stop;
        return h->run(call);
    }();
    r.omit_body = req.method == "HEAD";
    log.status = r.status;
    log.total_ms = ms_between(start, ctx.clock());
    return r;
}

std::string response_cgi(const Response &r)
{
    const char *reason = "OK";
    switch (r.status) {
    case 400: reason = "Bad Request"; break;
    case 403: reason = "Forbidden"; break;
    case 404: reason = "Not Found"; break;
    case 405: reason = "Method Not Allowed"; break;
    case 413: reason = "Payload Too Large"; break;
    case 414: reason = "URI Too Long"; break;
    case 431: reason = "Request Header Fields Too Large"; break;
    case 415: reason = "Unsupported Media Type"; break;
    case 500: reason = "Internal Server Error"; break;
    case 503: reason = "Service Unavailable"; break;
    }
    std::string out = "Status: " + std::to_string(r.status) + " " + reason + "\r\n";
    out += "Content-Type: " + r.content_type + "\r\n";
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    for (const auto &[name, value] : r.headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    return r.omit_body ? out : out + r.body;
}

}  // namespace pdcf
