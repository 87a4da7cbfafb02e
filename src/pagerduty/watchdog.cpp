#include "pagerduty/watchdog.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

namespace pdcf {

struct SocketWatchdog::State {
    const pid_t pid = getpid();
    std::mutex mutex;
    std::condition_variable wake;
    std::optional<TimePoint> deadline;  // set while a watch runs
    // Our own duplicate of the watched socket's descriptor: the client may
    // close its number meanwhile (a kept-alive connection it found dead),
    // and another thread may be given that number for a file of its own.
    // The duplicate keeps the number we shut down pointing at our socket.
    int fd = -1;
    bool fired = false;
    bool stopping = false;
    std::thread thread;

    void run()
    {
        std::unique_lock<std::mutex> lock(mutex);
        while (!stopping) {
            if (!deadline) {
                wake.wait(lock);
            } else if (std::chrono::steady_clock::now() < *deadline) {
                wake.wait_until(lock, *deadline);
            } else {
                fired = true;
                deadline.reset();
                if (fd >= 0) shutdown(fd, SHUT_RDWR);
            }
        }
    }

    void forget_fd()
    {
        if (fd >= 0) close(fd);
        fd = -1;
    }
};

SocketWatchdog::SocketWatchdog() = default;

SocketWatchdog::~SocketWatchdog()
{
    if (!state_ || state_->pid != getpid()) return;  // none, or the parent's (left alone)
    {
        std::lock_guard<std::mutex> lock(state_->mutex);
        state_->stopping = true;
    }
    state_->wake.notify_one();
    state_->thread.join();
    state_->forget_fd();
    delete state_;
}

SocketWatchdog::State *SocketWatchdog::state()
{
    if (state_ && state_->pid != getpid()) state_ = nullptr;  // the parent's, see the header
    if (!state_) {
        auto fresh = std::make_unique<State>();
        try {
            fresh->thread = std::thread([s = fresh.get()] { s->run(); });
        } catch (const std::system_error &) {
            // No thread to be had (a process limit): httplib's own timeouts
            // still bound each wait; the next request tries again.
            return nullptr;
        }
        state_ = fresh.release();
    }
    return state_;
}

void SocketWatchdog::arm(TimePoint deadline)
{
    State *s = state();
    if (!s) return;
    {
        std::lock_guard<std::mutex> lock(s->mutex);
        s->forget_fd();
        s->fired = false;
        s->deadline = deadline;
    }
    s->wake.notify_one();
}

void SocketWatchdog::watch(int fd)
{
    State *s = state();
    if (!s) return;
    std::lock_guard<std::mutex> lock(s->mutex);
    s->forget_fd();
    s->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (s->fired && s->fd >= 0) shutdown(s->fd, SHUT_RDWR);
}

bool SocketWatchdog::disarm()
{
    State *s = state();
    if (!s) return false;
    std::lock_guard<std::mutex> lock(s->mutex);
    s->deadline.reset();
    s->forget_fd();
    bool fired = s->fired;
    s->fired = false;
    return fired;
}

}  // namespace pdcf
