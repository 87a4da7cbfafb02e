#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts/alert_desk.hpp"
#include "alerts/events.hpp"
#include "alerts/flusher.hpp"
#include "alerts/spool.hpp"
#include "alerts_support.hpp"
#include "core/limits.hpp"
#include "files.hpp"

using namespace pdcf;
using namespace pdcf::alerts_tests;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(alerts)

BOOST_AUTO_TEST_CASE(spool_names_are_safe)
{
    BOOST_TEST(spool_name("CA0123abc") == "CA0123abc");
    BOOST_TEST(spool_name("../../etc/passwd") == "etcpasswd");
    BOOST_TEST(spool_name("") == "unknown");
    BOOST_TEST(spool_name(std::string(limits::max_spool_name, 'a')) == std::string(limits::max_spool_name, 'a'));
    BOOST_TEST(spool_name(std::string(limits::max_spool_name + 1, 'a')) == std::string(limits::max_spool_name, 'a'));
}

BOOST_AUTO_TEST_CASE(depth_counts_each_state_and_ages_from_the_first_write)
{
    TempDir d;
    Spool spool(d.path);
    BOOST_REQUIRE(bool(spool.prepare()));
    BOOST_TEST(spool_files::depth(d.path, std::time(nullptr)).pending == 0u);
    BOOST_TEST(spool_files::depth(d.path, std::time(nullptr)).oldest_age == 0);
    BOOST_REQUIRE(bool(spool.keep(alert("CA1"), 0)));
    BOOST_REQUIRE(bool(spool.keep(alert("CA2", AlertKind::missed), 0)));
    BOOST_REQUIRE(bool(spool.hold(alert("CA3", AlertKind::missed), 30)));
    BOOST_REQUIRE(bool(spool.reject(alert("CA4"))));
    const time_t now = std::time(nullptr);
    auto depth = spool_files::depth(d.path, now + 100);
    BOOST_TEST(depth.pending == 2u);
    BOOST_TEST(depth.held == 1u);
    BOOST_TEST(depth.rejected == 1u);
    BOOST_TEST(depth.oldest_age >= 100);
    BOOST_TEST(depth.oldest_age <= 102);
    // A failed try puts the next one later (the file's mtime); the alert
    // has still waited since it was first spooled, where the file system
    // keeps a birth time (ext4, xfs, btrfs, tmpfs).
    BOOST_REQUIRE(spool_files::set_due(d.path + "/pending/" + spool_files::file_name(alert("CA1")), now + 500));
    BOOST_REQUIRE(spool_files::set_due(d.path + "/pending/" + spool_files::file_name(alert("CA2", AlertKind::missed)), now + 500));
    struct statx stx{};
    if (statx(AT_FDCWD, d.path.c_str(), 0, STATX_BTIME, &stx) == 0 && (stx.stx_mask & STATX_BTIME))
        BOOST_TEST(spool_files::depth(d.path, now + 100).oldest_age >= 100);
    else
        BOOST_TEST(spool_files::depth(d.path, now + 100).oldest_age == 0);
}

BOOST_AUTO_TEST_SUITE_END()
