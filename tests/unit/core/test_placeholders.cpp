#include <boost/test/unit_test.hpp>

#include "core/placeholders.hpp"

using namespace pdcf;

BOOST_AUTO_TEST_SUITE(placeholders)

BOOST_AUTO_TEST_CASE(each_placeholder_is_filled_once_in_one_pass)
{
    BOOST_TEST(fill("Call on the {title} line from {caller}.", {{"{title}", "Platform"}, {"{caller}", "+1415"}}) ==
               "Call on the Platform line from +1415.");
    // A value holding a placeholder stays as it came: a caller's name or
    // a PagerDuty name cannot fill in what it likes.
    BOOST_TEST(fill("{name} / {title}", {{"{name}", "{title}"}, {"{title}", "Platform"}}) == "{title} / Platform");
    // Unknown braces and a placeholder twice.
    BOOST_TEST(fill("{x} {title}{title}", {{"{title}", "T"}}) == "{x} TT");
    BOOST_TEST(fill("", {{"{title}", "T"}}).empty());
}

BOOST_AUTO_TEST_CASE(names_are_joined_and_first_names_taken)
{
    BOOST_TEST(fill_names("{name}; {first_name}", {"Ada Lovelace"}) == "Ada Lovelace; Ada");
    BOOST_TEST(fill_names("{name}", {"Ada Lovelace", "Grace Hopper"}) == "Ada Lovelace and Grace Hopper");
    BOOST_TEST(fill_names("{first_name}", {"Ada Lovelace", "Grace Hopper", "Alan Turing"}) == "Ada, Grace and Alan");
    BOOST_TEST(fill_names("{name}", {"Cher"}) == "Cher");
    Placeholders p = name_placeholders({"Ada Lovelace"});
    BOOST_TEST(p.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
