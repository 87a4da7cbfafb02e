// Holding a socket exchange to an absolute deadline.  cpp-httplib's read
// timeout starts again with every byte, and it reads the status line and
// headers without calling back, so a server that trickles one byte at a
// time can stretch a request without end.  A watchdog thread shuts the
// socket down when the deadline passes: whatever the client was waiting
// for (connect, TLS, status line, headers, body) fails at once.
#pragma once

#include <memory>

#include "core/clock.hpp"

namespace pdcf {

class SocketWatchdog {
public:
    SocketWatchdog();
    ~SocketWatchdog();
    SocketWatchdog(const SocketWatchdog &) = delete;
    SocketWatchdog &operator=(const SocketWatchdog &) = delete;

    // Starts a watch that ends at `deadline`.
    void arm(TimePoint deadline);
    // The exchange goes on over socket `fd` (the kept-alive connection, or
    // one just opened): shut down at the deadline, or at once if it passed.
    void watch(int fd);
    // Ends the watch, before the socket can be closed and its number reused;
    // true when the deadline cut the exchange short.
    bool disarm();

private:
    struct State;
    State *state();  // nullptr when no thread can be started
    // A process that fork()ed while a watch was set has no watchdog thread,
    // and its copy of the lock may be held forever: the child leaves the
    // parent's state alone and starts one of its own.
    State *state_ = nullptr;
};

}  // namespace pdcf
