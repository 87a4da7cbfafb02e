#include "handler.hpp"

#include <algorithm>
#include <cctype>

#include "form.hpp"
#include "route.hpp"
#include "signature.hpp"
#include "twiml.hpp"

namespace pdcf {

namespace {

long ms_between(TimePoint a, TimePoint b)
{
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count());
}

Response plain(int status, std::string body)
{
    Response r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(body) + "\n";
    return r;
}

Response rejected(LogRecord &log, int status, const std::string &body, const std::string &reason)
{
    log.outcome = "rejected";
    log.reason = reason;
    return plain(status, body);
}

bool is_form(const std::string &content_type)
{
    std::string t = content_type.substr(0, content_type.find(';'));
    t.erase(std::remove_if(t.begin(), t.end(), [](char c) { return c == ' ' || c == '\t'; }), t.end());
    std::transform(t.begin(), t.end(), t.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    return t.empty() || t == "application/x-www-form-urlencoded";
}

Voice voice_of(const CallSettings &call) { return {call.voice, call.language}; }

// Nobody from PagerDuty can be dialed: the fallback number, or the
// unavailable message and a hang-up.
Response fallback(const CallSettings &call, const std::string &reason, LogRecord &log)
{
    Twiml twiml;
    log.reason = reason;
    if (!call.fallback_number.empty()) {
        twiml.say(voice_of(call), call.fallback_greeting).dial({call.dial_timeout, call.caller_id}, {call.fallback_number});
        log.outcome = "fallback";
        log.dialed = {call.fallback_number};
    } else {
        twiml.say(voice_of(call), call.unavailable_message).hangup();
        log.outcome = "unavailable";
    }
    Response r;
    r.body = twiml.str();
    return r;
}

Response voice(const Request &req, const Context &ctx, TimePoint start, LogRecord &log)
{
    const Config &cfg = ctx.config->config;
    bool post = req.method == "POST";
    if (post && !is_form(req.content_type))
        return rejected(log, 415, "unsupported media type: expected application/x-www-form-urlencoded",
                        "Content-Type " + req.content_type);

    FormResult query = form_decode(req.query_string);
    if (!query) return rejected(log, 400, "bad request: query string: " + query.error, "query string: " + query.error);
    FormResult form;
    if (post) {
        form = form_decode(req.body);
        if (!form) return rejected(log, 400, "bad request: body: " + form.error, "body: " + form.error);
    }
    // Twilio sends its parameters in the body for POST, in the query for GET.
    const Params &twilio = post ? form.params : query.params;
    log.call_sid = form_value(twilio, "CallSid");
    log.from = form_value(twilio, "From");
    log.to = form_value(twilio, "To");

    if (req.trusted) {
        // --test-call: nothing was signed, and nothing needs to be.
    } else if (cfg.twilio.validate_signature) {
        std::string url = request_url(req, cfg.twilio.public_url);
        SignatureCheck check = signature_check(url, post ? form.params : Params{}, req.signature, cfg.twilio.auth_tokens);
        if (check != SignatureCheck::valid) {
            log.url = url;
            return rejected(log, 403, "forbidden", to_string(check));
        }
    } else {
        log.signature_off = true;
    }

    const std::string *route_param = form_get(query.params, "route");
    RouteChoice choice = route_choose(cfg, route_param ? *route_param : "", route_param != nullptr, log.to);
    if (!choice.route) return fallback(cfg.call, choice.problem, log);
    const Route &route = *choice.route;
    log.route = route.name;

    TimePoint deadline = start + cfg.pagerduty.timeout;
    TimePoint asked = ctx.clock();
    Lookup found = pagerduty_lookup(
        [&](const std::string &path) {
            return ctx.pagerduty ? ctx.pagerduty(path, deadline) : HttpReply{0, {}, "no PagerDuty client"};
        },
        route.kind, route.target, cfg.pagerduty.prefer_label);
    log.pd_ms = ms_between(asked, ctx.clock());
    log.pd_requests = found.requests;

    lookup_skip_number(found, log.to);
    const std::vector<Callee> &callees = found.callees;
    std::string reason = lookup_reason(found);
    if (callees.empty()) return fallback(route.call, reason, log);

    std::vector<std::string> names, numbers;
    for (const auto &c : callees) {
        names.push_back(c.name);
        numbers.push_back(c.number);
    }
    Twiml twiml;
    twiml.say(voice_of(route.call), fill_names(route.call.greeting, names))
        .dial({route.call.dial_timeout, route.call.caller_id}, numbers);
    log.outcome = "dial";
    log.dialed = numbers;
    log.level = found.level;
    log.reason = reason;
    Response r;
    r.body = twiml.str();
    return r;
}

Response health(const Request &, const Context &, TimePoint, LogRecord &log)
{
    log.outcome = "ok";
    return plain(200, "ok");
}

struct Handler {
    const char *path;
    std::vector<std::string> methods;
    bool needs_config;
    Response (*run)(const Request &, const Context &, TimePoint, LogRecord &);
};

// PATH_INFO → handler.  An empty PATH_INFO is the incoming call, so the
// script's own URL works as the webhook.
const Handler handlers[] = {
    {"", {"GET", "POST"}, true, voice},
    {"/", {"GET", "POST"}, true, voice},
    {"/voice", {"GET", "POST"}, true, voice},
    {"/health", {"GET", "HEAD"}, true, health},
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
        const Handler *h = nullptr;
        for (const auto &candidate : handlers)
            if (req.path_info == candidate.path) h = &candidate;
        if (!h) return rejected(log, 404, "not found", "no handler for this path");
        if (std::find(h->methods.begin(), h->methods.end(), req.method) == h->methods.end()) {
            Response r405 = rejected(log, 405, "method not allowed", "method " + req.method);
            r405.headers.push_back({"Allow", join(h->methods)});
            return r405;
        }
        switch (req.body_status) {
        case BodyStatus::ok: break;
        case BodyStatus::too_large:
            return rejected(log, 413, "payload too large", "body of " + req.content_length + " bytes is over the limit");
        case BodyStatus::bad_length:
            return rejected(log, 400, "bad request: CONTENT_LENGTH", "CONTENT_LENGTH is not a number");
        case BodyStatus::short_read:
            return rejected(log, 400, "bad request: body shorter than Content-Length", "body shorter than CONTENT_LENGTH");
        }
        if (h->needs_config && !ctx.config->ok()) {
            // A 500 makes Twilio fetch the number's fallback URL instead.
            log.outcome = "error";
            log.reason = "configuration: " + ctx.config->summary();
            return plain(500, "configuration error; see the server's error log");
        }
        return h->run(req, ctx, start, log);
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
    case 415: reason = "Unsupported Media Type"; break;
    case 500: reason = "Internal Server Error"; break;
    }
    std::string out = "Status: " + std::to_string(r.status) + " " + reason + "\r\n";
    out += "Content-Type: " + r.content_type + "\r\n";
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    for (const auto &[name, value] : r.headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    return r.omit_body ? out : out + r.body;
}

}  // namespace pdcf
