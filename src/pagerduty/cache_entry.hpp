// The cache protocol for one entry, the same for on-calls and phones, as
// sources.cpp uses it: fresh, refreshed by one process while the others
// go on, the last answer when PagerDuty fails, refreshed ahead of expiry;
// and one request's standing while PagerDuty counts as down.  sources.hpp
// is its interface.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/limits.hpp"
#include "pagerduty/breaker.hpp"
#include "pagerduty/cache.hpp"
#include "pagerduty/pagerduty.hpp"

namespace pdcf {

struct SourceSettings {
    const PagerDutySettings *pagerduty = nullptr;
    const Cache *cache = nullptr;  // nullptr: no cache
    const Breaker *breaker = nullptr;  // in cache_dir; nullptr: every call asks PagerDuty
    Clock clock;
    std::function<long long()> epoch_seconds;
    std::function<long long()> epoch_micros;  // the breaker's
};

// How long before an entry of lifetime `ttl` stops being fresh it is
// refreshed ahead (seconds): PagerDuty's whole budget (`timeout`) and a
// second, so the answer is in before it is needed; and at most half its
// life, so it is asked at most twice in one.
inline long long refresh_lead(long long ttl, std::chrono::milliseconds timeout)
{
    const long long budget = (timeout.count() + 999) / 1000 + 1;
    return std::min(ttl / 2, budget);
}

}  // namespace pdcf

namespace pdcf::cache_entry {

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
    // What the text of an entry says; on nothing else (not the time): one
    // text decodes to one answer, which decoded_once keeps.
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
        auto a = decoded_once(e.value);
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

    // The entry's text as this process last decoded it, and what it made of
    // it: a warm call finds the same text each time, and parsing its JSON
    // again cost more than the rest of the lookup.  One per key.
    std::optional<Answer> decoded_once(const std::string &text) const
    {
        static std::mutex mutex;
        static std::map<std::string, std::pair<std::string, Answer>> last;
        {
            std::lock_guard<std::mutex> lock(mutex);
            auto it = last.find(key_);
            if (it != last.end() && it->second.first == text) return it->second.second;
        }
        auto a = decode_(text);
        if (!a) return std::nullopt;
        std::lock_guard<std::mutex> lock(mutex);
        last[key_] = {text, *a};
        return a;
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
        // After a failure, every worker leaves the entry to the calls for a
        // while (a file's time says when), so a PagerDuty that fails at
        // once is not asked by every worker in turn.  --refresh, run every
        // limits::refresh_every by one timer, tries at each run.
        const long long now = s.epoch_seconds();
        if (auto failed = s.cache->stamped_at(key, Cache::Stamp::refresh_failed);
            mode == CacheMode::ahead && failed && *failed <= now && now - *failed < limits::refresh_retry.count())
            return not_asked<Answer>(true, "not asked: its refresh failed " + std::to_string(now - *failed) + " s ago");
        Cache::Lock lock = s.cache->try_lock(key);
        if (!lock.held()) return not_asked<Answer>(false, "another process is refreshing it");
        if (auto a = entry.refreshed_before(beyond)) return *a;
        const long long began = s.epoch_seconds();  // the rest counts from the try, however long it took
        Answer fetched = ask();
        if (fetched.failed) s.cache->stamp(key, Cache::Stamp::refresh_failed, began);
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

}  // namespace pdcf::cache_entry
