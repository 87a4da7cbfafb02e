#include <boost/test/unit_test.hpp>

#include "core/phone.hpp"

using namespace pdcf;

BOOST_AUTO_TEST_SUITE(phone)

BOOST_AUTO_TEST_CASE(e164_shape)
{
    BOOST_TEST(is_e164("+14155550100"));
    BOOST_TEST(is_e164("+442079460958"));
    BOOST_TEST(is_e164("+123456789012345"));    // 15 digits
    BOOST_TEST(!is_e164("+1234567890123456"));  // 16
    BOOST_TEST(!is_e164("14155550100"));
    BOOST_TEST(!is_e164("+04155550100"));
    BOOST_TEST(!is_e164("+1 415 555 0100"));
    BOOST_TEST(!is_e164("+"));
    BOOST_TEST(!is_e164(""));
}

BOOST_AUTO_TEST_CASE(from_pagerduty_contact_method)
{
    BOOST_TEST(*e164_from_pagerduty(1, "4155550101") == "+14155550101");
    BOOST_TEST(*e164_from_pagerduty(44, "20 7946 0958") == "+442079460958");
    BOOST_TEST(*e164_from_pagerduty(1, "(415) 555-0101") == "+14155550101");
    BOOST_TEST(*e164_from_pagerduty(1, "415.555.0101") == "+14155550101");
    BOOST_TEST(!e164_from_pagerduty(1, ""));
    BOOST_TEST(!e164_from_pagerduty(1, "call me"));
    BOOST_TEST(!e164_from_pagerduty(1, "4155550101 x12"));
    BOOST_TEST(!e164_from_pagerduty(0, "4155550101"));
    BOOST_TEST(!e164_from_pagerduty(2000, "4155550101"));
    BOOST_TEST(!e164_from_pagerduty(-1, "4155550101"));
    BOOST_TEST(!e164_from_pagerduty(1, "41555501011234567"));  // too long for E.164
}

BOOST_AUTO_TEST_CASE(masking_keeps_the_last_four)
{
    BOOST_TEST(mask_number("+14155550101") == "+*******0101");
    BOOST_TEST(mask_number("+123") == "+123");
    BOOST_TEST(mask_number("anonymous") == "anonymous");
    BOOST_TEST(mask_number("client:alice") == "-");
    BOOST_TEST(mask_number("") == "-");
}

BOOST_AUTO_TEST_SUITE_END()
