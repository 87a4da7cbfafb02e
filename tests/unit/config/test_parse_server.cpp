#include <boost/test/unit_test.hpp>

#include "config_support.hpp"
#include "core/address.hpp"
#include "core/limits.hpp"

using namespace pdcf;
using namespace pdcf::config_tests;

BOOST_AUTO_TEST_SUITE(parse_server)

BOOST_AUTO_TEST_CASE(defaults_loopback_and_four_megabytes)
{
    auto r = parse(base);
    BOOST_REQUIRE(r.ok());
    const auto &allow = r.config.server.metrics_allow;
    BOOST_TEST(address_allowed(allow, "127.0.0.1"));
    BOOST_TEST(address_allowed(allow, "::1"));
    BOOST_TEST(!address_allowed(allow, "10.0.0.1"));
    BOOST_TEST(r.config.server.history_max == 4u * 1024 * 1024);
}

BOOST_AUTO_TEST_CASE(metrics_allow_takes_addresses_and_prefixes)
{
    auto r = parse(base + "[server]\nmetrics_allow = 10.0.0.0/8, 192.0.2.7 ,fd00::/8\n");
    BOOST_REQUIRE(r.ok());
    const auto &allow = r.config.server.metrics_allow;
    BOOST_TEST(allow.size() == 3u);
    BOOST_TEST(address_allowed(allow, "10.9.8.7"));
    BOOST_TEST(address_allowed(allow, "192.0.2.7"));
    BOOST_TEST(address_allowed(allow, "fd00::5"));
    BOOST_TEST(!address_allowed(allow, "127.0.0.1"));  // set: loopback is no longer implied
}

BOOST_AUTO_TEST_CASE(an_empty_metrics_allow_allows_nobody)
{
    auto r = parse(base + "[server]\nmetrics_allow =\n");
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r.config.server.metrics_allow.empty());
}

BOOST_AUTO_TEST_CASE(bad_values_say_what_is_expected)
{
    auto e = only_error(parse(base + "[server]\nmetrics_allow = 10.0.0.0/8, localhost\n"));
    BOOST_TEST(contains(e, ":10: [server] metrics_allow: expected an IPv4 or IPv6 address"), e);
    BOOST_TEST(contains(e, "\"localhost\""), e);
    e = only_error(parse(base + "[server]\nhistory_max = 1K\n"));
    BOOST_TEST(contains(e, "[server] history_max: expected bytes from 64K to 1G, such as 4M or 512K"), e);
    only_error(parse(base + "[server]\nhistory_max = 2G\n"));
    only_error(parse(base + "[server]\nhistory_max = lots\n"));
    e = only_error(parse(base + "[server]\nmetrics = yes\n"));
    BOOST_TEST(contains(e, "unknown key (expected metrics_allow or history_max)"), e);
}

BOOST_AUTO_TEST_CASE(history_max_in_bytes_or_units)
{
    BOOST_TEST(parse(base + "[server]\nhistory_max = 512K\n").config.server.history_max == 512u * 1024);
    BOOST_TEST(parse(base + "[server]\nhistory_max = 16M\n").config.server.history_max == 16u * 1024 * 1024);
    BOOST_TEST(parse(base + "[server]\nhistory_max = 1G\n").config.server.history_max == limits::max_history);
    BOOST_TEST(parse(base + "[server]\nhistory_max = 65536\n").config.server.history_max == limits::min_history);
}

BOOST_AUTO_TEST_SUITE_END()
