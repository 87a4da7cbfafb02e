#include "commands/check.hpp"

#include <algorithm>
#include <functional>

#include <nlohmann/json.hpp>

#include "commands/readiness.hpp"
#include "call/webhook.hpp"
#include "commands/table.hpp"
#include "config/route.hpp"
#include "core/escape.hpp"
#include "core/limits.hpp"
#include "core/own_dir.hpp"
#include "core/phone.hpp"

namespace pdcf {

namespace {

// The object's name from GET /escalation_policies/{id} or /schedules/{id}.
std::string target_name(const HttpReply &reply, TargetKind kind)
{
    auto doc = nlohmann::json::parse(reply.body, nullptr, false);
    const char *key = kind == TargetKind::schedule ? "schedule" : "escalation_policy";
    if (doc.is_object() && doc.contains(key) && doc[key].is_object()) {
        const auto &o = doc[key];
        for (const char *field : {"name", "summary"})
            if (o.contains(field) && o[field].is_string()) return o[field].get<std::string>();
    }
    return {};
}

std::string join(const std::vector<std::string> &items, const char *separator)
{
    std::string s;
    for (const auto &i : items) s += (s.empty() ? "" : separator) + i;
    return s;
}

std::string target_path(const Route &route)
{
    return (route.kind == TargetKind::schedule ? "/schedules/" : "/escalation_policies/") + url_component(route.target);
}

}  // namespace

namespace {

std::string number_cell(const Route &route)
{
    return !route.number.empty() ? route.number : route.behind_menu ? "(by menu)" : "(any other)";
}

}  // namespace

CheckRow check_dial_row(const Route &route)
{
    CheckRow row;
    row.route = route.name;
    row.number = number_cell(route);
    row.target = "dial";
    row.on_call = "(fixed numbers)";
    std::vector<std::string> numbers;
    for (const auto &n : route.dial) numbers.push_back(mask_number(n));
    row.dials = join(numbers, ",");
    row.problem = "-";
    row.ok = true;
    return row;
}

CheckRow check_row(const Route &route, const HttpReply &target, const Snapshot &asked)
{
    // PagerDuty failed only when it named nobody to dial; a line's own
    // number, skipped, is a note of ours.
    const bool nobody_named = first_level(asked).callees.empty();
    const Snapshot found = without_lines(asked, route.lines, route.number);
    CheckRow row;
    row.route = route.name;
    row.number = number_cell(route);
    row.target = target_name(route.kind, route.target);
    row.on_call = "-";
    row.dials = "-";
    const Level first = first_level(found);
    if (target.status == 404) {
        row.problem = "unknown " + target_name(route.kind, route.target) + ": check the id";
    } else if (target.status != 200) {
        row.problem = pagerduty_reason(pagerduty_describe_failure(target_path(route), target));
    } else {
        if (auto name = target_name(target, route.kind); !name.empty()) row.target += " (" + name + ")";
        std::vector<std::string> names, numbers;
        for (const auto &c : first.callees) {
            names.push_back(c.name);
            numbers.push_back(mask_number(c.number));
        }
        if (!names.empty()) {
            row.on_call = join(names, ", ");
            row.dials = join(numbers, ",");
        }
        row.problem = nobody_named ? snapshot_reason(found) : found.problem;
        if (found.source == Source::stale)
            row.problem += "; calls get the last-known on-call, " + std::to_string(found.age) + " s old";
        row.ok = !first.callees.empty() && found.problem.empty();
    }
    // What callers get meanwhile.
    if (first.callees.empty() && !route.call.fallback_number.empty()) {
        row.dials = mask_number(route.call.fallback_number) + " (fallback_number)";
    }
    if (row.problem.empty()) row.problem = "-";
    return row;
}


std::string check_table(const std::vector<CheckRow> &rows)
{
    std::vector<std::vector<std::string>> cells = {{"ROUTE", "NUMBER", "TARGET", "ON CALL NOW", "DIALS", "PROBLEM"}};
    for (const auto &r : rows) cells.push_back({r.route, r.number, r.target, r.on_call, r.dials, r.problem});
    return format_table(cells);
}

std::string check_menu(const Menu &menu, const std::vector<CheckRow> &routes)
{
    std::string out = display_text("MENU " + menu.name + " (" + (menu.number.empty() ? "any other number" : menu.number) +
                                   "): \"" + menu.prompt + "\"") + "\n";
    std::vector<std::vector<std::string>> cells = {{"KEY", "LEADS TO", "ON CALL NOW", "DIALS", "PROBLEM"}};
    auto line = [&](const std::string &key, const MenuEntry &e, const char *suffix) {
        if (e.route.empty()) {
            bool alerts = !menu.call.routing_key.empty();
            cells.push_back({key, std::string(alerts ? "voicemail" : "unavailable_message") + suffix, "-", "-",
                             alerts ? "-" : "no routing_key, so no voicemail"});
            return;
        }
        for (const auto &r : routes)
            if (r.route == e.route) {
                cells.push_back({key, "route " + e.route + suffix, r.on_call, r.dials, r.problem});
                return;
            }
        cells.push_back({key, "route " + e.route + suffix, "-", "-", "no such route"});
    };
    for (const auto &e : menu.entries) line(std::string(1, e.key), e, "");
    line("none", menu.fallback, " (default)");
    return out + format_table(cells);
}

namespace {

// What answers a call to a line in the state `open` says: its own, or
// what after_hours leads to.
std::string answering(const OpenLine &open, const std::string &self)
{
    if (!open.route && !open.voicemail) return "open";
    if (open.voicemail) return "closed: voicemail" + (open.route && open.route->name != self ? " of route " + open.route->name : "");
    return open.route->name == self ? "open" : "closed: route " + open.route->name;
}

std::string hours_text(const CallSettings &c)
{
    std::string s = c.hours.text.empty() ? "every day" : c.hours.text;
    s += " (" + c.hours.zone_name;
    if (!c.hours.holidays.empty())
        s += ", " + std::to_string(c.hours.holidays.size()) + " holiday" + (c.hours.holidays.size() == 1 ? "" : "s");
    return s + ")";
}

}  // namespace

std::string check_hours(const Config &cfg, long long now)
{
    std::vector<std::vector<std::string>> cells = {{"LINE", "HOURS", "NOW", "NEXT CHANGE"}};
    // `at(t)`: what answers the line at t.
    auto row = [&](const std::string &line, const std::string &self, const CallSettings &c,
                   const std::function<OpenLine(long long)> &at) {
        if (!c.after_hours || !c.hours.zone) return;
        auto next = hours_next_change(c.hours, now);
        std::string change = "none within " + std::to_string(limits::max_hours_lookahead) + " days";
        if (next) change = zone_time_text(c.hours.zone, *next) + ": " + answering(at(*next), self);
        cells.push_back({line, hours_text(c), answering(at(now), self), change});
    };
    for (const auto &r : cfg.routes) row("route " + r.name, r.name, r.call, [&](long long t) { return open_route(cfg, r, t); });
    for (const auto &m : cfg.menus) row("menu " + m.name, m.name, m.call, [&](long long t) { return open_menu(cfg, m, t); });
    return cells.size() == 1 ? "" : format_table(cells);
}

int check_run(const Context &ctx, std::FILE *out, long long ahead, bool notify)
{
    const ConfigResult &config = *ctx.config;
    std::fprintf(out, "%s: ", config.config.path.c_str());
    for (const auto &w : config.warnings) std::fprintf(out, "\nwarning: %s", display_text(w.str()).c_str());
    for (const auto &e : config.unsafe) std::fprintf(out, "\nerror: %s", display_text(e.str()).c_str());
    if (!config.ok()) {
        for (const auto &e : config.errors) std::fprintf(out, "\nerror: %s", display_text(e.str()).c_str());
        std::fprintf(out, "\n%zu error%s; PagerDuty was not asked.\n", config.errors.size(),
                     config.errors.size() == 1 ? "" : "s");
        return 1;
    }
    std::fprintf(out, "%sconfiguration OK\n\n", config.warnings.empty() && config.unsafe.empty() ? "" : "\n");

    const Config &cfg = config.config;
    std::vector<CheckRow> rows;
    for (const auto &route : cfg.routes) {
        if (route.kind == TargetKind::numbers) {
            rows.push_back(check_dial_row(route));
            continue;
        }
        // Each route gets the whole budget a call would have.
        TimePoint deadline = ctx.clock() + cfg.pagerduty.timeout;
        HttpReply target = ctx.pagerduty(target_path(route), deadline);
        Snapshot found;
        if (target.status == 200)
            found = pagerduty_first_level(sources_for(ctx, deadline, CacheMode::refresh), route.kind, route.target,
                                          cfg.pagerduty.prefer_label);
        rows.push_back(check_row(route, target, found));
    }
    std::fputs(check_table(rows).c_str(), out);
    for (const auto &menu : cfg.menus) std::fprintf(out, "\n%s", check_menu(menu, rows).c_str());
    if (std::string hours = check_hours(cfg, now_epoch(ctx)); !hours.empty())
        std::fprintf(out, "\n%s", hours.c_str());
    std::size_t bad = static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const CheckRow &r) { return !r.ok; }));
    if (bad == 0)
        std::fprintf(out, "\nEvery route reaches its on-call.\n");
    else
        std::fprintf(out, "\n%zu of %zu route%s do%s not reach %s own on-call.\n", bad, rows.size(),
                     rows.size() == 1 ? "" : "s", bad == 1 ? "es" : "", bad == 1 ? "its" : "their");
    const int ready = ahead > 0 ? readiness_run(ctx, ahead, notify, out) : 0;
    for (const auto &note : own_dir_take_notes()) std::fprintf(out, "warning: %s\n", note.c_str());
    if (!config.unsafe.empty())
        std::fprintf(out, "%zu director%s refused (see the error%s above): calls are answered without %s.\n",
                     config.unsafe.size(), config.unsafe.size() == 1 ? "y is" : "ies are",
                     config.unsafe.size() == 1 ? "" : "s", config.unsafe.size() == 1 ? "it" : "them");
    return bad == 0 && config.unsafe.empty() && ready == 0 ? 0 : 1;
}

}  // namespace pdcf
