#include "alerts/flusher.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <ctime>

#include "alerts/alert_desk.hpp"
#include "alerts/events.hpp"
#include "core/escape.hpp"
#include "pagerduty/http_client.hpp"

namespace pdcf {

std::string flush_report(const Spool::Flushed &flushed, const std::string &prefix)
{
    std::string lines;
    for (const auto &line : flushed.lines) lines += prefix + display_text(line) + "\n";
    return lines;
}

namespace {

long long wall_now() { return static_cast<long long>(std::time(nullptr)); }

// Whether anything in the spool is due now.
bool due_now(const Spool &spool)
{
    auto due = spool.next_due();
    return due && *due <= wall_now();
}

// Whether the first held alert falls due after `since`, and within
// max_detached_wait.
bool held_coming(const Spool &spool, long long since)
{
    auto held = spool.next_held();
    return held && *held > since && *held - wall_now() <= max_detached_wait.count();
}

// How long the flusher thread sleeps when nobody nudges it: until the next
// alert is due, looking at least this often and at most this rarely (an
// alert held by another process of a shared spool_dir is due too).
constexpr std::chrono::seconds min_idle{1};
constexpr std::chrono::seconds max_idle{30};

// One pass, the flush lock held.
std::string flush_locked(const Spool &spool, const PagerDutySettings &settings, const EventAnswered &answered)
{
    spool.sweep_claims();
    if (!due_now(spool)) return {};
    auto client = events_client(settings);
    Clock clock = [] { return std::chrono::steady_clock::now(); };
    Post post = [&](const std::string &body, TimePoint deadline) {
        HttpReply r = client->post("", body, deadline);
        if (answered) answered(r.status);
        return r;
    };
    Sleep sleep = [](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); };
    Spool::Flushed f = spool.flush(
        [&](const std::string &event, TimePoint deadline) { return events_send(post, sleep, clock, event, deadline); },
        clock, clock() + settings.timeout, flush_rules(spool));
    return flush_report(f, "pd-call-forward: spool: ");
}

// The detached CGI flusher: a pass, then another every second while a
// held alert is still to fall due within max_detached_wait.  It does not
// stay for pending alerts that failed: the next request from Twilio, or
// --flush, tries them again, so a hanging Events API keeps no process.
// The lock goes only with the process (_exit, below), so one flusher is
// gone before the next can start.  A request that holds an alert just as
// this one finds none to wait for starts no process of its own: that alert
// waits for the next request or the flush timer.
void flush_detached(const Spool &spool, const PagerDutySettings &settings, const EventAnswered &answered)
{
    for (;;) {
        const long long began = wall_now();
        flush_locked(spool, settings, answered);
        if (!held_coming(spool, began)) return;
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

}  // namespace

std::string flush_spool_once(const Spool &spool, const PagerDutySettings &settings, const EventAnswered &answered)
{
    SpoolLock lock = spool.lock_flush();
    if (!lock) return {};  // another process is flushing: what is due is its to send
    return flush_locked(spool, settings, answered);
}

SpoolFlusher::SpoolFlusher(const Spool &spool, const PagerDutySettings &settings, EventAnswered answered)
    : spool_(spool), settings_(settings), answered_(std::move(answered)), thread_([this] { run(); })
{
}

SpoolFlusher::~SpoolFlusher()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void SpoolFlusher::nudge()
{
    constexpr auto look_every = std::chrono::seconds(1);
    auto now = std::chrono::steady_clock::now();
    if (now - looked_ < look_every && !expecting_) return;
    looked_ = now;
    expecting_ = false;
    // Anything waiting, due or not: the thread may be asleep with no timer
    // (the spool was empty), and must set one for what this request held.
    if (!spool_.next_due()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        nudged_ = true;
    }
    wake_.notify_one();
}

std::string SpoolFlusher::take_log()
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    out.swap(log_);
    return out;
}

void SpoolFlusher::run()
{
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        // A pass at start too: what waited while no worker ran goes now,
        // and the claims are swept on schedule even when nothing waits.
        lock.unlock();
        std::string lines = flush_spool_once(spool_, settings_, answered_);
        lock.lock();
        log_ += lines;
        // Wake when the next alert is due, a request or not; with nothing
        // waiting, look again after max_idle all the same: another process
        // sharing the spool (another web server's) may have held one.
        auto due = spool_.next_due();
        auto idle = max_idle;
        if (due)
            idle = std::clamp<std::chrono::seconds>(std::chrono::seconds(std::max<long long>(0, *due - wall_now())),
                                                    min_idle, max_idle);
        wake_.wait_for(lock, idle, [this] { return nudged_ || stopping_; });
        if (stopping_) return;
        nudged_ = false;
    }
}

void flush_spool_detached(const Spool &spool, const PagerDutySettings &settings, const EventAnswered &answered)
{
    if (!due_now(spool) && !held_coming(spool, LLONG_MIN) && !spool.sweep_due()) return;
    // Taken here, before any fork: while a flusher runs, a request starts
    // no process at all.
    SpoolLock lock = spool.lock_flush();
    if (!lock) return;
    pid_t child = fork();
    if (child < 0) return;
    if (child > 0) {
        lock.release();              // the grandchild holds it now
        waitpid(child, nullptr, 0);  // it forks again and exits at once
        return;
    }
    // The child lets go of the web server's pipes and its session.
    setsid();
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2; ++fd) dup2(null, fd);
    if (null > 2) close(null);
    if (fork() != 0) _exit(0);  // a grandchild, so no zombie waits on the parent
    flush_detached(spool, settings, answered);
    _exit(0);  // and with it the lock
}

}  // namespace pdcf
