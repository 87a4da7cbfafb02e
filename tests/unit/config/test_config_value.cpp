#include <boost/test/unit_test.hpp>

#include "config/config_value.hpp"

using namespace pdcf;
using namespace pdcf::ini;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(config_value)

BOOST_AUTO_TEST_CASE(values_are_trimmed_and_unquoted)
{
    BOOST_TEST(trim(" \t a b \r") == "a b");
    BOOST_TEST(unquote(R"(" Platform ")") == " Platform ");
    BOOST_TEST(unquote(R"(")") == R"(")");
    BOOST_TEST(unquote("plain") == "plain");
}

BOOST_AUTO_TEST_CASE(yes_or_no_in_any_spelling_and_case)
{
    for (const char *yes : {"yes", "YES", "true", "On", "1"}) BOOST_TEST(parse_bool(yes).value_or(false), yes);
    for (const char *no : {"no", "False", "off", "0"}) BOOST_TEST(!parse_bool(no).value_or(true), no);
    for (const char *neither : {"", "y", "2", "yes please"}) BOOST_TEST(!parse_bool(neither).has_value(), neither);
}

BOOST_AUTO_TEST_CASE(numbers_and_seconds)
{
    BOOST_TEST(parse_int("0").value_or(-1) == 0);
    BOOST_TEST(parse_int("999999999").value_or(-1) == max_int);
    for (const char *bad : {"", "-1", "+1", "1e3", "1000000000", " 1", "0x10"}) BOOST_TEST(!parse_int(bad), bad);
    BOOST_TEST((parse_seconds("5") == std::optional<std::chrono::milliseconds>(5000ms)));
    BOOST_TEST((parse_seconds("2.5") == std::optional<std::chrono::milliseconds>(2500ms)));
    BOOST_TEST((parse_seconds("0.25") == std::optional<std::chrono::milliseconds>(250ms)));
    for (const char *bad : {"", ".5", "5.", "1.2345", "1,5", "-1"}) BOOST_TEST(!parse_seconds(bad), bad);
}

BOOST_AUTO_TEST_CASE(names_ids_and_control_characters)
{
    BOOST_TEST(is_name("ops-2_a"));
    BOOST_TEST(!is_name(""));
    BOOST_TEST(!is_name("ops 2"));
    BOOST_TEST(is_language("en-US"));
    BOOST_TEST(!is_language("en_US"));
    BOOST_TEST(is_pagerduty_id("PABC123"));
    BOOST_TEST(!is_pagerduty_id("P/../x"));
    BOOST_TEST(has_control("a\nb"));
    BOOST_TEST(has_control(std::string("a\x7f")));
    BOOST_TEST(!has_control("Zoë"));
}

BOOST_AUTO_TEST_CASE(a_placeholder_not_allowed_is_named_with_those_that_are)
{
    BOOST_TEST(bool(check_placeholders("On the {title} line", {"{title}"})));
    auto bad = check_placeholders("Hi {nmae}", {"{name}", "{first_name}", "{title}"});
    BOOST_TEST(!bad);
    BOOST_TEST(bad.error() == "unknown placeholder {nmae} (expected {name}, {first_name} or {title})");
    BOOST_TEST(check_placeholders("{title}", {}).error() ==
               "unknown placeholder {title} (this text takes no placeholders)");
}

BOOST_AUTO_TEST_CASE(urls_https_or_loopback_without_extras)
{
    BOOST_TEST(bool(check_url("https://api.pagerduty.com", true)));
    BOOST_TEST(bool(check_url("http://127.0.0.1:8080/", true)));
    BOOST_TEST(bool(check_url("http://ops.example.com/pd-call-forward", false)));
    BOOST_TEST(check_url("ftp://x", true).error() == "expected a URL starting with https://");
    BOOST_TEST(check_url("https://x/?a=1", true).error() == "expected a URL without query, fragment or spaces");
    BOOST_TEST(check_url("https://u:p@x", true).error() == "expected a URL without user name or password");
    BOOST_TEST(check_url("https://", true).error() == "expected a host name after the scheme");
    BOOST_TEST(!check_url("http://127.0.0.1.nip.io", true));
    BOOST_TEST(strip_trailing_slash("https://x/y//") == "https://x/y");
    BOOST_TEST(strip_trailing_slash("https://") == "https://");
}

BOOST_AUTO_TEST_SUITE_END()
