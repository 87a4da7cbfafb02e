#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

#include <sys/stat.h>

#include "base_config.hpp"
#include "config/config.hpp"
#include "config_support.hpp"
#include "core/limits.hpp"

using namespace pdcf;
using namespace pdcf::config_tests;

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(unknown_sections_and_keys_name_the_line)
{
    auto r = parse(base + "[callz]\nvoice = man\n", "/x.ini");
    BOOST_TEST(only_error(r) == "/x.ini:9: [callz]: unknown section (expected [pagerduty], [twilio], [call], [server], [route:NAME] or [menu:NAME])");
    r = parse(base + "[call]\ngreting = hi\n", "/x.ini");
    BOOST_TEST(contains(only_error(r), "/x.ini:10: [call] greting: unknown key"));
    r = parse("tokn = x\n" + base, "/x.ini");
    BOOST_TEST(contains(only_error(r), "/x.ini:1: tokn: key outside any section"));
    r = parse(base + "fallback = 1\n", "/x.ini");
    BOOST_TEST(contains(only_error(r), "/x.ini:9: [route:ops] fallback: unknown key"));
}

BOOST_AUTO_TEST_CASE(syntax_errors_name_the_line)
{
    auto e = only_error(parse(base + "this line has no equals sign\n", "/x.ini"));
    BOOST_TEST(contains(e, "/x.ini:9: "), e);
    e = only_error(parse(base + "number = +14155550101\n", "/x.ini"));
    BOOST_TEST(contains(e, "/x.ini:9: duplicate key"), e);
}

BOOST_AUTO_TEST_SUITE_END()
