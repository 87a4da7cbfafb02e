#include <boost/test/unit_test.hpp>

#include <fstream>

#include <csignal>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/counters.hpp"
#include "core/limits.hpp"
#include "core/own_dir.hpp"
#include "files.hpp"

using namespace pdcf;

namespace {

std::uint64_t value(const Counters &c, const std::string &series)
{
    for (const auto &[name, v] : c.snapshot())
        if (name == series) return v;
    return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(counters)

BOOST_AUTO_TEST_CASE(adds_and_shows_by_name)
{
    TempDir d;
    Counters c = Counters::open(d.path + "/metrics");
    BOOST_REQUIRE_MESSAGE(c.usable(), c.problem());
    c.add("a_total{x=\"1\"}");
    c.add("a_total{x=\"1\"}", 4);
    c.add("b_total");
    auto s = c.snapshot();
    BOOST_REQUIRE_EQUAL(s.size(), 2u);
    BOOST_TEST(s[0].first == "a_total{x=\"1\"}");
    BOOST_TEST(s[0].second == 5u);
    BOOST_TEST(s[1].first == "b_total");
    struct stat st{};
    BOOST_REQUIRE(stat((d.path + "/metrics").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0600u);
}

BOOST_AUTO_TEST_CASE(a_second_opening_sees_the_same_counts)
{
    TempDir d;
    Counters a = Counters::open(d.path + "/metrics");
    a.add("x_total", 2);
    Counters b = Counters::open(d.path + "/metrics");
    b.add("x_total", 3);
    BOOST_TEST(value(a, "x_total") == 5u);
    BOOST_TEST(value(b, "x_total") == 5u);
}

BOOST_AUTO_TEST_CASE(processes_adding_at_once_lose_nothing)
{
    TempDir d;
    const std::string path = d.path + "/metrics";
    constexpr int workers = 4, each = 20000;
    std::vector<pid_t> pids;
    for (int w = 0; w < workers; ++w) {
        pid_t pid = fork();
        if (pid == 0) {
            Counters c = Counters::open(path);
            for (int i = 0; i < each; ++i) {
                c.add("shared_total");
                c.add("own_total{w=\"" + std::to_string(w) + "\"}");
                c.add("n_total{i=\"" + std::to_string(i % 50) + "\"}");
            }
            _exit(c.usable() ? 0 : 1);
        }
        pids.push_back(pid);
    }
    for (pid_t pid : pids) {
        int status = 0;
        waitpid(pid, &status, 0);
        BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }
    Counters c = Counters::open(path);
    BOOST_TEST(value(c, "shared_total") == std::uint64_t{workers * each});
    for (int w = 0; w < workers; ++w) BOOST_TEST(value(c, "own_total{w=\"" + std::to_string(w) + "\"}") == std::uint64_t{each});
    std::uint64_t n = 0;
    for (const auto &[name, v] : c.snapshot())
        if (name.rfind("n_total", 0) == 0) n += v;
    BOOST_TEST(n == std::uint64_t{workers * each});
    BOOST_TEST(c.dropped() == 0u);
}

BOOST_AUTO_TEST_CASE(past_the_room_counts_as_dropped)
{
    TempDir d;
    Counters c = Counters::open(d.path + "/metrics");
    for (std::size_t i = 0; i < limits::max_series + 10; ++i) c.add("s_total{i=\"" + std::to_string(i) + "\"}");
    c.add(std::string(limits::max_series_name + 1, 'x'), 7);
    c.add("");
    BOOST_TEST(c.snapshot().size() == limits::max_series);
    BOOST_TEST(c.dropped() == 10u + 7u + 1u);
}

BOOST_AUTO_TEST_CASE(no_room_for_the_file_is_said_at_open_not_a_crash_later)
{
    // A full disk: the file is written out at open, so the mapping never
    // touches a page the disk has no room for (SIGBUS in a call).  Here
    // the room is a file size limit.
    TempDir d;
    pid_t pid = fork();
    if (pid == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small{64 * 1024, 64 * 1024};
        setrlimit(RLIMIT_FSIZE, &small);
        Counters c = Counters::open(d.path + "/metrics");
        c.add("x_total");
        _exit(!c.usable() && c.problem().find("File too large") != std::string::npos ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    // And the next start, with room, makes it whole.
    Counters c = Counters::open(d.path + "/metrics");
    BOOST_TEST(c.usable(), c.problem());
}

BOOST_AUTO_TEST_CASE(a_series_name_that_is_not_one_line_of_text_is_not_shown)
{
    TempDir d;
    Counters c = Counters::open(d.path + "/metrics");
    c.add("a_total");
    c.add("b_total 1\nforged_total");
    BOOST_TEST(c.snapshot().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_file_of_another_layout_is_left_alone)
{
    TempDir d;
    const std::string path = d.path + "/metrics";
    std::ofstream(path) << "not counters";
    Counters c = Counters::open(path);
    BOOST_TEST(!c.usable());
    BOOST_TEST(c.problem().find("remove it") != std::string::npos);
    c.add("x_total");  // counts nothing, and does not fail
    BOOST_TEST(c.snapshot().empty());
}

BOOST_AUTO_TEST_CASE(a_link_is_not_followed)
{
    TempDir d;
    BOOST_REQUIRE(symlink((d.path + "/elsewhere").c_str(), (d.path + "/metrics").c_str()) == 0);
    Counters c = Counters::open(d.path + "/metrics");
    BOOST_TEST(!c.usable());
    struct stat st{};
    BOOST_TEST(stat((d.path + "/elsewhere").c_str(), &st) != 0);
    own_dir_take_notes();
}

BOOST_AUTO_TEST_SUITE_END()
