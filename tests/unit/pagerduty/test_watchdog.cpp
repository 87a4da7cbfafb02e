#include <boost/test/unit_test.hpp>

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "pagerduty/watchdog.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

namespace {

TimePoint in(std::chrono::milliseconds ms) { return std::chrono::steady_clock::now() + ms; }

// A connected pair of sockets, closed at the end.
struct Pair {
    int fd[2] = {-1, -1};
    Pair() { BOOST_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == 0); }
    ~Pair()
    {
        for (int f : fd)
            if (f >= 0) close(f);
    }
};

// Whether a byte written at one end still arrives at the other.
bool carries(int from, int to)
{
    char c = 'x';
    return write(from, &c, 1) == 1 && read(to, &c, 1) == 1 && c == 'x';
}

}  // namespace

BOOST_AUTO_TEST_SUITE(watchdog)

BOOST_AUTO_TEST_CASE(a_read_that_waits_past_the_deadline_ends_there)
{
    Pair p;
    SocketWatchdog w;
    w.arm(in(50ms));
    w.watch(p.fd[0]);
    char c;
    BOOST_TEST(read(p.fd[0], &c, 1) == 0);  // shut down, not left waiting for the peer
    BOOST_TEST(w.disarm());
}

BOOST_AUTO_TEST_CASE(a_watch_ended_in_time_leaves_the_socket_alone)
{
    Pair p;
    SocketWatchdog w;
    w.arm(in(500ms));
    w.watch(p.fd[0]);
    BOOST_TEST(!w.disarm());
    std::this_thread::sleep_for(600ms);  // past the deadline it had
    BOOST_TEST(carries(p.fd[1], p.fd[0]));
    // And the next watch works as the first did.
    w.arm(in(50ms));
    w.watch(p.fd[0]);
    char c;
    BOOST_TEST(read(p.fd[0], &c, 1) == 0);
    BOOST_TEST(w.disarm());
}

BOOST_AUTO_TEST_CASE(a_socket_opened_after_the_deadline_is_shut_at_once)
{
    Pair p;
    SocketWatchdog w;
    w.arm(in(-1ms));
    std::this_thread::sleep_for(20ms);
    w.watch(p.fd[0]);
    char c;
    BOOST_TEST(read(p.fd[0], &c, 1) == 0);
    BOOST_TEST(w.disarm());
}

BOOST_AUTO_TEST_CASE(the_number_of_a_closed_socket_reused_is_not_shut_down)
{
    // The client closes the socket watched, and the number goes to another
    // file: the deadline must not shut that one down.
    SocketWatchdog w;
    Pair first;
    w.arm(in(50ms));
    w.watch(first.fd[0]);
    const int number = first.fd[0];
    close(first.fd[0]);
    first.fd[0] = -1;
    Pair second;
    BOOST_REQUIRE(second.fd[0] == number || second.fd[1] == number);
    // The socket watched is still open through the watchdog's own
    // descriptor; its peer reads the end of it when the deadline comes.
    char c;
    BOOST_TEST(read(first.fd[1], &c, 1) == 0);
    BOOST_TEST(w.disarm());
    BOOST_TEST(carries(second.fd[1], second.fd[0]));
    BOOST_TEST(carries(second.fd[0], second.fd[1]));
}

BOOST_AUTO_TEST_CASE(a_child_after_fork_has_a_watchdog_of_its_own)
{
    SocketWatchdog w;
    w.arm(in(10000ms));  // the parent's thread waits; the child has none
    pid_t child = fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        alarm(5);  // a watchdog that does not fire leaves the read waiting
        Pair p;
        w.arm(in(50ms));
        w.watch(p.fd[0]);
        char c;
        bool ended = read(p.fd[0], &c, 1) == 0 && w.disarm();
        _exit(ended ? 0 : 1);
    }
    int status = 0;
    BOOST_REQUIRE(waitpid(child, &status, 0) == child);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
    BOOST_TEST(!w.disarm());
}

BOOST_AUTO_TEST_SUITE_END()
