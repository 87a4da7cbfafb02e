#include "pagerduty/breaker.hpp"

#include <cerrno>
#include <cstdio>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/limits.hpp"
#include "core/small_file.hpp"

namespace pdcf {

namespace {

constexpr long long micros_per_second = 1'000'000;

// The time of `path` (microseconds since the epoch) when it is a file of
// ours.
std::optional<long long> own_time(const std::string &path)
{
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) return std::nullopt;
    return static_cast<long long>(st.st_mtim.tv_sec) * micros_per_second + st.st_mtim.tv_nsec / 1000;
}

// The file time for `micros`, on the clock that reads it back.
struct timespec file_time(long long micros)
{
    return {static_cast<time_t>(micros / micros_per_second), static_cast<long>(micros % micros_per_second) * 1000};
}

// Sets the time of `name` to `now`, making it if need be.  Written whole
// anew, so that a file left by another user (--check run as root) is
// replaced, not kept.
void set_time(const std::string &dir, const std::string &name, long long now)
{
    // Best effort, as the cache: a breaker that cannot write stays closed.
    (void)write_whole_file(dir, name, "", file_time(now));
}

constexpr const char *state_name = "pagerduty-down";
constexpr const char *answered_name = "pagerduty-answered";

}  // namespace

Breaker::Breaker(std::string dir)
    : dir_(dir), state_(dir + "/" + state_name), answered_(dir + "/" + answered_name), probe_(dir + "/pagerduty-down.lock")
{
}

std::optional<long long> Breaker::down(long long now) const
{
    auto failed_at = own_time(state_);
    if (!failed_at || *failed_at > now || now - *failed_at >= limits::pagerduty_down_for * micros_per_second)
        return std::nullopt;
    return (now - *failed_at) / micros_per_second;
}

void Breaker::failed(long long began, long long now) const
{
    auto answered_at = own_time(answered_);
    if (answered_at && *answered_at > began && *answered_at <= now) return;
    set_time(dir_, state_name, now);
}

void Breaker::answered(long long now) const
{
    unlink(state_.c_str());
    // Every answer moves the time on, so a request failing later knows
    // whether PagerDuty answered anyone while it waited.
    struct timespec times[2] = {file_time(now), file_time(now)};
    if (utimensat(AT_FDCWD, answered_.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0 || !own_time(answered_))
        set_time(dir_, answered_name, now);
}

Cache::Lock Breaker::try_probe(bool *busy) const
{
    *busy = false;
    int fd = open(probe_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return Cache::Lock();
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        *busy = errno == EWOULDBLOCK;
        close(fd);
        return Cache::Lock();
    }
    return Cache::Lock(fd);
}

bool pagerduty_failed_outright(const HttpReply &reply)
{
    return reply.status == 0 || reply.status == 408 || reply.status >= 500;
}

}  // namespace pdcf
