#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "alerts/repeats.hpp"
#include "alerts/spool.hpp"
#include "alerts_support.hpp"
#include "files.hpp"

using namespace pdcf;
using namespace pdcf::alerts_tests;

namespace {

constexpr long window = 1800;
constexpr long long t0 = 1796072040;

std::string first_of(const std::optional<CallerCalls> &c) { return c ? c->first_call : "-"; }
int calls_of(const std::optional<CallerCalls> &c) { return c ? c->calls : 0; }

}  // namespace

BOOST_AUTO_TEST_SUITE(repeats)

BOOST_AUTO_TEST_CASE(calls_within_the_window_count_up_from_the_first)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    const std::string ada = "+14155559876";
    auto one = caller_calls(spool, "ops", ada, "CA1", window, t0, true);
    BOOST_TEST(first_of(one) == "CA1");
    BOOST_TEST(calls_of(one) == 1);
    auto two = caller_calls(spool, "ops", ada, "CA2", window, t0 + 600, true);
    BOOST_TEST(first_of(two) == "CA1");
    BOOST_TEST(calls_of(two) == 2);
    // Twilio sending the same webhook again counts nothing.
    BOOST_TEST(calls_of(caller_calls(spool, "ops", ada, "CA2", window, t0 + 601, true)) == 2);
    // Only looked up: the call's place, and nothing for a call it never saw.
    BOOST_TEST(calls_of(caller_calls(spool, "ops", ada, "CA2", window, t0 + 900, false)) == 2);
    BOOST_TEST(!caller_calls(spool, "ops", ada, "CA9", window, t0 + 900, false));
    BOOST_TEST(calls_of(caller_calls(spool, "ops", ada, "CA3", window, t0 + 1799, true)) == 3);
    // The window is fixed from its first call: then a new one begins.
    auto next = caller_calls(spool, "ops", ada, "CA4", window, t0 + 1800, true);
    BOOST_TEST(first_of(next) == "CA4");
    BOOST_TEST(calls_of(next) == 1);
    BOOST_TEST(!caller_calls(spool, "ops", ada, "CA2", window, t0 + 1801, false));  // gone with its window
}

BOOST_AUTO_TEST_CASE(an_answered_call_ends_the_windows_alert_but_not_its_count)
{
    // Someone spoke with the caller, and the alert is acknowledged: a later
    // voicemail there would notify nobody, so the next call opens its own.
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    const std::string ada = "+14155559876";
    (void)caller_calls(spool, "ops", ada, "CA1", window, t0, true);
    BOOST_TEST(first_of(caller_calls(spool, "ops", ada, "CA2", window, t0 + 60, true)) == "CA1");
    caller_answered(spool, "ops", ada);
    auto three = caller_calls(spool, "ops", ada, "CA3", window, t0 + 120, true);
    BOOST_TEST(first_of(three) == "CA3");
    BOOST_TEST(calls_of(three) == 3);  // caller_limit still counts them all
    BOOST_TEST(first_of(caller_calls(spool, "ops", ada, "CA4", window, t0 + 180, true)) == "CA3");
    // Each call keeps the alert it joined, also looked up after its window.
    BOOST_TEST(first_of(caller_calls(spool, "ops", ada, "CA2", window, t0 + 5000, false)) == "CA1");
    BOOST_TEST(calls_of(caller_calls(spool, "ops", ada, "CA4", window, t0 + 5000, false)) == 4);
    caller_answered(spool, "db", ada);  // no window there: nothing happens
    BOOST_TEST(files(d.path + "/callers").size() == 1u);
}

BOOST_AUTO_TEST_CASE(each_line_and_caller_counts_alone_and_withheld_numbers_share_one)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_TEST(calls_of(caller_calls(spool, "ops", "+14155559876", "CA1", window, t0, true)) == 1);
    BOOST_TEST(calls_of(caller_calls(spool, "db", "+14155559876", "CA2", window, t0, true)) == 1);
    BOOST_TEST(calls_of(caller_calls(spool, "ops", "+14155550000", "CA3", window, t0, true)) == 1);
    BOOST_TEST(calls_of(caller_calls(spool, "ops", "anonymous", "CA4", window, t0, true)) == 1);
    BOOST_TEST(calls_of(caller_calls(spool, "ops", "", "CA5", window, t0, true)) == 2);
    // No phone number in a file name.
    for (const auto &name : files(d.path + "/callers")) BOOST_TEST(name.find("4155") == std::string::npos, name);
    BOOST_TEST(files(d.path + "/callers").size() == 4u);
}

BOOST_AUTO_TEST_CASE(a_file_cut_short_or_not_ours_starts_a_new_window)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    const std::string ada = "+14155559876";
    (void)caller_calls(spool, "ops", ada, "CA1", window, t0, true);
    (void)caller_calls(spool, "ops", ada, "CA2", window, t0, true);
    const auto names = files(d.path + "/callers");
    BOOST_REQUIRE(names.size() == 1u);
    const std::string path = d.path + "/callers/" + names[0];
    for (const char *bad : {"1796072040 2 CA1\nCA1 CA1\nCA2 C", "1796072040 2 CA/1\nCA1 CA1\n",
                            "1796072040 1 CA1\nCA1 CA1\nCA2 CA1\n", "1796072040 2 CA1\nCA1 -\n", ""}) {
        std::ofstream(path, std::ios::trunc) << bad;
        auto next = caller_calls(spool, "ops", ada, "CA3", window, t0 + 1, true);
        BOOST_TEST(first_of(next) == "CA3", bad);
        BOOST_TEST(calls_of(next) == 1, bad);
    }
}

BOOST_AUTO_TEST_CASE(no_window_no_spool_no_count)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_TEST(!caller_calls(spool, "ops", "+14155559876", "CA1", 0, t0, true));
    // A spool that cannot be made (its parent is a file) counts nothing.
    BOOST_REQUIRE(std::system(("touch '" + d.path + "/file'").c_str()) == 0);
    Spool refused(d.path + "/file/spool");
    BOOST_REQUIRE(!refused.prepare());
    BOOST_TEST(!caller_calls(refused, "ops", "+14155559876", "CA1", window, t0, true));
}

BOOST_AUTO_TEST_CASE(processes_counting_at_once_lose_no_call)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    constexpr int children = 8;
    for (int i = 0; i < children; ++i)
        if (fork() == 0) {
            for (int k = 0; k < 5; ++k)
                (void)caller_calls(spool, "ops", "+14155559876", "CA" + std::to_string(i * 10 + k), window, t0, true);
            _exit(0);
        }
    for (int i = 0; i < children; ++i) wait(nullptr);
    BOOST_TEST(calls_of(caller_calls(spool, "ops", "+14155559876", "CA999", window, t0, true)) == children * 5 + 1);
}

BOOST_AUTO_TEST_SUITE_END()
