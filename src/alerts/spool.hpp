// Alerts waiting to be delivered, and the marks that let each alert of a
// call go out once: small files under [pagerduty] spool_dir, shared by
// every process (FastCGI pool, CGI runs, --flush, and the processes of
// other web servers that share the directory).  Files appear whole or not
// at all (written to a temporary name, then renamed), and an alert is
// taken by exactly one process (renamed into sending/).
//
// A file's modification time is when it is due: a pending alert that
// failed is tried again no sooner (a few seconds after that attempt ended;
// minutes when PagerDuty rate-limited it), and a held one waits in held/
// for something that may still come (the call's last request, a
// transcription).
//
// One process at a time flushes a spool (SpoolLock): a burst of requests,
// the workers of several pools and overlapping `--flush` runs never send
// the same alert side by side.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alert.hpp"
#include "alerts/events.hpp"
#include "alerts/spool_files.hpp"
#include "core/own_dir.hpp"

namespace pdcf {

// A pending alert that failed is tried again after this many seconds.
constexpr long retry_pause_seconds = 2;

// How a flush pass treats what waits (Spool::flush).
struct FlushRules {
    // Pending alerts due within this many seconds are taken too: --flush
    // does not wait out the short pause after a failure.
    long early = 0;
    // A held alert whose time has come: "" sends it, else why it is
    // dropped.  Called with the file's call name and kind ("missed").
    std::function<std::string(const std::string &call, const std::string &kind)> release;
};

// Seconds since the epoch: what a spool file's time is read against.
using WallClock = std::function<long long()>;

// The right to flush a spool: held by one process at a time (an flock(2)
// on flush.lock in the spool, so a process that dies lets go of it).  A
// child forked while it is held holds it too: it is free again once every
// process holding it has let go or exited.
class SpoolLock {
public:
    SpoolLock() = default;
    explicit SpoolLock(int fd) : fd_(fd) {}
    SpoolLock(SpoolLock &&other) noexcept;
    SpoolLock &operator=(SpoolLock &&other) noexcept;
    SpoolLock(const SpoolLock &) = delete;
    SpoolLock &operator=(const SpoolLock &) = delete;
    ~SpoolLock() { release(); }

    explicit operator bool() const { return fd_ >= 0; }
    // This process lets go; a child forked with it keeps it.
    void release();

private:
    int fd_ = -1;
};

class Spool {
public:
    // `wall` defaults to the system clock.
    explicit Spool(std::string dir, WallClock wall = {});

    // Creates the directories (mode 0700) if missing, and judges whether
    // they may be used (own_dir.hpp), with the whole judgement in `verdict`.  A spool that may not be used is left alone
    // from then on: nothing is kept, held, claimed or sent from it, as when
    // it cannot be written.  Of its entries only the program's own are read.
    Result<void> prepare(OwnDir *verdict = nullptr);

    enum class Claim { first, again, unavailable };
    // Marks `what` for the call (an alert kind when an alert is delivered,
    // or "answered", "recorded"); `first` only once, whichever process asks.
    Claim claim(const std::string &call_sid, const std::string &what) const;
    bool claimed(const std::string &call_sid, const std::string &what) const;

    // Keeps an alert that could not be sent, to send in `delay` seconds.
    Result<void> keep(const Alert &alert, long delay = retry_pause_seconds) const;
    // Sets aside an alert PagerDuty refused, for a person to look at.
    Result<void> reject(const Alert &alert) const;

    // Holds an alert for `delay` seconds before it goes out (or is dropped:
    // see FlushRules); holding it again replaces it.
    Result<void> hold(const Alert &alert, long delay) const;
    // The held alert of this call and kind, taken out of the spool (its
    // JSON), if it is still there: whoever takes it sends it.
    // (Taken into sending/, where flush finds it again if this process dies.)
    std::optional<std::string> take_held(const std::string &call_sid, AlertKind kind) const;

    // Whether an event of this call that must reach PagerDuty first still
    // waits here (held, pending, or being sent): the call's trigger, then
    // its acknowledge, its recording's link, its resolve.  An acknowledge or resolve
    // PagerDuty gets before the trigger does nothing, and the trigger
    // after it opens an alert that pages; so such a one waits too.
    bool earlier_waits(const std::string &call_sid, AlertKind kind) const;

    // PagerDuty rate-limits each routing key: after a 429, no alert of that
    // key is sent before `until` (seconds since the epoch), by any process.
    void pause(const std::string &routing_key, long long until) const;
    // The end of the key's pause when it is still on.
    std::optional<long long> paused_until(const std::string &routing_key) const;

    // When the first alert waiting here is due (seconds since the epoch),
    // counting pending ones `early` seconds sooner; nothing when none waits.
    std::optional<long long> next_due(long early = 0) const;
    // The same for the held alerts alone.
    std::optional<long long> next_held() const;

    // Takes the flush lock, without waiting: an empty lock when another
    // process (or thread) holds it, and then that one sends what is due.
    [[nodiscard]] SpoolLock lock_flush() const;

    // Removes the claims of calls long over, and the callers' counts
    // (repeats.hpp), at most once an hour whoever asks (a file's time in
    // claims/ says when it last ran): the flusher asks on every pass, also
    // when nothing waits.
    void sweep_claims() const;
    // Whether sweep_claims would look at the claims now.
    bool sweep_due() const;

    struct Flushed {
        int sent = 0;
        int rejected = 0;
        int failed = 0;   // tried, still pending
        int left = 0;     // not tried: out of time, or PagerDuty rate-limited this pass
        int waiting = 0;  // not due yet
        int held = 0;     // held, not due yet
        int dropped = 0;  // held, and no longer wanted
        std::vector<std::string> lines;  // one per alert tried, released or dropped, for the log
    };
    // Releases the held alerts that are due, then sends the pending ones
    // that are, oldest first, until `deadline`; `send` tries one alert's
    // JSON.  After a rate-limited answer the alerts of the same routing key
    // wait with it (pause); the others go on.  The caller holds the flush
    // lock (lock_flush).
    Flushed flush(const std::function<SendResult(const std::string &event, TimePoint deadline)> &send,
                  const Clock &clock, TimePoint deadline, const FlushRules &rules = {}) const;

    const std::string &dir() const { return dir_; }
    // Whether it is used (prepare found it fit); else nothing is kept here.
    bool usable() const { return refused_.empty(); }

private:
    time_t now() const;
    // earlier_waits for a spool file's call and kind ("CA123", "resolve").
    bool earlier_waits(const std::string &call, const std::string &kind) const;
    // flush's passes: held alerts whose time has come, then one pending.
    void release_held(const FlushRules &rules, Flushed &out) const;
    void send_pending(const std::string &name, const std::function<SendResult(const std::string &, TimePoint)> &send,
                      TimePoint deadline, Flushed &out) const;

    std::string dir_;
    WallClock wall_;
    std::string refused_;  // why it is not used; empty: it is
};


}  // namespace pdcf
