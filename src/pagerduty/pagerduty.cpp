#include "pagerduty/pagerduty.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/escape.hpp"
#include "core/limits.hpp"
#include "core/log.hpp"
#include "pagerduty/oncall.hpp"

namespace pdcf {

namespace {

std::string without_query(const std::string &path) { return path.substr(0, path.find('?')); }

// GET /schedules/{id}/users lists who is on the schedule "for a given time
// range" (PagerDuty's OpenAPI file; since and until are date-times, whole
// seconds here).  One second from now is the narrowest range that is not
// empty: it holds the moment of the call however PagerDuty treats the
// range's ends, which it does not document, where since = until might
// hold nobody.  A hand-over within that second lists both people, and
// both ring.
constexpr long long schedule_window_seconds = 1;

// PagerDuty's error body: {"error":{"message":"...","code":N}}.
std::string error_message(const std::string &body)
{
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_object()) {
        const auto &e = doc["error"];
        if (e.contains("message") && e["message"].is_string()) return e["message"].get<std::string>();
    }
    return {};
}

std::string advice(int status)
{
    switch (status) {
    case 401: return "check [pagerduty] token";
    case 402:
    case 403: return "the API key may not read this; use a key with read access to on-calls and users";
    case 404: return "check the id in the route";
    case 429: return "rate limited by PagerDuty";
    default: return {};
    }
}

}  // namespace

std::string pagerduty_describe_failure(const std::string &path_and_query, const HttpReply &reply)
{
    std::string s = "GET " + without_query(path_and_query) + ": ";
    if (reply.status == 0) return s + reply.error;
    s += "HTTP " + std::to_string(reply.status);
    if (auto m = error_message(reply.body); !m.empty()) s += " (" + m + ")";
    if (auto a = advice(reply.status); !a.empty()) s += ": " + a;
    return s;
}

const char *to_string(Source source)
{
    switch (source) {
    case Source::pagerduty: return "pagerduty";
    case Source::cache: return "cache";
    case Source::stale: return "stale";
    }
    return "?";
}

namespace {

// GET `path` and parse a 200 answer with `parse`: what it made of it, or
// the failure as the log gives it.
template <class Parse>
auto fetch_parsed(const Fetch &fetch, const std::string &path, Parse parse) -> decltype(parse(std::string_view()))
{
    HttpReply reply = fetch(path);
    if (reply.status != 200) return fail(pagerduty_describe_failure(path, reply));
    auto parsed = parse(reply.body);
    if (!parsed) return fail("GET " + without_query(path) + ": " + parsed.error());
    return parsed;
}

// A failed answer of either kind, with the reason.
template <class Answer>
Answer failed_answer(Answer out, const std::string &problem)
{
    out.failed = true;
    out.problem = problem;
    return out;
}

// A schedule's people now.  Not GET /oncalls?schedule_ids[]: an on-call is
// "a contiguous unit of time for which a User will be on call for a given
// Escalation Policy", so a schedule no policy uses has no on-calls there.
std::string time_range(long long since, long long until)
{
    return "since=" + url_component(format_rfc3339(since)) + "&until=" + url_component(format_rfc3339(until));
}

OncallsAnswer fetch_schedule_users(const Fetch &fetch, const std::string &schedule, long long now)
{
    OncallsAnswer out;
    out.requests = 1;
    auto parsed = fetch_parsed(fetch,
                               "/schedules/" + url_component(schedule) + "/users?" +
                                   time_range(now, now + schedule_window_seconds),
                               schedule_users_parse);
    if (!parsed) return failed_answer(std::move(out), parsed.error());
    out.entries = std::move(parsed->entries);
    return out;
}

// A policy's /oncalls, every page (up to limits::max_oncall_pages);
// `more_query` is the rest of the query.
OncallsAnswer fetch_policy_oncalls(const Fetch &fetch, const std::string &target, const std::string &more_query)
{
    OncallsAnswer out;
    std::size_t offset = 0;
    bool more = true;
    for (int page = 0; more && page < limits::max_oncall_pages; ++page) {
        std::string path = "/oncalls?escalation_policy_ids%5B%5D=" + url_component(target) + more_query + "&limit=" +
                           std::to_string(limits::oncall_page_limit) + "&offset=" + std::to_string(offset);
        ++out.requests;
        auto parsed = fetch_parsed(fetch, path, oncall_parse_page);
        if (!parsed) {
            out.entries.clear();
            return failed_answer(std::move(out), parsed.error());
        }
        out.entries.insert(out.entries.end(), parsed->entries.begin(), parsed->entries.end());
        more = parsed->more && parsed->listed > 0;
        offset += parsed->listed;
    }
    if (more) out.problem = "more than " + std::to_string(limits::max_oncall_pages) + " pages of on-calls; read the first";
    return out;
}

}  // namespace

OncallsAnswer fetch_oncalls(const Fetch &fetch, TargetKind kind, const std::string &target, long long now,
                            long long ahead)
{
    if (kind == TargetKind::schedule) return fetch_schedule_users(fetch, target, now);
    // REST API v2, "List all of the on-calls": no since/until means now;
    // earliest=true keeps one entry per user, level and policy.  A range
    // of a second or less is a moment, as for a schedule.  A longer one
    // lists every shift that overlaps it ("If an on-call period overlaps
    // with the range, it will be included"), so not `earliest`, which
    // would drop a person's second shift in it.
    // include[]=users: each user whole, with the time_zone a greeting's
    // {local_time} speaks.
    std::string query = ahead <= schedule_window_seconds ? "&earliest=true" : "";
    query += "&include%5B%5D=users";
    if (ahead > 0) query += "&" + time_range(now, now + ahead);
    OncallsAnswer out = fetch_policy_oncalls(fetch, target, query);
    if (!out.failed) out.known_until = now + std::max(ahead, 1LL);
    return out;
}

OncallsAnswer fetch_shifts(const Fetch &fetch, TargetKind kind, const std::string &target, long long since,
                           long long until)
{
    // Every shift that overlaps the range ("If an on-call period overlaps
    // with the range, it will be included"), not only the earliest.
    if (kind != TargetKind::schedule) return fetch_policy_oncalls(fetch, target, "&" + time_range(since, until));
    // A schedule no policy uses has no /oncalls entries: its final layer,
    // as PagerDuty renders it for the range, instead.
    OncallsAnswer out;
    out.requests = 1;
    auto parsed = fetch_parsed(fetch, "/schedules/" + url_component(target) + "?" + time_range(since, until),
                               schedule_entries_parse);
    if (!parsed) return failed_answer(std::move(out), parsed.error());
    out.entries = std::move(parsed->entries);
    return out;
}

PhonesAnswer fetch_phones(const Fetch &fetch, const std::string &user_id)
{
    PhonesAnswer out;
    out.requests = 1;
    auto phones = fetch_parsed(fetch, "/users/" + url_component(user_id) + "/contact_methods", contact_phones);
    if (!phones) return failed_answer(std::move(out), phones.error());
    out.phones = std::move(*phones);
    return out;
}

OnCallSources direct_sources(const Fetch &fetch, long long now, bool pinned)
{
    OnCallSources s;
    s.oncalls = [fetch, now, pinned](TargetKind kind, const std::string &target) {
        OncallsAnswer a = fetch_oncalls(fetch, kind, target, now, pinned ? schedule_window_seconds : 0);
        a.entries = oncalls_at(a.entries, now);
        return a;
    };
    s.phones = [fetch](const std::vector<std::string> &users) {
        std::vector<PhonesAnswer> out;
        for (const auto &u : users) out.push_back(fetch_phones(fetch, u));
        return out;
    };
    return s;
}

namespace {

// Keeps the oldest kind of answer a snapshot used, for the log.
void note_source(Snapshot &snap, Source source, long long age)
{
    if (source == Source::pagerduty) return;
    if (snap.source != Source::stale) snap.source = source;
    if (age > snap.age) snap.age = age;
}

}  // namespace

Snapshot pagerduty_snapshot(const OnCallSources &sources, TargetKind kind, const std::string &target,
                            const std::string &prefer_label, const Enough &enough, Medium medium)
{
    Snapshot out;
    OncallsAnswer oncalls = sources.oncalls(kind, target);
    out.requests += oncalls.requests;
    note_source(out, oncalls.source, oncalls.age);
    if (oncalls.failed) {
        out.oncalls_failed = true;
        out.problem = oncalls.problem;
        return out;
    }
    std::vector<std::string> notes;
    if (!oncalls.problem.empty()) notes.push_back(oncalls.problem);
    std::vector<OnCall> entries = std::move(oncalls.entries);

    auto levels = oncall_levels(entries);
    if (levels.empty())
        notes.push_back("nobody is on call for " + target_name(kind, target));

    for (const auto &people : levels) {
        if (enough && enough(out.levels)) break;
        std::vector<std::string> ids;
        for (const OnCall &person : people) ids.push_back(person.user_id);
        std::vector<PhonesAnswer> answers = sources.phones(ids);
        Level level;
        level.level = people.front().level;
        for (std::size_t i = 0; i < people.size() && i < answers.size(); ++i) {
            const OnCall &person = people[i];
            PhonesAnswer &a = answers[i];
            out.requests += a.requests;
            note_source(out, a.source, a.age);
            if (a.failed) {
                out.contacts_failed = true;
                notes.push_back(person.name + ": " + a.problem);
                continue;
            }
            if (!a.problem.empty()) notes.push_back(person.name + ": " + a.problem);
            auto phone = phone_choose(a.phones, prefer_label, medium);
            if (!phone) {
                // Say why, when PagerDuty has methods it will not use
                // either: the fix is in its settings, not a new number.
                std::string why = phones_unusable(a.phones, medium);
                notes.push_back(person.name + " (" + person.user_id + ") has no usable " +
                                (medium == Medium::text ? "SMS or phone" : "phone") + " contact method" +
                                (why.empty() ? "" : ": " + why));
                continue;
            }
            level.callees.push_back({person.name, phone->number, person.time_zone});
        }
        out.levels.push_back(std::move(level));
    }
    for (const auto &n : notes) add_note(out.problem, n);
    return out;
}

std::vector<RefreshTarget> refresh_targets(const std::vector<Route> &routes)
{
    std::vector<RefreshTarget> out;
    for (const Route &r : routes) {
        if (r.kind == TargetKind::numbers) continue;
        auto same = std::find_if(out.begin(), out.end(),
                                 [&](const RefreshTarget &t) { return t.kind == r.kind && t.target == r.target; });
        if (same == out.end()) same = out.insert(out.end(), RefreshTarget{r.kind, r.target, {}});
        same->routes.push_back(r.name);
    }
    return out;
}

std::string target_name(TargetKind kind, const std::string &target)
{
    return (kind == TargetKind::schedule ? "schedule " : "escalation policy ") + target;
}

Refreshed refresh_ahead(const OnCallSources &sources, TargetKind kind, const std::string &target)
{
    Refreshed out;
    // Each answer's word on itself, in the list it belongs to.
    auto told = [&out](const auto &a, const std::string &who) {
        if (a.failed) (a.requests > 0 ? out.problems : out.not_asked).push_back(who + a.problem);
        else if (a.requests == 0 && !a.problem.empty()) out.notes.push_back(who + a.problem);
    };
    OncallsAnswer oncalls = sources.oncalls(kind, target);
    out.requests += oncalls.requests;
    told(oncalls, "");
    if (oncalls.failed) return out;
    std::vector<std::string> ids, names;
    for (const OnCall &e : oncalls.entries)
        if (std::find(ids.begin(), ids.end(), e.user_id) == ids.end()) {
            ids.push_back(e.user_id);
            names.push_back(e.name);
        }
    std::vector<PhonesAnswer> phones = sources.phones(ids);
    for (std::size_t i = 0; i < phones.size() && i < names.size(); ++i) {
        out.requests += phones[i].requests;
        told(phones[i], names[i] + ": ");
    }
    return out;
}

Level first_level(const Snapshot &snap)
{
    for (const auto &level : snap.levels)
        if (!level.callees.empty()) return level;
    return {};
}

Snapshot pagerduty_first_level(const OnCallSources &sources, TargetKind kind, const std::string &target,
                               const std::string &prefer_label)
{
    return pagerduty_snapshot(sources, kind, target, prefer_label, [](const std::vector<Level> &levels) {
        return !levels.empty() && !levels.back().callees.empty();
    });
}

Snapshot pagerduty_first_level(const Fetch &fetch, TargetKind kind, const std::string &target,
                               const std::string &prefer_label, long long now)
{
    return pagerduty_first_level(direct_sources(fetch, now), kind, target, prefer_label);
}

Snapshot dial_snapshot(const Route &route)
{
    Level level;
    level.level = 1;
    for (const auto &number : route.dial) level.callees.push_back({route.call.title, number, ""});
    Snapshot snap;
    snap.levels.push_back(std::move(level));
    return snap;
}

Snapshot without_lines(Snapshot snap, const std::vector<LineNumber> &lines, const std::string &called)
{
    auto own = [&](const Callee &c) {
        const LineNumber *line = line_numbered(lines, c.number);
        if (!line && (called.empty() || c.number != called)) return false;
        add_note(snap.problem, c.name + "'s phone is " +
                                   (line ? "the number of this program's [" + line->line + "]"
                                         : "the called number itself") +
                                   "; skipped");
        return true;
    };
    for (auto &level : snap.levels)
        level.callees.erase(std::remove_if(level.callees.begin(), level.callees.end(), own), level.callees.end());
    return snap;
}

std::string pagerduty_reason(const std::string &problem) { return "pagerduty: " + problem; }

std::string snapshot_reason(const Snapshot &snap)
{
    return snap.oncalls_failed || snap.contacts_failed ? pagerduty_reason(snap.problem) : snap.problem;
}

}  // namespace pdcf
