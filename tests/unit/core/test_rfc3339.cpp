#include <boost/test/unit_test.hpp>

#include "core/rfc3339.hpp"

using namespace pdcf;

BOOST_AUTO_TEST_SUITE(rfc3339)

BOOST_AUTO_TEST_CASE(rfc3339_times)
{
    BOOST_TEST(*parse_rfc3339("1970-01-01T00:00:00Z") == 0);
    BOOST_TEST(*parse_rfc3339("2015-03-07T15:28:51-05:00") == 1425760131);
    BOOST_TEST(*parse_rfc3339("2015-03-07T20:28:51Z") == 1425760131);
    BOOST_TEST(*parse_rfc3339("2015-03-07T21:28:51.123+01:00") == 1425760131);
    BOOST_TEST(*parse_rfc3339("2024-02-29T00:00:00Z") == 1709164800);
    for (const char *bad : {"", "2015-03-07", "2015-03-07T15:28:51", "2015-13-07T15:28:51Z", "2015-03-07T15:28:51+5",
                            "yesterday", "2015-03-07T15:28:51Zjunk"})
        BOOST_TEST(!parse_rfc3339(bad), bad);
}

BOOST_AUTO_TEST_CASE(rfc3339_times_written)
{
    BOOST_TEST(format_rfc3339(0) == "1970-01-01T00:00:00Z");
    BOOST_TEST(format_rfc3339(1425760131) == "2015-03-07T20:28:51Z");
    BOOST_TEST(format_rfc3339(1709164800) == "2024-02-29T00:00:00Z");
    BOOST_TEST(format_rfc3339(1'800'000'000) == "2027-01-15T08:00:00Z");
    BOOST_TEST(format_rfc3339(253402300799) == "9999-12-31T23:59:59Z");
    BOOST_TEST(format_rfc3339(-1) == "1969-12-31T23:59:59Z");
    for (long long t = 0; t < 4'200'000'000; t += 86'399 * 37 + 11)
        BOOST_TEST(*parse_rfc3339(format_rfc3339(t)) == t);
}

BOOST_AUTO_TEST_SUITE_END()
