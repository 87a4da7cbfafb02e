#include <boost/test/unit_test.hpp>

#include "core/clock.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(clock_)

BOOST_AUTO_TEST_CASE(milliseconds_between_two_points_whole_and_signed)
{
    TimePoint a = TimePoint{} + 1h;
    BOOST_TEST(ms_between(a, a) == 0);
    BOOST_TEST(ms_between(a, a + 1500us) == 1);  // cut, not rounded
    BOOST_TEST(ms_between(a, a + 12s) == 12000);
    BOOST_TEST(ms_between(a + 5ms, a) == -5);
}

BOOST_AUTO_TEST_CASE(a_clock_is_what_the_test_says)
{
    TimePoint now = TimePoint{} + 1h;
    Clock clock = [&] { return now; };
    TimePoint first = clock();
    now += 250ms;
    BOOST_TEST(ms_between(first, clock()) == 250);
}

BOOST_AUTO_TEST_SUITE_END()
