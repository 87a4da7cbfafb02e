#include "commands/test_call.hpp"

#include "config/hours.hpp"
#include "config/route.hpp"
#include "core/escape.hpp"
#include "core/phone.hpp"
#include "serve/handler.hpp"

namespace pdcf {

namespace {
// Twilio's ids are two letters and 32 hex digits; these say "a test".
constexpr const char *test_call_sid = "CA00000000000000000000000000000000";
constexpr const char *test_account_sid = "AC00000000000000000000000000000000";

// The settings of the line `to` names (its number or name), for the time
// zone --at is read in; [call]'s when it names none.
const CallSettings &line_settings(const Config &config, const std::string &to)
{
    for (const auto &r : config.routes)
        if (r.name == to || (!to.empty() && r.number == to)) return r.call;
    for (const auto &m : config.menus)
        if (m.name == to || (!to.empty() && m.number == to)) return m.call;
    return config.call;
}

}  // namespace

Request test_call_request(const Config &config, const std::string &to, const std::string &from)
{
    Request r;
    r.method = "POST";
    r.path_info = "/voice";
    r.content_type = "application/x-www-form-urlencoded";
    r.trusted = true;
    // Where the callbacks in the TwiML point when public_url is not set;
    // nothing calls them.
    r.host = "localhost";
    r.script_name = "/pd-call-forward";
    std::string called = to;
    if (!is_e164(to)) {
        r.query_string = "route=" + url_component(to);
        called.clear();
        if (const Route *route = route_find(config, to)) called = route->number;
        if (const Menu *menu = menu_find(config, to)) {
            r.query_string = "menu=" + url_component(to);
            called = menu->number;
        }
    }
    const std::pair<const char *, std::string> params[] = {
        {"CallSid", test_call_sid}, {"AccountSid", test_account_sid}, {"From", from.empty() ? "anonymous" : from},
        {"To", called},             {"CallStatus", "ringing"},        {"Direction", "inbound"},
        {"ApiVersion", "2010-04-01"},
    };
    for (const auto &[name, value] : params)
        r.body += (r.body.empty() ? "" : "&") + std::string(name) + "=" + url_component(value);
    r.content_length = std::to_string(r.body.size());
    return r;
}

int test_call_run(const Context &ctx, const std::string &to, const std::string &from, const std::string &at,
                  std::FILE *out, std::FILE *log_out)
{
    Context then = ctx;
    if (!at.empty()) {
        const date::time_zone *zone = line_settings(ctx.config->config, to).hours.zone;
        auto when = local_time_parse(at, zone);
        if (!when) {
            std::fprintf(log_out, "pd-call-forward: --at: %s\n", display_text(when.error()).c_str());
            return 2;
        }
        // Hours are kept at that time, and PagerDuty is asked who is on
        // call then, past the cache, which knows only the present.
        then.epoch_seconds = [t = *when] { return t; };
        then.sources = [&ctx, t = *when](TimePoint deadline, CacheMode) {
            return direct_sources([&ctx, deadline](const std::string &path) {
                return ctx.pagerduty ? ctx.pagerduty(path, deadline) : HttpReply{0, {}, "no PagerDuty client", -1};
            }, t, true);
        };
        std::fprintf(log_out, "a call at %s\n", zone_time_text(zone, *when).c_str());
    }
    Request req = test_call_request(ctx.config->config, to, from);
    LogRecord log;
    Response resp = handle(req, then, ctx.clock(), log);
    std::fputs(resp.body.c_str(), out);
    std::fprintf(log_out, "%s\n", log.line().c_str());
    return log.outcome == Outcome::dial || log.outcome == Outcome::menu ? 0 : 1;
}

}  // namespace pdcf
