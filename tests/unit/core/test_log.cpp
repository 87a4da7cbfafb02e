#include <boost/test/unit_test.hpp>

#include "core/log.hpp"

using namespace pdcf;

BOOST_AUTO_TEST_SUITE(logline)

BOOST_AUTO_TEST_CASE(logfmt_values)
{
    BOOST_TEST(logfmt_value("dial") == "dial");
    BOOST_TEST(logfmt_value("") == "\"\"");
    BOOST_TEST(logfmt_value("two words") == "\"two words\"");
    BOOST_TEST(logfmt_value("a=b") == "\"a=b\"");
    BOOST_TEST(logfmt_value("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
    BOOST_TEST(logfmt_value("x\ny\r\tz") == "\"x\\ny\\r\\tz\"");
    BOOST_TEST(logfmt_value(std::string("\0\x1b\xff", 3)) == "\"\\x00\\x1b\\xff\"");
}

BOOST_AUTO_TEST_CASE(line_masks_numbers_and_stays_one_line)
{
    LogRecord r;
    r.method = "POST";
    r.path = "/voice";
    r.status = 200;
    r.outcome = Outcome::dial;
    r.call_sid = "CA123";
    r.route = "ops";
    r.from = "+14155559876";
    r.to = "+14155550100";
    r.dialed = {"+14155550101", "+442079460958"};
    r.level = 1;
    r.pd_requests = 3;
    r.pd_ms = 42;
    r.total_ms = 45;
    r.reason = "evil\nsecond line";
    std::string line = r.line();
    BOOST_TEST(line ==
               "pd-call-forward: method=POST path=/voice status=200 outcome=dial call_sid=CA123 route=ops "
               "from=+*******9876 to=+14155550100 dialed=+*******0101,+********0958 level=1 pd_requests=3 "
               "pd_ms=42 ms=45 reason=\"evil\\nsecond line\"");
    BOOST_TEST(line.find('\n') == std::string::npos);
    BOOST_TEST(line.find("5559876") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(pagerduty_fields_only_when_asked)
{
    LogRecord r;
    r.path = "/health";
    r.status = 200;
    r.outcome = Outcome::ok;
    BOOST_TEST(r.line() == "pd-call-forward: path=/health status=200 outcome=ok ms=0");
}

BOOST_AUTO_TEST_SUITE_END()
