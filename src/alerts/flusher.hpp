// Sending spooled alerts without making a caller wait.  In FastCGI mode a
// thread of the worker does it once a request is answered, and again when
// a waiting or held alert falls due, with no request needed; in CGI mode,
// where the web server holds the answer until the program exits, a
// detached child process does it after a request from Twilio, and
// `--flush` (the systemd timer or cron) when no request comes.  Either way
// it has its own connection to the Events API, and holds the spool's flush
// lock: one flusher per spool, however many requests, workers and pools.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <functional>
#include <thread>

#include "alerts/spool.hpp"
#include "config/config.hpp"
#include "core/limits.hpp"

namespace pdcf {

// Told the HTTP status of each Events API answer a flush got (0: none),
// for /metrics.
using EventAnswered = std::function<void(int status)>;

// One pass over the spool with a client of its own, claims swept first;
// nothing while another process holds the flush lock.  Returns log lines.
std::string flush_spool_once(const Spool &spool, const PagerDutySettings &settings, const EventAnswered &answered = {});

// What a flush did, one line each after `prefix`, for the log or the
// terminal: an Events API message is the server's own text, so every line
// goes through display_text and none can forge another.
std::string flush_report(const Spool::Flushed &flushed, const std::string &prefix);

class SpoolFlusher {
public:
    SpoolFlusher(const Spool &spool, const PagerDutySettings &settings, EventAnswered answered = {});
    ~SpoolFlusher();
    SpoolFlusher(const SpoolFlusher &) = delete;
    SpoolFlusher &operator=(const SpoolFlusher &) = delete;

    // A request was answered: have the thread look at the spool, unless it
    // is doing so, or it was looked at less than a second ago (waking a
    // thread on every request would cost a busy worker dearly) and the
    // request put nothing there.  Between nudges the thread wakes by itself
    // when the spool's next alert is due, and looks at least every
    // max_idle for what other processes put there.
    void nudge();
    // The request being answered held or spooled an alert: the next nudge
    // is not skipped, so the thread sets its timer for it.
    void expect() { expecting_ = true; }
    // What the flushes since the last call had to say, for the log.
    std::string take_log();

private:
    void run();

    const Spool &spool_;
    const PagerDutySettings &settings_;
    EventAnswered answered_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool nudged_ = false;
    std::chrono::steady_clock::time_point looked_{};  // the main thread's own
    bool expecting_ = false;                          // the main thread's own
    bool stopping_ = false;
    std::string log_;
    std::thread thread_;
};

// CGI mode, after a request from Twilio: when something is due, or a held
// alert falls due within max_detached_wait, or the claims are to be swept,
// and no other process holds the flush lock, takes it and runs the flush
// in a child process that no longer holds the web server's pipes (so the
// answer is complete when this process exits).  The child waits for the
// held alerts, also those that requests held meanwhile, as they started
// none while it held the lock.
void flush_spool_detached(const Spool &spool, const PagerDutySettings &settings, const EventAnswered &answered = {});

// The longest a detached CGI child waits for a held alert: the longest a
// missed-call alert is held.
constexpr std::chrono::seconds max_detached_wait{limits::max_missed_call_wait + 1};

}  // namespace pdcf
