// Asking PagerDuty who to dial: GET /oncalls (all pages) for an escalation
// policy, GET /schedules/{id}/users for a schedule, then
// GET /users/{id}/contact_methods for the people of each level.  Where the
// answers come from (the API, the cache) is passed in as OnCallSources, so
// the assembly is tested against canned answers.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "pagerduty/oncall.hpp"

namespace pdcf {

struct HttpReply {
    int status = 0;        // 0: no HTTP answer (timeout, refused, TLS...)
    std::string body;
    std::string error;     // why there is no answer, when status is 0
    int retry_after = -1;  // seconds named by Retry-After or ratelimit-reset, -1: none (heeded on a 429 only)
};

// GET `path_and_query` (starting with '/') from the PagerDuty API.
using Fetch = std::function<HttpReply(const std::string &path_and_query)>;

// One GET to the PagerDuty API that must end by `deadline`.
using PagerDutyGet = std::function<HttpReply(const std::string &path_and_query, TimePoint deadline)>;

// Where an answer came from.
enum class Source {
    pagerduty,  // asked now
    cache,      // fresh in the cache, or being refreshed by another process
    stale,      // PagerDuty failed; the last answer it gave, `age` seconds old
};
const char *to_string(Source source);

struct OncallsAnswer {
    std::vector<OnCall> entries;  // every page, in PagerDuty's order; a schedule's at level 1
    long long known_until = 0;    // as KnownOncalls (oncall.hpp) says
    bool failed = false;          // no usable answer, and nothing cached stood in
    std::string problem;          // why it failed, or what was odd
    int requests = 0;
    Source source = Source::pagerduty;
    long long age = 0;            // seconds since PagerDuty gave it
};

struct PhonesAnswer {
    std::vector<Phone> phones;    // phone and SMS contact methods, usable or not, PagerDuty's order
    bool failed = false;
    std::string problem;
    int requests = 0;
    Source source = Source::pagerduty;
    long long age = 0;
};

// Who is on call for `target` at `now` (seconds since the epoch): an
// escalation policy's on-calls, or everyone on a schedule then, whether or
// not a policy uses it (a schedule no policy uses has no /oncalls entries).
// `ahead` > 0: a policy's answer also holds the shifts that begin in the
// `ahead` seconds after `now`, each with its start and end, so who is on
// call until then is known without asking again (oncalls_at picks them);
// it is also how a time other than the present is asked (--test-call
// --at, 1 s).  0: /oncalls says now.  A schedule's people are those of
// `now` alone: PagerDuty names no shift ends there.
OncallsAnswer fetch_oncalls(const Fetch &fetch, TargetKind kind, const std::string &target, long long now,
                            long long ahead = 0);
PhonesAnswer fetch_phones(const Fetch &fetch, const std::string &user_id);

// Every on-call shift of `target` that overlaps [since, until), with its
// start and end: a policy's every /oncalls entry then, or a schedule's
// final layer as PagerDuty renders it (GET /schedules/{id}).
OncallsAnswer fetch_shifts(const Fetch &fetch, TargetKind kind, const std::string &target, long long since,
                           long long until);

struct OnCallSources {
    std::function<OncallsAnswer(TargetKind kind, const std::string &target)> oncalls;
    // Several people's phones, looked up at once where the source can.
    std::function<std::vector<PhonesAnswer>(const std::vector<std::string> &user_ids)> phones;
};

// The API alone, one request after the other, asking who is on call at
// `now` (seconds since the epoch; `pinned`: another time than the
// present, which /oncalls is asked for by name).
OnCallSources direct_sources(const Fetch &fetch, long long now, bool pinned = false);

struct Callee {
    std::string name;
    std::string number;     // E.164
    std::string time_zone = {};  // their PagerDuty time_zone, when known
};

// The people of one escalation level who can be dialed.
struct Level {
    int level = 0;
    std::vector<Callee> callees;  // in PagerDuty's order, at most limits::max_dial_numbers
};

// Who is on call now, level by level.
struct Snapshot {
    std::vector<Level> levels;      // lowest first; only the levels looked up
    std::string problem;            // anything unusual, for the log
    bool oncalls_failed = false;    // GET /oncalls gave no usable answer
    bool contacts_failed = false;   // some contact-method request did not
    int requests = 0;
    Source source = Source::pagerduty;  // the oldest kind of answer used
    long long age = 0;                  // the oldest cached answer used, seconds
};

// Says when enough levels are known (they come lowest first).
using Enough = std::function<bool(const std::vector<Level> &levels)>;

// The on-calls, then contact methods level by level until `enough` is
// satisfied or the levels run out.  A schedule's on-calls form one level:
// the people on it now, each once.  Each callee's number is the one
// `medium` prefers.
Snapshot pagerduty_snapshot(const OnCallSources &sources, TargetKind kind, const std::string &target,
                            const std::string &prefer_label, const Enough &enough, Medium medium = Medium::voice);

// The first level with someone to dial, or an empty one (level 0) when
// no level has anyone.
[[nodiscard]] Level first_level(const Snapshot &snap);

// A snapshot that stops at the first level with someone to dial: if nobody
// on the lowest level has a usable phone, the next is looked up, as
// PagerDuty would escalate to it.
Snapshot pagerduty_first_level(const OnCallSources &sources, TargetKind kind, const std::string &target,
                               const std::string &prefer_label);
Snapshot pagerduty_first_level(const Fetch &fetch, TargetKind kind, const std::string &target,
                               const std::string &prefer_label, long long now);

// Never dial or text a line's own number, nor the number called (a route
// without a number answers numbers the configuration does not list): a
// PagerDuty phone set to one would ring this program again, in a loop, and
// two lines would text each other for ever.  The snapshot without such
// callees, saying so in its problem.
[[nodiscard]] Snapshot without_lines(Snapshot snap, const std::vector<LineNumber> &lines, const std::string &called);

// A `dial` route's numbers as the hunt takes them: one level, each callee
// named by the route's title (the screen's "taken by").  PagerDuty is not
// asked.
[[nodiscard]] Snapshot dial_snapshot(const Route &route);

// A PagerDuty target some route asks for, and the routes that do.
struct RefreshTarget {
    TargetKind kind = TargetKind::escalation_policy;
    std::string target;
    std::vector<std::string> routes;
};

// Every policy and schedule the routes ask for, each once, in their order
// (`dial` routes ask PagerDuty nothing).
std::vector<RefreshTarget> refresh_targets(const std::vector<Route> &routes);

// "escalation policy PEP1", "schedule PS1"
std::string target_name(TargetKind kind, const std::string &target);

// What refreshing one target ahead of expiry did.
struct Refreshed {
    int requests = 0;
    std::vector<std::string> problems;   // each request that failed, as the log gives it
    std::vector<std::string> not_asked;  // each due but not asked for PagerDuty's sake (down, failed lately)
    std::vector<std::string> notes;      // each left to another process
};

// With sources of an ahead mode (cache.hpp): the target's on-call answer,
// then the phones of everyone in it (every level, every shift it knows
// of), each refreshed when it falls due.
Refreshed refresh_ahead(const OnCallSources &sources, TargetKind kind, const std::string &target);

// A PagerDuty failure as the log gives it: "pagerduty: " and `problem`.
std::string pagerduty_reason(const std::string &problem);

// The problem as the log gives it: "pagerduty: ..." when PagerDuty failed
// to answer some request.
[[nodiscard]] std::string snapshot_reason(const Snapshot &snap);

// "GET /oncalls: HTTP 401 (Unauthorized): check [pagerduty] token"
std::string pagerduty_describe_failure(const std::string &path_and_query, const HttpReply &reply);

}  // namespace pdcf
