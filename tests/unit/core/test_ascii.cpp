#include <boost/test/unit_test.hpp>

#include <climits>
#include <string>

#include "core/ascii.hpp"

using namespace pdcf;

BOOST_AUTO_TEST_SUITE(ascii)

BOOST_AUTO_TEST_CASE(lower_case_touches_only_ascii_letters)
{
    BOOST_TEST(ascii_lower("Polly.Joanna-Neural 42") == "polly.joanna-neural 42");
    // UTF-8 bytes stay as they are, whatever the locale would do.
    BOOST_TEST(ascii_lower("ÉCOLE Zoë") == "École zoë");
    BOOST_TEST(ascii_iequal("Anonymous", "aNONYMOUS"));
    BOOST_TEST(!ascii_iequal("Zoë", "ZOË"));
    BOOST_TEST(!ascii_iequal("abc", "abcd"));
}

BOOST_AUTO_TEST_CASE(a_decimal_is_the_whole_text_within_its_bounds)
{
    BOOST_TEST(parse_decimal("0", 0, 10).value() == 0);
    BOOST_TEST(parse_decimal("007", 0, 10).value() == 7);
    BOOST_TEST(parse_decimal("-1", -1, 10).value() == -1);
    BOOST_TEST(parse_decimal("1099511627776", 0, 1LL << 40).value() == 1LL << 40);
    for (const char *bad : {"", " 1", "1 ", "+1", "1.0", "1e3", "0x1", "-", "١"})
        BOOST_TEST(!parse_decimal(bad, -100, 100).has_value(), bad);
    // Out of bounds, a sign where none is wanted, an overflow.
    BOOST_TEST(!parse_decimal("11", 0, 10).has_value());
    BOOST_TEST(!parse_decimal("-2", -1, 10).has_value());
    BOOST_TEST(!parse_decimal("-0", 0, 10).has_value());
    BOOST_TEST(!parse_decimal("99999999999999999999999", 0, LLONG_MAX).has_value());
    BOOST_TEST(is_ascii_digit('7'));
    BOOST_TEST(!is_ascii_digit('a'));
}

BOOST_AUTO_TEST_SUITE_END()
