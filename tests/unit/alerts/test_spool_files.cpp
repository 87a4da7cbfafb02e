#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <string>

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

BOOST_AUTO_TEST_SUITE_END()
