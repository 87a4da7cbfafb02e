#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "files.hpp"
#include "handler_fixture.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::handler_tests;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(handler)

BOOST_AUTO_TEST_CASE(incoming_call_dials_the_on_call)
{
    Fixture f;
    Response r = f.run(f.post());
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.content_type == "text/xml; charset=utf-8");
    check_golden("dial-one.xml", r.body);
    XmlDoc x(r.body);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("string(/Response/Say)") == "Connecting you to Ada Lovelace.");
    BOOST_TEST(x.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(f.log.outcome == Outcome::dial);
    BOOST_TEST(f.log.route == "ops");
    BOOST_TEST(f.log.call_sid == "CA0001");
    BOOST_TEST(f.log.dialed == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(f.log.pd_requests == 2);
    BOOST_TEST(f.log.pd_ms == 14);
    BOOST_TEST(f.log.total_ms == 14);
    BOOST_TEST(f.log.status == 200);
}

BOOST_AUTO_TEST_CASE(two_on_call_ring_together)
{
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(1, "PU2", "Grace Hopper"), F::entry(2, "PU3", "Cy")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    Response r = f.run(f.post());
    check_golden("dial-two.xml", r.body);
    BOOST_TEST(f.log.dialed == (std::vector<std::string>{"+14155550101", "+14155550102"}));
    BOOST_TEST(f.log.level == 1);
}

BOOST_AUTO_TEST_CASE(pagerduty_failure_dials_the_fallback)
{
    Fixture f;
    f.pd.replies["/oncalls"] = {500, R"({"error":{"message":"Internal Server Error","code":2000}})", ""};
    Response r = f.run(f.post());
    BOOST_TEST(r.status == 200);
    check_golden("fallback.xml", r.body);
    BOOST_TEST(f.log.outcome == Outcome::fallback);
    BOOST_TEST(f.log.dialed == std::vector<std::string>{"+14155550199"});
    BOOST_TEST(f.log.reason == "pagerduty: GET /oncalls: HTTP 500 (Internal Server Error)");
}

BOOST_AUTO_TEST_CASE(no_fallback_says_unavailable_and_hangs_up)
{
    Fixture f;
    f.pd.replies["/schedules/PSDB/users"] = {0, "", "timed out after 3000 ms ([pagerduty] timeout)"};
    Params to_db = incoming;
    to_db[3].value = "+14155550111";
    Response r = f.run(f.post(to_db));
    BOOST_TEST(r.status == 200);
    check_golden("unavailable.xml", r.body);
    BOOST_TEST(f.log.outcome == Outcome::unavailable);
    BOOST_TEST(f.log.dialed.empty());
    BOOST_TEST(contains(f.log.reason, "timed out"));
}

BOOST_AUTO_TEST_CASE(nobody_on_call_is_fallback_too)
{
    Fixture f;
    f.pd.oncalls({});
    f.run(f.post());
    BOOST_TEST(f.log.outcome == Outcome::fallback);
    BOOST_TEST(f.log.reason == "nobody is on call for escalation policy PEP1");
}

BOOST_AUTO_TEST_CASE(never_dials_the_called_number)
{
    Fixture f;
    f.pd.phones("PU1", {F::phone("4155550100")});  // the team's own Twilio number
    f.run(f.post());
    BOOST_TEST(f.log.outcome == Outcome::fallback);
    BOOST_TEST(contains(f.log.reason, "Ada Lovelace's phone is the number of this program's [route:ops]; skipped"),
               f.log.reason);
}

BOOST_AUTO_TEST_CASE(never_dials_another_lines_number)
{
    // Ada's phone is the db line's number: the call would come back to this
    // program on the db line, and could loop between the two.
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(2, "PU2", "Grace Hopper")});
    f.pd.phones("PU1", {F::phone("4155550111")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    XmlDoc x(f.run(f.post()).body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550102"});
    BOOST_TEST(f.log.level == 2);
    BOOST_TEST(contains(f.log.reason, "Ada Lovelace's phone is the number of this program's [route:db]; skipped"),
               f.log.reason);
}

BOOST_AUTO_TEST_CASE(hostile_names_from_pagerduty)
{
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "O'Brien & <Co> </Say><Hangup/>")});
    Response r = f.run(f.post());
    XmlDoc x(r.body);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(x.eval("count(/Response/Hangup)") == "0");
    BOOST_TEST(x.eval("string(/Response/Say)") == "Connecting you to O'Brien & <Co> </Say><Hangup/>.");
}

BOOST_AUTO_TEST_CASE(blocked_caller_is_rejected_unanswered)
{
    Fixture f(ops_with("block_callers = +1415555987\n"));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    Response r = f.run(f.post());
    XmlDoc x(r.body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("count(/Response/*)") == "1");
    BOOST_TEST(x.eval("string(/Response/Reject/@reason)") == "rejected");
    BOOST_TEST(f.log.outcome == Outcome::blocked);
    BOOST_TEST(f.log.reason == "the caller is in block_callers");
    BOOST_TEST(f.pd.requests.empty());
    // Someone else still gets through.
    f.run(f.post(to_number("+14155550100", "+14155550000")));
    BOOST_TEST(f.log.outcome == Outcome::dial);
}

BOOST_AUTO_TEST_CASE(refused_caller_hears_rejected_message_and_raises_no_alert)
{
    Fixture f(ops_with("allow_callers = +44\nrejected_message = The {title} line is private.\n"));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    XmlDoc x(f.run(f.post()).body);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("string(/Response/Say)") == "The Platform line is private.");
    BOOST_TEST(x.eval("count(/Response/Hangup)") == "1");
    BOOST_TEST(x.eval("count(/Response/Dial)") == "0");
    BOOST_TEST(f.log.outcome == Outcome::refused);
    BOOST_TEST(f.log.reason == "the caller is not in allow_callers");
    BOOST_TEST(f.pd.requests.empty());

    // The number's status callback after the hang-up: no missed call.
    Params ended = {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550100"},
                    {"CallStatus", "completed"}, {"CallDuration", "4"}};
    f.run(f.callback(script + "/voice/status", ended));
    BOOST_TEST(f.delivered.empty());
    BOOST_TEST(f.log.outcome == Outcome::ignored);
    // An allowed caller's unanswered call still alerts (once its call's
    // last request has had time to come).
    ended[1].value = "+442071234567";
    ended[0].value = "CA0002";
    f.run(f.callback(script + "/voice/status", ended));
    BOOST_TEST(f.held.size() == 1u);
}

BOOST_AUTO_TEST_CASE(ask_reason_records_the_callers_words_and_the_screen_plays_them_once_ready)
{
    Fixture f(ops_with("ask_reason = yes\n"));
    XmlDoc asked(f.run(f.post()).body);
    BOOST_TEST(f.log.outcome == Outcome::reason);
    BOOST_TEST(f.log.pd_requests == 2);  // asked first: is anyone there to hear it?
    const Params words = {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550100"},
                          {"CallStatus", "in-progress"}, {"RecordingUrl", "https://api.twilio.com/rec/RW1"},
                          {"RecordingDuration", "4"}, {"Digits", ""}};
    XmlDoc first(f.run(f.callback(asked.eval("string(/Response/Record/@action)"), words)).body);
    BOOST_TEST(f.log.outcome == Outcome::dial);
    BOOST_TEST(contains(f.log.reason, "the caller's reason recorded (4 s)"), f.log.reason);
    BOOST_TEST(first.eval("string(/Response/Say)") == "Connecting you to Ada Lovelace.");
    const std::string screen = first.eval("string(/Response/Dial/Number[1]/@url)");
    BOOST_TEST(contains(screen, "&reason=https%3A%2F%2Fapi.twilio.com%2Frec%2FRW1"), screen);
    const Params leg = {{"CallSid", "CA00ada"}, {"ParentCallSid", "CA0001"}, {"From", "+14155550100"},
                        {"To", "+14155550101"}, {"CallStatus", "in-progress"}, {"Direction", "outbound-dial"}};
    // Not ready yet: the whisper says the number, as without it.
    XmlDoc early(f.run(f.callback(screen, leg)).body);
    BOOST_TEST(early.eval("count(/Response/Gather/Play)") == "0");
    BOOST_TEST(f.log.reason == "the caller's reason is not ready to play; the whisper says the number");
    // Twilio says it is ready: now it plays first.
    f.run(f.callback(asked.eval("string(/Response/Record/@recordingStatusCallback)"),
                     {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"}, {"RecordingUrl", "https://api.twilio.com/rec/RW1"},
                      {"RecordingDuration", "4"}}));
    BOOST_TEST(f.marks.count("CA0001.reason-ready") == 1u);
    XmlDoc ready(f.run(f.callback(screen, leg)).body);
    BOOST_TEST(ready.eval("string(/Response/Gather/Play)") == "https://api.twilio.com/rec/RW1");
}

BOOST_AUTO_TEST_CASE(ask_reason_asks_nothing_when_nobody_can_be_dialed_and_a_hang_up_is_a_missed_call)
{
    Fixture f(ops_with("ask_reason = yes\n"));
    f.pd.oncalls({});
    XmlDoc fallback(f.run(f.post()).body);
    BOOST_TEST(f.log.outcome == Outcome::fallback);  // no words for nobody to hear

    Fixture g(ops_with("ask_reason = yes\n"));
    XmlDoc asked(g.run(g.post()).body);
    g.run(g.callback(asked.eval("string(/Response/Record/@action)"),
                     {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550100"},
                      {"CallStatus", "completed"}, {"Digits", "hangup"}, {"RecordingDuration", "1"}}));
    BOOST_TEST(g.log.outcome == Outcome::gone);
    BOOST_TEST_REQUIRE(g.delivered.size() == 1u);
    BOOST_TEST((g.delivered[0].kind == AlertKind::missed));
}

BOOST_AUTO_TEST_CASE(the_callers_words_are_linked_in_the_calls_alert)
{
    Fixture f(testing::set_key(ops_with("ask_reason = yes\n"), "route:ops", "fallback_number", ""));  // to voicemail
    XmlDoc asked(f.run(f.post()).body);
    const Params caller = {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550100"},
                           {"CallStatus", "in-progress"}};
    Params words = caller;
    words.push_back({"RecordingUrl", "https://api.twilio.com/rec/RW1"});
    words.push_back({"RecordingDuration", "4"});
    XmlDoc first(f.run(f.callback(asked.eval("string(/Response/Record/@action)"), words)).body);
    Params no_answer = caller;
    no_answer.push_back({"DialCallStatus", "no-answer"});
    XmlDoc voicemail(f.run(f.callback(first.eval("string(/Response/Dial/@action)"), no_answer)).body);
    f.run(f.callback(voicemail.eval("string(/Response/Record/@recordingStatusCallback)"),
                     {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"}, {"RecordingDuration", "12"},
                      {"RecordingUrl", "https://api.twilio.com/rec/RE1"}}));
    BOOST_TEST_REQUIRE(f.delivered.size() == 1u);
    auto e = nlohmann::json::parse(f.delivered[0].body);
    BOOST_TEST(e["payload"]["custom_details"]["caller_reason"] == "https://api.twilio.com/rec/RW1");
    BOOST_TEST(e["links"].size() == 2u);
    BOOST_TEST(e["links"][1]["href"] == "https://api.twilio.com/rec/RW1");
    BOOST_TEST(e["links"][1]["text"] == "The caller's reason");
}

BOOST_AUTO_TEST_SUITE_END()
