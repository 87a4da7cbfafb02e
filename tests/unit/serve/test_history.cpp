#include <boost/test/unit_test.hpp>

#include "serve/history.hpp"

using namespace pdcf;

namespace {

LogRecord request(const std::string &sid, const std::string &path, Outcome outcome)
{
    LogRecord log;
    log.call_sid = sid;
    log.path = path;
    log.outcome = outcome;
    log.route = "ops";
    log.from = "+14155559876";
    log.from_twilio = true;
    return log;
}

std::vector<CallSummary> read(const std::vector<std::pair<LogRecord, long long>> &requests, long long since = 0)
{
    HistoryReader r;
    for (const auto &[log, t] : requests) {
        auto record = history_record(log, t);
        BOOST_REQUIRE(record);
        r.add(*record);
    }
    return r.calls(since);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(history)

BOOST_AUTO_TEST_CASE(only_a_calls_signed_requests_are_kept)
{
    BOOST_TEST(history_record(request("CA1", "", Outcome::dial), 1).has_value());
    BOOST_TEST(history_record(request("CA1", "/voice/status", Outcome::ignored), 1).has_value());
    LogRecord unsigned_call = request("CA1", "", Outcome::rejected);
    unsigned_call.from_twilio = false;
    BOOST_TEST(!history_record(unsigned_call, 1));
    BOOST_TEST(!history_record(request("SM1", "/sms", Outcome::forwarded), 1));
    BOOST_TEST(!history_record(request("", "/health", Outcome::ok), 1));
    BOOST_TEST(!history_record(request("", "", Outcome::dial), 1));
}

BOOST_AUTO_TEST_CASE(the_caller_is_masked_before_it_is_written)
{
    auto record = *history_record(request("CA1", "", Outcome::dial), 1);
    BOOST_TEST(record.find("+14155559876") == std::string::npos);
    BOOST_TEST(record.find("9876") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_answered_call_with_its_engineer_leg)
{
    LogRecord leg = request("CAleg", "/voice/screen-result", Outcome::accepted);
    leg.parent_call_sid = "CA1";
    leg.from = "+14155550100";  // the line's own number, on the engineer's leg
    leg.answered_by = "Ada Lovelace";
    leg.alert = "call sent";
    auto calls = read({{request("CA1", "", Outcome::dial), 1000},
                       {leg, 1020},
                       {request("CA1", "/voice/dial-status", Outcome::answered), 1200}});
    BOOST_REQUIRE_EQUAL(calls.size(), 1u);
    const auto &c = calls[0];
    BOOST_TEST(c.call_sid == "CA1");
    BOOST_TEST(c.started == 1000);
    BOOST_TEST(c.seconds == 200);
    BOOST_TEST(c.line == "ops");
    BOOST_TEST(c.from.find("9876") != std::string::npos);
    BOOST_TEST(c.outcome == "answered");
    BOOST_TEST(c.answered_by == "Ada Lovelace");
    BOOST_TEST(c.alert == "call sent");
}

BOOST_AUTO_TEST_CASE(a_call_that_is_itself_a_leg_of_another_is_its_own)
{
    // Another Twilio application forwarded the call here: it has a
    // ParentCallSid, but it is the call this line answered.
    LogRecord forwarded = request("CA7", "", Outcome::dial);
    forwarded.parent_call_sid = "CAelsewhere";
    auto calls = read({{forwarded, 100}});
    BOOST_REQUIRE_EQUAL(calls.size(), 1u);
    BOOST_TEST(calls[0].call_sid == "CA7");
    BOOST_TEST(!calls[0].from.empty());
}

BOOST_AUTO_TEST_CASE(a_message_a_missed_call_and_a_refused_one)
{
    LogRecord recorded = request("CA1", "/voice/recorded", Outcome::recorded);
    recorded.alert = "sent";
    recorded.alert_kind = "voicemail";
    LogRecord gone = request("CA2", "/voice/dial-status", Outcome::gone);
    gone.alert = "held 30 s";
    gone.alert_kind = "missed";
    auto calls = read({{request("CA1", "", Outcome::dial), 100},
                       {request("CA2", "", Outcome::dial), 110},
                       {recorded, 160},
                       {gone, 170},
                       {request("CA3", "", Outcome::refused), 180}});
    BOOST_REQUIRE_EQUAL(calls.size(), 3u);
    // Newest first.
    BOOST_TEST(calls[0].call_sid == "CA3");
    BOOST_TEST(calls[0].outcome == "refused");
    BOOST_TEST(calls[1].call_sid == "CA2");
    BOOST_TEST(calls[1].outcome == "missed");
    BOOST_TEST(calls[1].alert == "missed held 30 s");
    BOOST_TEST(calls[2].outcome == "message left");
    BOOST_TEST(calls[2].alert == "voicemail sent");
}

BOOST_AUTO_TEST_CASE(calls_begun_in_one_second_newest_first)
{
    auto calls = read({{request("CA1", "", Outcome::dial), 100},
                       {request("CA2", "", Outcome::dial), 100},
                       {request("CA1", "/voice/status", Outcome::ignored), 101}});
    BOOST_REQUIRE_EQUAL(calls.size(), 2u);
    BOOST_TEST(calls[0].call_sid == "CA2");
}

BOOST_AUTO_TEST_CASE(since_leaves_out_calls_over_before_it)
{
    auto calls = read({{request("CA1", "", Outcome::dial), 100},
                       {request("CA2", "", Outcome::dial), 500},
                       {request("CA1", "/voice/status", Outcome::ignored), 300}},
                      250);
    BOOST_REQUIRE_EQUAL(calls.size(), 2u);  // CA1 still had a request at 300
    calls = read({{request("CA1", "", Outcome::dial), 100}, {request("CA2", "", Outcome::dial), 500}}, 250);
    BOOST_REQUIRE_EQUAL(calls.size(), 1u);
    BOOST_TEST(calls[0].call_sid == "CA2");
}

BOOST_AUTO_TEST_CASE(lines_that_are_not_records_are_passed_over)
{
    HistoryReader r;
    for (const char *bad : {"", "{", "[]", "{\"t\":\"x\",\"call\":\"CA1\"}", "{\"t\":1}", "{\"t\":1,\"call\":5}",
                            "{\"cut", "\xff\xfe"})
        r.add(bad);
    r.add(R"({"t":5,"call":"CA9","line":"ops","outcome":"dial"})");
    auto calls = r.calls(0);
    BOOST_REQUIRE_EQUAL(calls.size(), 1u);
    BOOST_TEST(calls[0].call_sid == "CA9");
}

BOOST_AUTO_TEST_CASE(a_caller_cannot_make_a_record_of_two_lines)
{
    LogRecord log = request("CA1", "", Outcome::dial);
    log.from = "+1415\n{\"t\":1,\"call\":\"forged\"}";
    log.route = "ops\r\nx";
    auto record = *history_record(log, 1);
    BOOST_TEST(record.find('\n') == std::string::npos);
    BOOST_TEST(record.find('\r') == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
