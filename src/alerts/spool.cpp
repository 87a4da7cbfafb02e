#include "alerts/spool.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts/spool_files.hpp"
#include "core/limits.hpp"
#include "core/own_dir.hpp"
#include "core/small_file.hpp"

namespace pdcf {

using namespace spool_files;

namespace {

// A file left in sending/ this long belongs to a process that died.
constexpr long stale_sending_seconds = 600;
// Claims are kept long enough for every callback of a call.
constexpr long claim_keep_seconds = 7 * 24 * 3600;

// Old claims are looked for at most this often: there are several per
// call, far more than one pass lists.
constexpr long claim_sweep_seconds = 3600;

// In claims/, its time says when the claims were last swept.
constexpr const char *swept_marker = "/claims/.swept";

// A held alert taken into sending/ (to be released or sent with more in
// it) goes by this name there.
constexpr const char *held_prefix = "held-";

}  // namespace

SpoolLock::SpoolLock(SpoolLock &&other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

SpoolLock &SpoolLock::operator=(SpoolLock &&other) noexcept
{
    if (this != &other) {
        release();
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

void SpoolLock::release()
{
    // A close, not LOCK_UN: that would free the lock for a child forked
    // with it too, which may be the one flushing now.
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
}

Spool::Spool(std::string dir, WallClock wall) : dir_(std::move(dir)), wall_(std::move(wall)) {}

time_t Spool::now() const { return wall_ ? static_cast<time_t>(wall_()) : std::time(nullptr); }

SpoolLock Spool::lock_flush() const
{
    const std::string path = dir_ + "/flush.lock";
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return {};
    // Never in place of a standard stream (a CGI run has closed stdout by
    // now), which a detached flusher points at /dev/null.
    if (fd <= 2) {
        int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        close(fd);
        if (high < 0) return {};
        fd = high;
    }
    // Its own open file description, so two threads of one process
    // exclude each other as two processes do.
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return {};
    }
    return SpoolLock(fd);
}

bool Spool::sweep_due() const
{
    struct stat st;
    return lstat((dir_ + swept_marker).c_str(), &st) != 0 || now() - st.st_mtime >= claim_sweep_seconds;
}

void Spool::sweep_claims() const
{
    // Every old claim however many there are, so the marker is set first:
    // another process asking meanwhile leaves them to this one.
    if (!sweep_due()) return;
    const time_t t = now();
    int fd = open((dir_ + swept_marker).c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0) return;
    set_due(fd, t);
    close(fd);
    // A caller's count is of one window, a day at most: it goes with them.
    for (const char *sub : {"/claims", "/callers"}) {
        const std::string dir = dir_ + sub;
        DIR *d = opendir(dir.c_str());
        if (!d) continue;
        struct stat st;
        while (dirent *e = readdir(d)) {
            if (e->d_name[0] == '.') continue;
            const std::string path = dir + "/" + e->d_name;
            if (lstat(path.c_str(), &st) == 0 && t - st.st_mtime > claim_keep_seconds)
                unlink(path.c_str());
        }
        closedir(d);
    }
}

Result<void> Spool::prepare(OwnDir *verdict)
{
    auto prepared = own_dirs_prepare(dir_, {"pending", "sending", "rejected", "claims", "held", "paused", "callers"}, verdict);
    refused_ = prepared.error();
    return prepared;
}

Spool::Claim Spool::claim(const std::string &call_sid, const std::string &what) const
{
    if (!refused_.empty()) return Claim::unavailable;
    std::string path = dir_ + "/claims/" + spool_name(call_sid) + "." + what;
    for (int attempt = 0; attempt < 2; ++attempt) {
        int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            close(fd);
            return Claim::first;
        }
        if (errno != EEXIST) return Claim::unavailable;
        struct stat st;
        if (lstat(path.c_str(), &st) == 0) {
            if (own_file(path, st)) return Claim::again;
            // One that is not the program's own counts for nothing.
            unlink(path.c_str());
        }
    }
    return Claim::unavailable;
}

bool Spool::claimed(const std::string &call_sid, const std::string &what) const
{
    if (!refused_.empty()) return false;
    const std::string path = dir_ + "/claims/" + spool_name(call_sid) + "." + what;
    struct stat st;
    return lstat(path.c_str(), &st) == 0 && own_file(path, st);
}

Result<void> Spool::keep(const Alert &alert, long delay) const
{
    if (!refused_.empty()) return fail(refused_);
    return write_whole(dir_ + "/pending", file_name(alert), alert.body, now() + delay);
}

Result<void> Spool::reject(const Alert &alert) const
{
    if (!refused_.empty()) return fail(refused_);
    return write_whole(dir_ + "/rejected", file_name(alert), alert.body, now());
}

Result<void> Spool::hold(const Alert &alert, long delay) const
{
    if (!refused_.empty()) return fail(refused_);
    return write_whole(dir_ + "/held", file_name(alert), alert.body, now() + delay);
}

std::optional<std::string> Spool::take_held(const std::string &call_sid, AlertKind kind) const
{
    if (!refused_.empty()) return std::nullopt;
    const std::string name = file_name(call_sid, kind);
    const std::string taken = dir_ + "/sending/" + held_prefix + name;
    // The flusher may be releasing it at this moment: one rename wins.
    // Whoever takes it sends it; a process that dies first leaves it in
    // sending/, which flush takes back later.
    // Timed now first, so it is not stale in sending/ (see flush).
    set_due(dir_ + "/held/" + name, now());
    if (rename((dir_ + "/held/" + name).c_str(), taken.c_str()) != 0) return std::nullopt;
    std::string body = read_all(taken);
    unlink(taken.c_str());
    return body;
}

void Spool::pause(const std::string &routing_key, long long until) const
{
    if (!refused_.empty()) return;
    // Best effort: without it the key is tried again, and paused again.
    (void)write_whole(dir_ + "/paused", key_tag(routing_key), "", static_cast<time_t>(until));
}

std::optional<long long> Spool::paused_until(const std::string &routing_key) const
{
    if (!refused_.empty()) return std::nullopt;
    const std::string path = dir_ + "/paused/" + key_tag(routing_key);
    struct stat st;
    if (lstat(path.c_str(), &st) != 0 || !own_file(path, st)) return std::nullopt;
    if (st.st_mtime <= now()) return std::nullopt;
    return static_cast<long long>(st.st_mtime);
}

std::optional<long long> Spool::next_due(long early) const
{
    std::optional<long long> first;
    if (!refused_.empty()) return first;
    for (const char *sub : {"/pending", "/held"})
        for (const auto &e : list(dir_ + sub)) {
            long long due = static_cast<long long>(e.mtime) - (std::string(sub) == "/pending" ? early : 0);
            if (!first || due < *first) first = due;
        }
    return first;
}

std::optional<long long> Spool::next_held() const
{
    auto held = list(dir_ + "/held");
    if (held.empty()) return std::nullopt;
    return static_cast<long long>(held.front().mtime);  // oldest first
}

bool Spool::earlier_waits(const std::string &call_sid, AlertKind kind) const
{
    return earlier_waits(spool_name(call_sid), to_string(kind));
}

bool Spool::earlier_waits(const std::string &call, const std::string &kind) const
{
    // Each change of the call's alert, after what it changes.
    static const AlertKind order[] = {AlertKind::call, AlertKind::acknowledge, AlertKind::recording, AlertKind::resolve};
    if (!refused_.empty() || (kind != to_string(AlertKind::acknowledge) && kind != to_string(AlertKind::recording) &&
                              kind != to_string(AlertKind::resolve)))
        return false;
    for (AlertKind before : order) {
        if (kind == to_string(before)) break;
        const std::string name = file_name(call, before);
        struct stat st;
        for (const char *sub : {"/held/", "/pending/", "/sending/"})
            if (lstat((dir_ + sub + name).c_str(), &st) == 0) return true;
    }
    return false;
}

Spool::Flushed Spool::flush(const std::function<SendResult(const std::string &, TimePoint)> &send, const Clock &clock,
                            TimePoint deadline, const FlushRules &rules) const
{
    Flushed out;
    if (!refused_.empty()) return out;
    // A process that died mid-send left its alert in sending/ (its time is
    // when that attempt began): take it back.
    for (const auto &e : list(dir_ + "/sending"))
        if (now() - e.mtime > stale_sending_seconds)
            rename((dir_ + "/sending/" + e.name).c_str(), (dir_ + "/pending/" + e.name).c_str());
    release_held(rules, out);

    // Times are read afresh for each alert: one send may take the whole
    // budget, and what comes after it is timed from its own attempt.
    auto pending = list(dir_ + "/pending");
    // Of the same second, a call's trigger, acknowledge, recording link and
    // resolve in that order (they are often released from held/ together):
    // each goes in this pass, not one pass after the other.
    const auto rank = [](const Entry &e) {
        const std::string kind = call_and_kind(e.name).second;
        return kind == to_string(AlertKind::acknowledge) ? 1
               : kind == to_string(AlertKind::recording) ? 2
               : kind == to_string(AlertKind::resolve)   ? 3
                                                         : 0;
    };
    std::stable_sort(pending.begin(), pending.end(), [&](const Entry &a, const Entry &b) {
        return a.mtime != b.mtime ? a.mtime < b.mtime : rank(a) < rank(b);
    });
    for (std::size_t i = 0; i < pending.size(); ++i) {
        if (clock() >= deadline) {
            out.left += static_cast<int>(pending.size() - i);
            break;
        }
        if (pending[i].mtime > now() + rules.early) {
            ++out.waiting;
            continue;
        }
        send_pending(pending[i].name, send, deadline, out);
    }
    return out;
}

void Spool::release_held(const FlushRules &rules, Flushed &out) const
{
    for (const auto &e : list(dir_ + "/held")) {
        const time_t t = now();
        if (e.mtime > t) {
            ++out.held;
            continue;
        }
        // Taken before it is judged: whoever takes it (this pass, another
        // process's, a transcription's take_held) is the only one to decide
        // and claim it.  In sending/ a process that dies now leaves it to
        // the stale-sending rule, not lost.  Its own name there, so it
        // never replaces a pending alert of the same call being sent.
        const std::string taken = dir_ + "/sending/" + held_prefix + e.name;
        set_due(dir_ + "/held/" + e.name, t);
        if (rename((dir_ + "/held/" + e.name).c_str(), taken.c_str()) != 0) continue;
        auto [call, kind] = call_and_kind(e.name);
        std::string why = rules.release ? rules.release(call, kind) : "";
        if (!why.empty()) {
            unlink(taken.c_str());
            ++out.dropped;
            out.lines.push_back("dropped " + e.name + ": " + why);
            continue;
        }
        const std::string pending = dir_ + "/pending/" + e.name;
        set_due(taken, t);
        rename(taken.c_str(), pending.c_str());
    }
}

void Spool::send_pending(const std::string &name, const std::function<SendResult(const std::string &, TimePoint)> &send,
                         TimePoint deadline, Flushed &out) const
{
    const std::string from = dir_ + "/pending/" + name;
    const std::string taken = dir_ + "/sending/" + name;
    // Another process may be sending it right now: then it is not ours.
    // A file in sending/ is stale by its time, and a rename keeps the due
    // time, long past for an alert that waited: set it to the attempt's
    // start first.
    set_due(from, now());
    if (rename(from.c_str(), taken.c_str()) != 0) return;
    const std::string event = read_all(taken);
    if (auto [call, kind] = call_and_kind(name); earlier_waits(call, kind)) {
        set_due(taken, now() + retry_pause_seconds);
        rename(taken.c_str(), from.c_str());
        ++out.waiting;
        out.lines.push_back("waiting " + name + ": the call's earlier event is not sent yet");
        return;
    }
    if (auto until = paused_until(routing_key_of(event))) {
        set_due(taken, static_cast<time_t>(*until));
        rename(taken.c_str(), from.c_str());
        ++out.waiting;
        return;
    }
    SendResult r = send(event, deadline);
    // The back-off counts from the end of this attempt, not from the start
    // of the pass: a pass that spent its budget on one hanging send must
    // not hand the next process an alert already due again.
    const time_t ended = now();
    auto again_in = [&](long delay, const std::string &said) {
        ++out.failed;
        set_due(taken, ended + delay);
        rename(taken.c_str(), from.c_str());
        out.lines.push_back("still pending " + name + ": " + said);
    };
    switch (r.status) {
    case SendStatus::sent:
        ++out.sent;
        unlink(taken.c_str());
        out.lines.push_back("sent " + name);
        break;
    case SendStatus::rejected:
        ++out.rejected;
        rename(taken.c_str(), (dir_ + "/rejected/" + name).c_str());
        out.lines.push_back("rejected " + name + ": " + r.detail + "; kept in " + dir_ + "/rejected");
        break;
    case SendStatus::failed: again_in(retry_pause_seconds, r.detail); break;
    case SendStatus::rate_limited: {
        long delay = rate_limited_delay(r);
        pause(routing_key_of(event), ended + delay);
        again_in(delay, r.detail + "; next try in " + std::to_string(delay) + " s");
        break;
    }
    }
}

}  // namespace pdcf
