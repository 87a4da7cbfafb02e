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

BOOST_AUTO_TEST_CASE(marks_and_alert_kinds_never_share_a_name)
{
    // Both are claims of a call in the spool: a mark named as an alert
    // kind would stop that alert from ever being sent.
    std::set<std::string> names;
    for (CallMark m : {CallMark::answered, CallMark::recorded, CallMark::refused})
        BOOST_TEST(names.insert(to_string(m)).second, to_string(m));
    for (AlertKind k : {AlertKind::voicemail, AlertKind::missed, AlertKind::text})
        BOOST_TEST(names.insert(to_string(k)).second, to_string(k));
}

BOOST_AUTO_TEST_SUITE_END()
