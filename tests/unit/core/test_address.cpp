#include <boost/test/unit_test.hpp>

#include "core/address.hpp"

using namespace pdcf;

namespace {

std::vector<AddressPrefix> allow(std::initializer_list<const char *> texts)
{
    std::vector<AddressPrefix> out;
    for (const char *t : texts) {
        auto p = address_prefix(t);
        BOOST_REQUIRE_MESSAGE(p, t << ": " << p.error());
        out.push_back(*p);
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(address)

BOOST_AUTO_TEST_CASE(loopback_by_prefix)
{
    auto a = allow({"127.0.0.0/8", "::1"});
    BOOST_TEST(address_allowed(a, "127.0.0.1"));
    BOOST_TEST(address_allowed(a, "127.255.0.9"));
    BOOST_TEST(address_allowed(a, "::1"));
    BOOST_TEST(!address_allowed(a, "128.0.0.1"));
    BOOST_TEST(!address_allowed(a, "10.0.0.1"));
    BOOST_TEST(!address_allowed(a, "::2"));
}

BOOST_AUTO_TEST_CASE(ipv4_seen_as_ipv6_is_the_ipv4_address)
{
    auto a = allow({"10.1.2.0/24"});
    BOOST_TEST(address_allowed(a, "::ffff:10.1.2.7"));
    BOOST_TEST(!address_allowed(a, "::ffff:10.1.3.7"));
}

BOOST_AUTO_TEST_CASE(prefix_bits_inside_a_byte)
{
    auto a = allow({"192.168.0.0/23", "fd00::/7"});
    BOOST_TEST(address_allowed(a, "192.168.1.200"));
    BOOST_TEST(!address_allowed(a, "192.168.2.1"));
    BOOST_TEST(address_allowed(a, "fc12::1"));
    BOOST_TEST(address_allowed(a, "fdff::1"));
    BOOST_TEST(!address_allowed(a, "fe80::1"));
}

BOOST_AUTO_TEST_CASE(one_address_and_everyone)
{
    BOOST_TEST(address_allowed(allow({"10.0.0.5"}), "10.0.0.5"));
    BOOST_TEST(!address_allowed(allow({"10.0.0.5"}), "10.0.0.6"));
    BOOST_TEST(address_allowed(allow({"0.0.0.0/0"}), "203.0.113.9"));
    BOOST_TEST(!address_allowed(allow({"0.0.0.0/0"}), "2001:db8::1"));
    BOOST_TEST(!address_allowed({}, "127.0.0.1"));
}

BOOST_AUTO_TEST_CASE(what_is_not_an_address_is_in_nothing)
{
    auto a = allow({"0.0.0.0/0", "::/0"});
    for (const char *peer : {"", "localhost", "127.1", "fe80::1%eth0", "127.0.0.1:80", "1.2.3.4 "})
        BOOST_TEST(!address_allowed(a, peer), peer);
}

BOOST_AUTO_TEST_CASE(bad_prefixes_say_what_is_expected)
{
    for (const char *bad : {"", "localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/8/8"})
        BOOST_TEST(!address_prefix(bad), bad);
    BOOST_TEST(address_prefix("example").error().find("such as 127.0.0.1, 10.0.0.0/8 or ::1") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
