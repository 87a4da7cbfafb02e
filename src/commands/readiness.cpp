#include "commands/readiness.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "call/webhook.hpp"
#include "commands/table.hpp"
#include "config/hours.hpp"
#include "config/route.hpp"
#include "core/escape.hpp"
#include "core/phone.hpp"
#include "pagerduty/oncall.hpp"

namespace pdcf {

namespace {

// Why `phones` give nothing to dial, "" when they do.
std::string undialable(const Route &route, const PhonesAnswer &asked)
{
    if (asked.failed) return "PagerDuty did not say their phones: " + asked.problem;
    std::vector<Phone> phones;
    std::string own;
    for (const auto &p : asked.phones) {
        if (p.sms) continue;
        if (const LineNumber *line = line_numbered(route.lines, p.number)) {
            own = mask_number(p.number) + " is the number of [" + line->line + "]";
            continue;
        }
        phones.push_back(p);
    }
    if (phone_choose(phones, {}, Medium::voice)) return {};
    std::string why = phones_unusable(phones);
    if (!own.empty()) why += (why.empty() ? "" : ", ") + own;
    return why.empty() ? "no phone contact method" : "no phone to dial: " + why;
}

// The stretches of [since, until) that none of `spans` covers.
std::vector<std::pair<long long, long long>> uncovered(std::vector<std::pair<long long, long long>> spans,
                                                        long long since, long long until)
{
    std::sort(spans.begin(), spans.end());
    std::vector<std::pair<long long, long long>> gaps;
    long long covered = since;
    for (const auto &[start, end] : spans) {
        if (start > covered) gaps.push_back({covered, std::min(start, until)});
        covered = std::max(covered, end);
        if (covered >= until) break;
    }
    if (covered < until) gaps.push_back({covered, until});
    return gaps;
}

}  // namespace

std::vector<Finding> readiness_findings(const Route &route, const std::vector<OnCall> &shifts,
                                        const PhonesByUser &phones, long long since, long long until, bool complete,
                                        int policy_levels)
{
    std::vector<Finding> out;
    std::map<int, std::vector<std::pair<long long, long long>>> levels{{1, {}}};
    for (int l = 2; l <= policy_levels; ++l) levels[l];
    std::set<std::tuple<int, std::string, long long, long long>> seen;
    for (const auto &s : shifts) {
        // A null start is a permanent on-call; a null end never comes.
        const auto start_at = s.start.empty() ? std::optional<long long>(since) : parse_rfc3339(s.start);
        const auto end_at = s.end.empty() ? std::optional<long long>(until) : parse_rfc3339(s.end);
        if (!start_at || !end_at) {
            // Not taken for cover: a gap it hid would go unseen.
            out.push_back({route.name, s.level, since, until, s.name, "PagerDuty gave a shift time that is not one"});
            continue;
        }
        const long long start = std::max(since, *start_at), end = std::min(until, *end_at);
        if (start >= end || !seen.insert({s.level, s.user_id, start, end}).second) continue;
        levels[s.level].push_back({start, end});
        auto asked = phones.find(s.user_id);
        std::string why = asked == phones.end() ? "PagerDuty was not asked for their phones" : undialable(route, asked->second);
        if (!why.empty()) out.push_back({route.name, s.level, start, end, s.name, why});
    }
    // Shifts left unread (more pages than are followed) are no gap.
    for (const auto &[level, spans] : levels)
        for (const auto &[start, end] : uncovered(spans, since, until))
            if (complete) out.push_back({route.name, level, start, end, "", "nobody on call"});
    std::stable_sort(out.begin(), out.end(), [](const Finding &a, const Finding &b) {
        return std::tie(a.start, a.level) < std::tie(b.start, b.level);
    });
    return out;
}

namespace {

const date::time_zone *zone_of(const Config &config, const std::string &route)
{
    const Route *r = route_find(config, route);
    return r ? r->call.hours.zone : config.call.hours.zone;
}

// "7 days", "36 hours".
std::string ahead_text(long long seconds)
{
    const long long days = seconds / 86400, hours = seconds / 3600;
    if (seconds % 86400 == 0) return std::to_string(days) + (days == 1 ? " day" : " days");
    return std::to_string(hours) + (hours == 1 ? " hour" : " hours");
}

// One finding as the alert lists it: route, level, when, who, what.
std::string finding_line(const Config &config, const Finding &f)
{
    const date::time_zone *zone = zone_of(config, f.route);
    return "route " + f.route + ", level " + std::to_string(f.level) + ", " + zone_time_text(zone, f.start) + " to " +
           zone_time_text(zone, f.end) + ": " + (f.who.empty() ? "" : f.who + ": ") + f.problem;
}

}  // namespace

std::string readiness_table(const Config &config, const std::vector<Finding> &findings, long long since, long long until)
{
    std::string out = "ON-CALL READINESS, the next " + ahead_text(until - since) + " (to " +
                      zone_time_text(config.call.hours.zone, until) + ")\n";
    if (findings.empty()) return out + "Every shift can be dialed, and no level is ever without someone.\n";
    std::vector<std::vector<std::string>> cells = {{"ROUTE", "LEVEL", "FROM", "UNTIL", "WHO", "PROBLEM"}};
    for (const auto &f : findings) {
        const date::time_zone *zone = zone_of(config, f.route);
        cells.push_back({f.route, f.level ? std::to_string(f.level) : "-", zone_time_text(zone, f.start), zone_time_text(zone, f.end),
                         f.who.empty() ? "-" : f.who, f.problem});
    }
    return out + format_table(cells) + std::to_string(findings.size()) + (findings.size() == 1 ? " finding.\n" : " findings.\n");
}

Alert readiness_alert(const Config &config, const CallSettings &call, const std::string &day,
                      const std::vector<Finding> &findings, long long seconds_ahead)
{
    std::vector<std::string> lines;
    std::set<std::string> routes;
    for (const auto &f : findings) {
        lines.push_back(finding_line(config, f));
        routes.insert(f.route);
    }
    std::string names;
    for (const auto &r : routes) names += (names.empty() ? "" : ", ") + r;
    const std::string summary = "On-call readiness: " + std::to_string(findings.size()) +
                                (findings.size() == 1 ? " problem" : " problems") + " in the next " +
                                ahead_text(seconds_ahead) + " (" + names + ")";
    return alert_readiness(call, day, summary, lines);
}

namespace {

// How many levels a policy has (its escalation_rules), so a level nobody
// is on all week is seen; 1 when it does not say, or for a schedule.
int policy_levels(const Fetch &fetch, const Route &route)
{
    if (route.kind != TargetKind::escalation_policy) return 1;
    const HttpReply r = fetch("/escalation_policies/" + url_component(route.target));
    const auto doc = nlohmann::json::parse(r.status == 200 ? r.body : "", nullptr, false);
    const nlohmann::json::json_pointer rules("/escalation_policy/escalation_rules");
    if (!doc.is_object() || !doc.contains(rules) || !doc[rules].is_array()) return 1;
    return static_cast<int>(std::clamp<std::size_t>(doc[rules].size(), 1, 100));
}

// One route's findings: its shifts, and the phones of whoever is on them
// (asked once a person, whatever the routes they are on).
std::vector<Finding> route_findings(const Fetch &fetch, const Route &route, PhonesByUser &phones, long long since,
                                    long long until)
{
    OncallsAnswer shifts = fetch_shifts(fetch, route.kind, route.target, since, until);
    if (shifts.failed) return {{route.name, 0, since, until, "", "PagerDuty did not answer: " + shifts.problem}};
    for (const auto &s : shifts.entries)
        if (!phones.count(s.user_id)) phones[s.user_id] = fetch_phones(fetch, s.user_id);
    auto found = readiness_findings(route, shifts.entries, phones, since, until, shifts.problem.empty(),
                                    policy_levels(fetch, route));
    if (!shifts.problem.empty())
        found.push_back({route.name, 0, since, until, "", shifts.problem + "; gaps not looked for"});
    return found;
}

// [call]'s routing key, else the first route's that has one.
CallSettings notify_settings(const Config &config)
{
    CallSettings call = config.call;
    for (const auto &r : config.routes)
        if (call.routing_key.empty()) call.routing_key = r.call.routing_key;
    return call;
}

}  // namespace

int readiness_run(const Context &ctx, long long ahead, bool notify, std::FILE *out)
{
    const Config &cfg = ctx.config->config;
    const long long since = now_epoch(ctx);
    const long long until = since + ahead;
    // Each request has the whole budget a call's would.
    const Fetch fetch = [&](const std::string &path) {
        return ctx.pagerduty ? ctx.pagerduty(path, ctx.clock() + cfg.pagerduty.timeout)
                             : HttpReply{0, {}, "no PagerDuty client", -1};
    };
    std::vector<Finding> findings;
    PhonesByUser phones;
    for (const auto &route : cfg.routes) {
        if (route.kind == TargetKind::numbers) continue;  // fixed numbers: nothing to ask
        auto found = route_findings(fetch, route, phones, since, until);
        findings.insert(findings.end(), found.begin(), found.end());
    }
    std::stable_sort(findings.begin(), findings.end(), [](const Finding &a, const Finding &b) {
        return std::tie(a.start, a.route, a.level) < std::tie(b.start, b.route, b.level);
    });
    std::fprintf(out, "\n%s", readiness_table(cfg, findings, since, until).c_str());
    if (findings.empty()) return 0;
    if (!notify) return 1;
    const CallSettings call = notify_settings(cfg);
    if (call.routing_key.empty()) {
        std::fputs("--notify: no routing_key in [call] or any route; no alert raised\n", out);
        return 1;
    }
    // The day where [call]'s time zone is: "Tue 2026-12-01 10:00 CET".
    const std::string day = zone_time_text(cfg.call.hours.zone, since).substr(4, 10);
    const Alert alert = readiness_alert(cfg, call, day, findings, ahead);
    const std::string said = ctx.alerts.deliver ? ctx.alerts.deliver(alert, ctx.clock() + cfg.pagerduty.timeout)
                                                : "not sent: no Events API client";
    std::fprintf(out, "--notify: alert %s: %s\n", alert.call_sid.c_str(), display_text(said).c_str());
    return 1;
}

}  // namespace pdcf
