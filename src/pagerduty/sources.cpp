#include "pagerduty/sources.hpp"

#include <algorithm>
#include <future>
#include <thread>

#include "core/limits.hpp"
#include "pagerduty/retry.hpp"

namespace pdcf {

namespace {

using cache_entry::Gate;
using cache_entry::through_cache;

// Tells the breaker how each request to PagerDuty went (after its retry):
// an answer ends the wait.  A failure starts it only when PagerDuty
// answered no other request meanwhile (Breaker::failed), and it cost a call
// that had time: more than half the budget left when it asked, and kept
// waiting at least limits::pagerduty_costly_failure (or half the budget).
// Failing fast (refused, an instant 503) keeps nobody waiting, and a call
// with little time left (it queued in the web server, or waited for
// another process's refresh) says nothing of a PagerDuty that is slow but
// answers.
// A refresh ahead of expiry keeps no caller waiting, so its failures say
// nothing to the calls: only its answers are told.
Fetch watched(const SourceSettings &s, const Fetch &fetch, TimePoint deadline, bool ahead)
{
    if (!s.breaker) return fetch;
    const auto half = s.pagerduty->timeout / 2;
    const auto costly = std::min<std::chrono::milliseconds>(limits::pagerduty_costly_failure, half);
    return [s, fetch, deadline, half, costly, ahead](const std::string &path) {
        const TimePoint began = s.clock();
        HttpReply reply = fetch(path);
        if (!pagerduty_failed_outright(reply)) {
            s.breaker->answered(s.epoch_micros());
        } else if (const auto waited = s.clock() - began; !ahead && deadline - began > half && waited >= costly) {
            const long long now = s.epoch_micros();
            s.breaker->failed(now - std::chrono::duration_cast<std::chrono::microseconds>(waited).count(), now);
        }
        return reply;
    };
}

// An answer made of what the cache keeps: `from_json` reads it into the
// answer's `field`.
template <class Answer, class Value>
std::function<std::optional<Answer>(const std::string &)> decoded(std::optional<Value> (*from_json)(std::string_view),
                                                                   Value Answer::*field)
{
    return [from_json, field](const std::string &text) -> std::optional<Answer> {
        auto value = from_json(text);
        if (!value) return std::nullopt;
        Answer a;
        a.*field = std::move(*value);
        return a;
    };
}

// Whether a call used `key` within refresh_idle: the refresh thread keeps
// only such entries fresh.
bool wanted_lately(const SourceSettings &s, const std::string &key, long long now)
{
    const long long idle = s.pagerduty->refresh_idle.count();
    if (idle <= 0 || !s.cache) return false;
    auto at = s.cache->stamped_at(key, Cache::Stamp::wanted);
    return at && now - *at < idle;
}

// A mark often enough that refresh_idle never passes unseen between two.
long long wanted_mark_every(const SourceSettings &s)
{
    return std::max(1LL, std::min<long long>(limits::wanted_mark_every, s.pagerduty->refresh_idle.count() / 4));
}

std::string oncalls_key(TargetKind kind, const std::string &target)
{
    // Not "oncalls-schedule-": entries under that name hold what /oncalls
    // said of the schedule, nobody when no policy uses it, and would stand
    // in for the schedule's people when PagerDuty fails.
    if (kind == TargetKind::schedule) return "schedule-users-" + target;
    return "oncalls-escalation_policy-" + target;
}

// One policy's or schedule's on-calls through the cache: who is on call
// now, or (refreshing ahead) the whole answer.
OncallsAnswer cached_oncalls(const SourceSettings &s, Gate &gate, const Fetch &fetch, TimePoint deadline, CacheMode mode,
                             TargetKind kind, const std::string &target)
{
    const std::string key = oncalls_key(kind, target);
    const long long ttl = s.pagerduty->oncall_ttl.count();
    const long long now = s.epoch_seconds();
    if (mode == CacheMode::ahead && !wanted_lately(s, key, now)) return OncallsAnswer{};
    OncallsAnswer a = through_cache<OncallsAnswer>(
        s, gate, key, ttl, mode, deadline,
        // The shifts of the answer's whole life (oncall_ttl) come with
        // it, so a hand-over within it needs no request: the first call
        // after it finds the next person in the cache, their phone too
        // (the refresh keeps everyone's).
        [&] { return fetch_oncalls(fetch, kind, target, s.epoch_seconds(), s.cache ? ttl : 0); },
        [](const std::string &text) -> std::optional<OncallsAnswer> {
            auto known = oncalls_from_json(text);
            if (!known) return std::nullopt;
            OncallsAnswer kept;
            kept.entries = std::move(known->entries);
            kept.known_until = known->known_until;
            return kept;
        },
        [&s](const OncallsAnswer &fetched, long long at) {
            // Fresh for oncall_ttl, so an override shows up soon.  Its
            // shift changes are in it; a schedule's people come without
            // shift ends, and are those of the moment it was asked.
            long long until = at + s.pagerduty->oncall_ttl.count();
            if (fetched.known_until > at + 1)
                until = std::min(until, fetched.known_until);  // asked a moment before `at`
            else if (auto end = earliest_end(fetched.entries))
                until = std::max(at, std::min(until, *end));
            return Cache::Entry{oncalls_to_json({fetched.entries, fetched.known_until}), at, until};
        });
    if (mode == CacheMode::ahead || mode == CacheMode::ahead_of_run) return a;
    if (mode == CacheMode::use && s.cache && s.pagerduty->refresh_idle.count() > 0)
        s.cache->mark_wanted(key, now, wanted_mark_every(s));
    // Who is on call now; past what the answer knows (PagerDuty failing
    // for longer than its life), whoever it last knew of.
    // An answer that says nothing of the time ahead (a schedule's, or one
    // kept in the cache's earlier form) is who was on call when it was
    // fetched.
    a.entries = oncalls_at(a.entries, a.known_until > 0 ? std::min(now, a.known_until - 1) : now - a.age);
    return a;
}

}  // namespace

OnCallSources cached_sources(const SourceSettings &s, const Fetch &unwatched, TimePoint deadline, CacheMode mode)
{
    OnCallSources out;
    const bool ahead = mode == CacheMode::ahead || mode == CacheMode::ahead_of_run;
    const Fetch fetch = watched(s, unwatched, deadline, ahead);
    auto gate = std::make_shared<Gate>(s, deadline, ahead);
    out.oncalls = [s, gate, fetch, deadline, mode](TargetKind kind, const std::string &target) {
        return cached_oncalls(s, *gate, fetch, deadline, mode, kind, target);
    };
    out.phones = [s, gate, fetch, deadline, mode](const std::vector<std::string> &users) {
        auto one = [s, gate, fetch, deadline, mode](const std::string &user) {
            // Not "contacts-" nor "contact-methods-": entries under those
            // names were written before SMS contact methods were kept, or
            // before disabled ones were told apart, and would hide the
            // former or dial the latter.
            return through_cache<PhonesAnswer>(
                s, *gate, "phone-methods-" + user, s.pagerduty->contact_ttl.count(), mode, deadline, [&] { return fetch_phones(fetch, user); },
                decoded(phones_from_json, &PhonesAnswer::phones),
                [&s](const PhonesAnswer &a, long long now) {
                    return Cache::Entry{phones_to_json(a.phones), now, now + s.pagerduty->contact_ttl.count()};
                });
        };
        std::vector<PhonesAnswer> answers(users.size());
        if (users.size() == 1) {
            answers[0] = one(users[0]);
            return answers;
        }
        // Several people: their requests go out together, a few at a time.
        for (std::size_t first = 0; first < users.size(); first += limits::max_parallel_requests) {
            std::size_t last = std::min(users.size(), first + limits::max_parallel_requests);
            std::vector<std::future<PhonesAnswer>> running;
            for (std::size_t i = first; i < last; ++i) running.push_back(std::async(std::launch::async, one, users[i]));
            for (std::size_t i = first; i < last; ++i) answers[i] = running[i - first].get();
        }
        return answers;
    };
    return out;
}

}  // namespace pdcf
