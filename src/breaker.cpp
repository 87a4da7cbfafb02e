#include "breaker.hpp"

#include <cerrno>
#include <cstdio>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limits.hpp"

namespace pdcf {

Breaker::Breaker(std::string dir) : state_(dir + "/pagerduty-down"), probe_(dir + "/pagerduty-down.lock") {}

std::optional<long long> Breaker::down(long long now) const
{
    struct stat st {};
    if (lstat(state_.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) return std::nullopt;
    const long long failed_at = st.st_mtime;
    if (failed_at > now || now - failed_at >= limits::pagerduty_down_for) return std::nullopt;
    return now - failed_at;
}

void Breaker::failed(long long now) const
{
    // Written aside and renamed, as cache entries are, so that a file left
    // by another user (--check run as root) is replaced, not kept.
    const std::string tmp = state_ + ".tmp." + std::to_string(getpid());
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return;
    // The file's time is the failure's, on the clock that reads it.
    struct timespec times[2] = {{static_cast<time_t>(now), 0}, {static_cast<time_t>(now), 0}};
    bool ok = futimens(fd, times) == 0;
    close(fd);
    if (!ok || rename(tmp.c_str(), state_.c_str()) != 0) unlink(tmp.c_str());
}

void Breaker::answered() const { unlink(state_.c_str()); }

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
