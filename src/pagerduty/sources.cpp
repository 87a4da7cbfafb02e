#include "pagerduty/sources.hpp"

#include <algorithm>
#include <future>
#include <thread>

#include "core/limits.hpp"
#include "pagerduty/retry.hpp"

namespace pdcf {

long long refresh_lead(long long ttl, std::chrono::milliseconds timeout)
{
    const long long budget = (timeout.count() + 999) / 1000 + 1;
    return std::min(ttl / 2, budget);
}

namespace {

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

// One request's standing while PagerDuty counts as down, decided at its
// first need and then kept: a call holding the probe asks for every entry
// it needs, one held back asks for none.  Only a call with more than half
// its budget left probes: one that queued in the web server has too little
// to tell a hang from a slow answer, and its caller has waited enough.
class Gate {
public:
    // `ahead`: a refresh ahead of expiry, which never takes the probe from
    // the calls: while PagerDuty counts as down it asks nothing.
    Gate(const SourceSettings &s, TimePoint deadline, bool ahead) : s_(s), deadline_(deadline), ahead_(ahead) {}

    // Whether this call must not ask PagerDuty; `why` says why, for the
    // log, the first time only (one reason per call, not per person).
    bool hold_back(std::string &why)
    {
        if (!s_.breaker) return false;
        std::lock_guard<std::mutex> lock(mutex_);
        if (!decided_) decide();
        if (!held_back_) return false;
        if (!told_) why = why_;
        told_ = true;
        return true;
    }

private:
    void decide()
    {
        decided_ = true;
        auto ago = s_.breaker->down(s_.epoch_micros());
        if (!ago) return;
        bool busy = true;
        if (!ahead_ && deadline_ - s_.clock() > s_.pagerduty->timeout / 2) probe_ = s_.breaker->try_probe(&busy);
        held_back_ = busy;
        why_ = "not asked: PagerDuty failed " + std::to_string(*ago) +
               " s ago; one call at a time asks it until it answers";
    }

    const SourceSettings s_;
    const TimePoint deadline_;
    const bool ahead_;
    std::mutex mutex_;
    bool decided_ = false;
    bool held_back_ = false;
    bool told_ = false;
    std::string why_;
    Cache::Lock probe_;  // held until the request is done with its sources
};

// One cache entry as a request sees it, the same for on-calls and phones.
template <class Answer>
class Entry {
public:
    using Decode = std::function<std::optional<Answer>(const std::string &)>;
    Entry(const SourceSettings &s, const std::string &key, long long ttl, const Decode &decode)
        : s_(s), cache_(*s.cache), key_(key), ttl_(ttl), decode_(decode), now_(s.epoch_seconds()),
          stale_max_(s.pagerduty->stale_max.count()), entry_(believed(now_))
    {
    }

    // The entry's answer while it is fresh, or (refreshing ahead) while it
    // is still fresh `beyond` seconds from now.
    std::optional<Answer> fresh(long long beyond = 0) const
    {
        if (entry_ && now_ + beyond < entry_->fresh_until) return as(*entry_, Source::cache);
        return std::nullopt;
    }

    // Holding the entry's lock, ahead of its expiry: the file as another
    // process may have refreshed it meanwhile, if it is fresh `beyond`
    // seconds from now.
    std::optional<Answer> refreshed_before(long long beyond)
    {
        entry_ = believed(s_.epoch_seconds(), true);
        return fresh(beyond);
    }

    // PagerDuty has just failed and this call is not the one asking it
    // again: the last answer it gave, or none, at once.
    Answer held_back(std::string why) const
    {
        std::optional<Answer> a = recent(Source::stale);
        if (!a) {
            a = Answer{};
            a->failed = true;
            if (why.empty()) why = "not asked";
        }
        a->problem = why;
        return *a;
    }

    // Expired or missing: one process refreshes it (this one, when it gets
    // `lock`).  The others go on with the entry they have, or, having none,
    // wait for the refresh and take its answer.  With no lifetime (ttl 0)
    // every call asks, and nobody waits for anybody.
    std::optional<Answer> refreshed_elsewhere(CacheMode mode, TimePoint deadline, Cache::Lock &lock)
    {
        bool busy = false;
        if (ttl_ > 0) lock = cache_.try_lock(key_, &busy);
        if (mode != CacheMode::use) return std::nullopt;
        if (lock.held()) {
            // Another process may have refreshed it between the first read
            // and the lock, and let go: asking again would be a second
            // request for one expiry.
            if (auto again = believed(s_.epoch_seconds())) {
                entry_ = again;
                if (s_.epoch_seconds() < again->fresh_until) return as(*again, Source::cache);
            }
            return std::nullopt;
        }
        if (!busy) return std::nullopt;
        if (auto a = recent(Source::cache)) return a;
        lock = cache_.lock(key_, deadline, s_.clock);
        entry_ = believed(s_.epoch_seconds());
        if (entry_ && s_.epoch_seconds() < entry_->fresh_until) return as(*entry_, Source::cache);
        return std::nullopt;
    }

    // PagerDuty failed: the last answer it gave stands in, if recent enough.
    Answer instead_of(const Answer &fetched) const
    {
        auto a = recent(Source::stale);
        if (!a) return fetched;
        a->problem = fetched.problem;
        a->requests = fetched.requests;
        return *a;
    }

private:
    std::optional<Answer> as(const Cache::Entry &e, Source source) const
    {
        auto a = decode_(e.value);
        if (!a) return std::nullopt;
        a->source = source;
        a->age = std::max(0LL, now_ - e.fetched_at);
        return a;
    }

    // The entry's answer when it was fetched less than stale_max ago.
    std::optional<Answer> recent(Source source) const
    {
        if (entry_ && now_ - entry_->fetched_at < stale_max_) return as(*entry_, source);
        return std::nullopt;
    }

    // An entry is believed no further than this configuration allows: fresh
    // for at most `ttl` after it was fetched, whatever fresh_until it
    // carries (one written under a longer ttl, or by a hand that meant
    // harm), and never fetched after the moment it was read (not `at`,
    // which may precede another process's write by a second).
    std::optional<Cache::Entry> believed(long long at, bool from_file = false) const
    {
        std::optional<Cache::Entry> e = from_file ? cache_.reread(key_) : cache_.read(key_, at);
        if (!e || e->fetched_at > s_.epoch_seconds()) return std::nullopt;
        e->fresh_until = std::min(e->fresh_until, e->fetched_at + ttl_);
        return e;
    }

    const SourceSettings &s_;
    const Cache &cache_;
    const std::string &key_;
    const long long ttl_;
    const Decode &decode_;
    const long long now_;
    const long long stale_max_;
    std::optional<Cache::Entry> entry_;  // as last read
};

// A refresh ahead that did not ask, and why: `failed` when PagerDuty is the
// reason.
template <class Answer>
Answer not_asked(bool failed, std::string why)
{
    Answer a;
    a.failed = failed;
    a.problem = std::move(why);
    return a;
}

// The cache protocol for one entry.  (--check refreshes: it asks.)
template <class Answer>
Answer through_cache(const SourceSettings &s, Gate &gate, const std::string &key, long long ttl, CacheMode mode,
                     TimePoint deadline, const std::function<Answer()> &ask,
                     const std::function<std::optional<Answer>(const std::string &)> &decode,
                     const std::function<Cache::Entry(const Answer &, long long now)> &encode)
{
    const bool ahead = mode == CacheMode::ahead || mode == CacheMode::ahead_of_run;
    if (!s.cache) return ahead ? Answer{} : ask();
    Entry<Answer> entry(s, key, ttl, decode);
    std::string why;
    if (ahead) {
        // Nothing to do unless it expires within the lead, and nothing
        // while another process refreshes it, or while PagerDuty is down
        // (the calls' one probe finds out when it is back).  A failure
        // is told as such: the last answer still stands in for the calls.
        const long long beyond = refresh_lead(ttl, s.pagerduty->timeout) +
                                 (mode == CacheMode::ahead_of_run ? limits::refresh_every : 0);
        if (auto a = entry.fresh(beyond)) return *a;
        if (ttl <= 0) return Answer{};
        if (gate.hold_back(why)) return not_asked<Answer>(true, "not asked: PagerDuty counts as down");
        // After a failure, every process leaves the entry to the calls for
        // a while (a file's time says when), so a PagerDuty that fails at
        // once is not asked by every worker in turn.
        const long long now = s.epoch_seconds();
        if (auto failed = s.cache->stamped_at(key, Cache::Stamp::refresh_failed);
            failed && *failed <= now && now - *failed < limits::refresh_retry.count())
            return not_asked<Answer>(true, "not asked: its refresh failed " + std::to_string(now - *failed) + " s ago");
        Cache::Lock lock = s.cache->try_lock(key);
        if (!lock.held()) return not_asked<Answer>(false, "another process is refreshing it");
        if (auto a = entry.refreshed_before(beyond)) return *a;
        Answer fetched = ask();
        if (fetched.failed) s.cache->stamp(key, Cache::Stamp::refresh_failed, s.epoch_seconds());
        else s.cache->write(key, encode(fetched, s.epoch_seconds()));
        return fetched;
    }
    if (mode == CacheMode::use) {
        if (auto a = entry.fresh()) return *a;
        if (gate.hold_back(why)) return entry.held_back(why);
    }
    Cache::Lock lock;
    if (auto a = entry.refreshed_elsewhere(mode, deadline, lock)) return *a;
    Answer fetched = ask();
    if (fetched.failed) return entry.instead_of(fetched);
    s.cache->write(key, encode(fetched, s.epoch_seconds()));
    return fetched;
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
