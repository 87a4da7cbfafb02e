#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "handler_fixture.hpp"
#include "serve/serve.hpp"

using namespace pdcf;
using namespace pdcf::handler_tests;

namespace {

std::string read_all(int fd)
{
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR);)
        if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    close(fd);
    return out;
}

struct CgiRun {
    int status = -1;
    std::string out, err;
};

// One CGI run of serve_cgi in a child, as a web server starts it: the
// request in the environment, the answer on stdout, the log on stderr.
CgiRun cgi(const char *method, const char *path_info)
{
    int out[2], err[2];
    BOOST_TEST_REQUIRE(pipe(out) == 0);
    BOOST_TEST_REQUIRE(pipe(err) == 0);
    // What this process has buffered must not come out of the child too.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    pid_t pid = fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        for (int fd : {out[0], out[1], err[0], err[1], null}) close(fd);
        setenv("REQUEST_METHOD", method, 1);
        setenv("PATH_INFO", path_info, 1);
        Fixture f;
        // The answer is out, and stdout closed, before anything else runs.
        f.ctx.after_response = [](bool) {
            return std::string(fcntl(1, F_GETFD) == -1 ? "after: stdout closed\n" : "after: stdout open\n");
        };
        // The record too, once the answer is out, with what the log said.
        f.ctx.record = [](const LogRecord &log) {
            return "record: " + log.path + " " + std::to_string(log.status) +
                   (fcntl(1, F_GETFD) == -1 ? " stdout closed\n" : " stdout open\n");
        };
        _exit(serve_cgi(f.ctx));
    }
    close(out[1]);
    close(err[1]);
    CgiRun r;
    r.out = read_all(out[0]);
    r.err = read_all(err[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(serve)

BOOST_AUTO_TEST_CASE(a_cgi_run_answers_logs_one_line_then_closes_stdout)
{
    CgiRun r = cgi("GET", "/health");
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.out == "Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n\r\nok\n");
    BOOST_TEST(r.err.find("path=/health status=200 outcome=ok") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("after: stdout closed\n") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("pd-call-forward:") < r.err.find("after:"), r.err);
    BOOST_TEST(r.err.find("record: /health 200 stdout closed\n") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(a_cgi_run_with_a_wrong_method_is_answered_too)
{
    CgiRun r = cgi("DELETE", "/voice");
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.out.rfind("Status: 405", 0) == 0u, r.out);
}

BOOST_AUTO_TEST_SUITE_END()
