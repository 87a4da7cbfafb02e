#include <boost/test/unit_test.hpp>

#include "core/form.hpp"
#include "core/limits.hpp"

using namespace pdcf;

BOOST_AUTO_TEST_SUITE(form)

BOOST_AUTO_TEST_CASE(plus_and_percent_escapes)
{
    auto r = form_decode("From=%2B14155550100&CallerName=Ada+Lovelace&X=%e2%82%AC");
    BOOST_REQUIRE(r);
    BOOST_REQUIRE_EQUAL(r->size(), 3u);
    BOOST_TEST((*r)[0].name == "From");
    BOOST_TEST((*r)[0].value == "+14155550100");
    BOOST_TEST((*r)[1].value == "Ada Lovelace");
    BOOST_TEST((*r)[2].value == "\xE2\x82\xAC");
}

BOOST_AUTO_TEST_CASE(escaped_plus_is_a_plus_and_escaped_names)
{
    auto r = form_decode("a%20b=1%2B1");
    BOOST_REQUIRE(r);
    BOOST_TEST((*r)[0].name == "a b");
    BOOST_TEST((*r)[0].value == "1+1");
}

BOOST_AUTO_TEST_CASE(empty_values_and_missing_equals)
{
    auto r = form_decode("ForwardedFrom=&CallerName&To=%2B1");
    BOOST_REQUIRE(r);
    BOOST_REQUIRE_EQUAL(r->size(), 3u);
    BOOST_TEST((*r)[0].value == "");
    BOOST_TEST((*r)[1].name == "CallerName");
    BOOST_TEST((*r)[1].value == "");
    BOOST_TEST(form_value(*r, "To") == "+1");
}

BOOST_AUTO_TEST_CASE(repeated_keys_keep_every_value_in_order)
{
    auto r = form_decode("Digits=5678&Sid=CA1&Digits=1234");
    BOOST_REQUIRE(r);
    BOOST_REQUIRE_EQUAL(r->size(), 3u);
    BOOST_TEST((*r)[0].value == "5678");
    BOOST_TEST((*r)[2].value == "1234");
    BOOST_TEST(*form_get(*r, "Digits") == "5678");
}

BOOST_AUTO_TEST_CASE(empty_segments_are_skipped)
{
    auto r = form_decode("&&a=1&&");
    BOOST_REQUIRE(r);
    BOOST_TEST(r->size() == 1u);
    BOOST_TEST(form_decode("")->empty());
}

BOOST_AUTO_TEST_CASE(bad_escapes_are_rejected)
{
    for (const char *bad : {"a=%", "a=%4", "a=%G1", "a=%4g", "%zz=1", "a=1&b=%%41"}) {
        auto r = form_decode(bad);
        BOOST_TEST(!r, bad);
        BOOST_TEST(r.value_or({}).empty());
    }
    BOOST_TEST(form_decode("a=1&b=%x").error().find("byte 6") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(nul_bytes_survive_decoding)
{
    auto r = form_decode("a=x%00y");
    BOOST_REQUIRE(r);
    BOOST_TEST((*r)[0].value == std::string("x\0y", 3));
}

BOOST_AUTO_TEST_CASE(parameter_count_limit)
{
    std::string at_limit, over;
    for (std::size_t i = 0; i < limits::max_params; ++i) at_limit += "p=1&";
    over = at_limit + "p=1";
    BOOST_TEST(static_cast<bool>(form_decode(at_limit)));
    BOOST_TEST(form_decode(at_limit)->size() == limits::max_params);
    BOOST_TEST(!form_decode(over));
}

BOOST_AUTO_TEST_CASE(parameter_length_limit)
{
    std::string at(limits::max_param_length, 'a');
    BOOST_TEST(static_cast<bool>(form_decode("v=" + at)));
    BOOST_TEST(static_cast<bool>(form_decode(at + "=1")));
    auto over = form_decode("v=" + at + "a");
    BOOST_TEST(!over);
    BOOST_TEST(over.error() == "a parameter at byte 2 is over 16384 bytes");
    // The decoded length counts: %41 is one byte.
    std::string escaped;
    for (std::size_t i = 0; i < limits::max_param_length; ++i) escaped += "%41";
    BOOST_TEST(static_cast<bool>(form_decode("v=" + escaped)));
    BOOST_TEST(!form_decode("v=" + escaped + "%41"));
}

BOOST_AUTO_TEST_SUITE_END()
