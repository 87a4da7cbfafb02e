#include "text/sms.hpp"

#include "config/route.hpp"
#include "text/sms_flow.hpp"

namespace pdcf {

namespace {

Response finish_text(const FlowResult &r, const Context &ctx, TimePoint deadline, LogRecord &log)
{
    Response resp = finish(r, ctx, deadline, log);
    log.texted = std::move(log.dialed);
    log.dialed.clear();
    return resp;
}

// The text to `route`'s on-call, or an alert with `closed_voicemail` or
// to a `dial` route.
FlowResult text_route(Prepared &c, const Route &route, const TextMessage &message, bool closed_voicemail)
{
    CallerCheck who = caller_check(route.call.callers, message.from);
    if (who.verdict != CallerVerdict::pass) return sms_refused(route, message, who);
    // Nor is a `dial` route's desk texted: its phones may be landlines,
    // where a text is lost without a word; the text becomes an alert.
    if (closed_voicemail || route.kind == TargetKind::numbers) return sms_forward(route, message, Snapshot{});
    // The lowest level with someone to text is enough.
    Snapshot snap = ask_pagerduty(c.ctx, route, c.deadline, [&](const std::vector<Level> &levels) {
        Snapshot known;
        known.levels = levels;
        for (const auto &l : without_lines(known, route.lines, message.to).levels)
            if (!l.callees.empty()) return true;
        return false;
    }, c.log, Medium::text);
    return sms_forward(route, message, snap);
}

}  // namespace

Response sms_incoming(Prepared &c)
{
    const Context &ctx = c.ctx;
    LogRecord &log = c.log;
    const Webhook &w = c.w;
    const TimePoint deadline = c.deadline;
    const Config &cfg = ctx.config->config;
    TextMessage message = text_message(w.twilio());
    const std::string *route_param = form_get(w.query, "route");
    const std::string *menu_param = form_get(w.query, "menu");
    RouteChoice choice = route_choose(cfg, route_param ? *route_param : "", route_param != nullptr, message.to,
                                      menu_param ? *menu_param : "", menu_param != nullptr, message.from);
    std::string note = choice.problem;
    if (!choice.note.empty()) add_note(note, choice.note);
    if (const LineNumber *line = line_numbered(cfg.lines, message.from)) {
        log.route = choice.menu ? choice.menu->name : choice.route ? choice.route->name : "";
        return finish_text(sms_from_line(*line), ctx, deadline, log);
    }

    Route route = choice.route ? *choice.route : default_route(cfg);
    // A closed menu is left to its after_hours, as a closed route is below.
    const long long now = now_epoch(ctx);
    const Menu *menu = choice.menu;
    if (menu && !open_menu(cfg, *menu, now).note.empty()) {
        route = menu_route(*menu);
        menu = nullptr;
    }
    if (menu) {
        log.route = menu->name;
        CallerCheck who = caller_check(menu->call.callers, message.from);
        if (who.verdict != CallerVerdict::pass)
            return finish_text(sms_refused(menu_route(*menu), message, who), ctx, deadline, log);
        const MenuEntry *entry = text_menu_entry(cfg, *menu, message.body);
        const std::string &name = entry ? entry->route : menu->fallback.route;
        if (name.empty()) return finish_text(sms_unrouted(cfg, *menu, message), ctx, deadline, log);
        note = "menu " + menu->name + ": " + (entry ? std::string("the text names ") + entry->key : "default");
        route = route_named(cfg, name, log);
    }
    // Outside hours the text goes where a call would; after_hours =
    // voicemail makes it an alert, as when nobody is on call.
    const OpenLine open = open_route(cfg, route, now);
    // A closed line texted turns a sender away as it would by day.
    if (CallerCheck line = caller_check(route.call.callers, message.from);
        !open.note.empty() && line.verdict != CallerVerdict::pass) {
        log.route = route.name;
        return finish_text(sms_refused(route, message, line), ctx, deadline, log);
    }
    route = Route(*open.route);
    if (!open.note.empty()) add_note(note, open.note);
    log.route = route.name;

    FlowResult r = text_route(c, route, message, open.voicemail);
    if (!note.empty()) r.reason = note + (r.reason.empty() ? "" : "; " + r.reason);
    return finish_text(r, ctx, deadline, log);
}

}  // namespace pdcf
