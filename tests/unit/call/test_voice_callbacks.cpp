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

BOOST_AUTO_TEST_CASE(a_whole_hunt_through_the_callbacks)
{
    Fixture f;
    // Requests on the caller's leg carry its From and To, as Twilio's do.
    auto caller_leg = [](Params p) {
        p.push_back({"From", "+14155559876"});
        p.push_back({"To", "+14155550100"});
        return p;
    };
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(2, "PU2", "Grace Hopper")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    Response r = f.run(f.post());
    XmlDoc first(r.body);
    std::string action = first.eval("string(/Response/Dial/@action)");
    BOOST_TEST(f.log.dialed == std::vector<std::string>{"+14155550101"});

    // The screen on Ada's leg, then she declines.
    std::string screen_url = first.eval("string(/Response/Dial/Number/@url)");
    r = f.run(f.callback(screen_url, {{"CallSid", "CA-child"}, {"From", "+14155559876"}, {"To", "+14155550101"}}));
    BOOST_TEST(f.log.outcome == Outcome::screen);
    BOOST_TEST(XmlDoc(r.body).eval("string(/Response/Gather/Say)") ==
               "Call on the Platform line from 1 4 1 5 5 5 5 9 8 7 6. Press 1 to accept, or 2 to pass it on.");

    // Level 1 did not answer: level 2.
    f.pd.requests.clear();
    r = f.run(f.callback(action, caller_leg({{"CallSid", "CA0001"}, {"CallStatus", "in-progress"}, {"DialCallStatus", "no-answer"}})));
    BOOST_TEST(f.log.outcome == Outcome::dial);
    BOOST_TEST(f.log.level == 2);
    BOOST_TEST(f.log.dialed == std::vector<std::string>{"+14155550102"});
    BOOST_TEST(f.log.reason == "dial no-answer");
    std::string action2 = XmlDoc(r.body).eval("string(/Response/Dial/@action)");

    // Level 2 picked up but declined the screen: the fallback, then voicemail.
    r = f.run(f.callback(action2, caller_leg({{"CallSid", "CA0001"}, {"CallStatus", "in-progress"},
                                   {"DialCallStatus", "completed"}, {"DialBridged", "false"}})));
    BOOST_TEST(f.log.outcome == Outcome::fallback);
    std::string action3 = XmlDoc(r.body).eval("string(/Response/Dial/@action)");
    f.pd.requests.clear();
    r = f.run(f.callback(action3, caller_leg({{"CallSid", "CA0001"}, {"CallStatus", "in-progress"}, {"DialCallStatus", "busy"}})));
    BOOST_TEST(f.log.outcome == Outcome::voicemail);
    BOOST_TEST(f.pd.requests.empty());  // after the fallback PagerDuty is not asked again
    XmlDoc vm(r.body);
    std::string recorded = vm.eval("string(/Response/Record/@action)");
    std::string ready = vm.eval("string(/Response/Record/@recordingStatusCallback)");

    r = f.run(f.callback(recorded, caller_leg({{"CallSid", "CA0001"}, {"RecordingUrl", "https://api.twilio.com/r/RE1"},
                                    {"RecordingDuration", "21"}, {"Digits", "hangup"}})));
    BOOST_TEST(f.log.outcome == Outcome::recorded);
    BOOST_TEST(f.marks.count("CA0001.recorded") == 1u);
    BOOST_TEST(f.delivered.empty());

    r = f.run(f.callback(ready, {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"},
                                 {"RecordingUrl", "https://api.twilio.com/r/RE1"}, {"RecordingDuration", "21"}}));
    BOOST_TEST(f.log.outcome == Outcome::alert);
    BOOST_TEST(f.log.alert == "sent");
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    auto e = nlohmann::json::parse(f.delivered[0].body);
    BOOST_TEST(e["payload"]["summary"] == "Voicemail on Platform line from +14155559876 (21 s)");
    BOOST_TEST(e["payload"]["custom_details"]["tried"] == nlohmann::json::array({"Ada Lovelace", "Grace Hopper"}));
}

BOOST_AUTO_TEST_CASE(a_voicemail_picking_up_first_does_not_end_the_level)
{
    // Ada's phone is off and her carrier's voicemail picks up at once:
    // Twilio hangs up Grace's phone, runs the screen on Ada's leg, and the
    // <Dial> ends completed, never bridged.  Grace must still be rung.
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(1, "PU2", "Grace Hopper"), F::entry(2, "PU3", "Cy")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    f.pd.phones("PU3", {F::phone("4155550103")});
    XmlDoc first(f.run(f.post()).body);
    std::string action = first.eval("string(/Response/Dial/@action)");
    std::string screen = first.eval("string(/Response/Dial/Number[1]/@url)");
    Params ada_leg = {{"CallSid", "CA00ada"}, {"ParentCallSid", "CA0001"}, {"From", "+14155550100"},
                      {"To", "+14155550101"}, {"CallStatus", "in-progress"}, {"Direction", "outbound-dial"}};
    XmlDoc whisper(f.run(f.callback(screen, ada_leg)).body);
    BOOST_TEST(f.log.outcome == Outcome::screen);
    std::string result = whisper.eval("string(/Response/Gather/@action)");
    Params no_key = ada_leg;
    no_key.push_back({"Digits", ""});
    f.run(f.callback(result, no_key));
    BOOST_TEST(f.log.outcome == Outcome::declined);

    BOOST_TEST(f.marks.count("CA0001.answered") == 0u);  // declined: not answered
    XmlDoc next(f.run(f.callback(action, {{"CallSid", "CA0001"}, {"CallStatus", "in-progress"},
                                          {"DialCallStatus", "completed"}, {"DialBridged", "false"}}))
                    .body);
    BOOST_TEST(next.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550102"});
    BOOST_TEST(f.log.level == 1);
    BOOST_TEST(contains(f.log.reason, "declined (Ada Lovelace); ringing the rest of the level again"), f.log.reason);

    // Grace's voicemail declines too: nobody is left at level 1, level 2 rings.
    Params grace_leg = ada_leg;
    grace_leg[0].value = "CA00grace";
    grace_leg[3].value = "+14155550102";
    f.run(f.callback(next.eval("string(/Response/Dial/Number[1]/@url)"), grace_leg));
    XmlDoc after(f.run(f.callback(next.eval("string(/Response/Dial/@action)"),
                                  {{"CallSid", "CA0001"}, {"CallStatus", "in-progress"}, {"DialCallStatus", "completed"},
                                   {"DialBridged", "false"}}))
                     .body);
    BOOST_TEST(after.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550103"});
    BOOST_TEST(f.log.level == 2);
}

BOOST_AUTO_TEST_CASE(an_engineer_pressing_2_passes_the_call_on_at_once)
{
    // Ada and Grace ring together; Ada picks up first and presses 2: the
    // <Dial> ends at once, Grace rings again without Ada, and the names
    // tried say that Ada passed it on.
    Fixture f;
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(1, "PU2", "Grace Hopper")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    XmlDoc first(f.run(f.post()).body);
    Params ada_leg = {{"CallSid", "CA00ada"}, {"ParentCallSid", "CA0001"}, {"From", "+14155550100"},
                      {"To", "+14155550101"}, {"CallStatus", "in-progress"}, {"Direction", "outbound-dial"}};
    XmlDoc whisper(f.run(f.callback(first.eval("string(/Response/Dial/Number[1]/@url)"), ada_leg)).body);
    BOOST_TEST(whisper.eval("string(/Response/Gather/Say)") ==
               "Call on the Platform line from 1 4 1 5 5 5 5 9 8 7 6. Press 1 to accept, or 2 to pass it on.");
    Params two = ada_leg;
    two.push_back({"Digits", "2"});
    XmlDoc passed(f.run(f.callback(whisper.eval("string(/Response/Gather/@action)"), two)).body);
    BOOST_TEST(f.log.outcome == Outcome::passed);
    BOOST_TEST(passed.eval("count(/Response/Hangup)") == "1");
    BOOST_TEST(f.marks.count("CA0001.passed-1-1-14155550101") == 1u);
    BOOST_TEST(f.marks.count("CA0001.answered") == 0u);

    XmlDoc next(f.run(f.callback(first.eval("string(/Response/Dial/@action)"),
                                 {{"CallSid", "CA0001"}, {"CallStatus", "in-progress"}, {"DialCallStatus", "completed"},
                                  {"DialBridged", "false"}}))
                    .body);
    BOOST_TEST(next.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550102"});
    BOOST_TEST(contains(f.log.reason, "Ada Lovelace passed the call on; "), f.log.reason);
    std::string action = next.eval("string(/Response/Dial/@action)");
    BOOST_TEST(contains(action, "tried=Ada%20Lovelace%20%28passed%29&tried=Grace%20Hopper"), action);

    // Grace does not answer either: on to fallback_number, and the names
    // tried, which the call's alerts carry, still say who passed.
    XmlDoc fallback(f.run(f.callback(action, {{"CallSid", "CA0001"}, {"CallStatus", "in-progress"},
                                              {"DialCallStatus", "no-answer"}}))
                        .body);
    BOOST_TEST(fallback.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550199"});
    action = fallback.eval("string(/Response/Dial/@action)");
    BOOST_TEST(contains(action, "tried=Ada%20Lovelace%20%28passed%29"), action);
}

BOOST_AUTO_TEST_CASE(an_engineer_pressing_1_marks_the_call_answered)
{
    // Even if no <Dial> action came after the bridged call ended, the
    // status callback's missed-call alert is dropped.
    Fixture f;
    XmlDoc first(f.run(f.post()).body);
    std::string screen = first.eval("string(/Response/Dial/Number[1]/@url)");
    Params leg = {{"CallSid", "CA00ada"}, {"ParentCallSid", "CA0001"}, {"From", "+14155550100"},
                  {"To", "+14155550101"}, {"CallStatus", "in-progress"}, {"Direction", "outbound-dial"}};
    XmlDoc whisper(f.run(f.callback(screen, leg)).body);
    Params pressed = leg;
    pressed.push_back({"Digits", "1"});
    f.run(f.callback(whisper.eval("string(/Response/Gather/@action)"), pressed));
    BOOST_TEST(f.log.outcome == Outcome::accepted);
    BOOST_TEST(f.marks.count("CA0001.answered") == 1u);
}

BOOST_AUTO_TEST_CASE(answered_is_marked_and_a_hang_up_mid_hunt_alerts)
{
    Fixture f;
    std::string action = XmlDoc(f.run(f.post()).body).eval("string(/Response/Dial/@action)");
    f.run(f.callback(action, {{"CallSid", "CA0001"}, {"CallStatus", "completed"}, {"DialCallStatus", "completed"},
                              {"DialBridged", "true"}}));
    BOOST_TEST(f.log.outcome == Outcome::answered);
    BOOST_TEST(f.marks.count("CA0001.answered") == 1u);
    BOOST_TEST(f.delivered.empty());

    Fixture g;
    action = XmlDoc(g.run(g.post()).body).eval("string(/Response/Dial/@action)");
    g.run(g.callback(action, {{"CallSid", "CA0001"}, {"CallStatus", "completed"}, {"DialCallStatus", "no-answer"}}));
    BOOST_TEST(g.log.outcome == Outcome::gone);
    BOOST_REQUIRE_EQUAL(g.delivered.size(), 1u);
    BOOST_TEST((g.delivered[0].kind == AlertKind::missed));
}

BOOST_AUTO_TEST_CASE(hostile_input_in_every_callback)
{
    // The hunt's callbacks echo their state (route, caller, names already
    // tried) from the query string into new URLs, <Say> text and alerts,
    // and PagerDuty's names and labels reach <Say> and the log.  Every
    // callback, signed as Twilio signs it, gets the hostile text in every
    // field: once everywhere, once only where free text belongs (so the
    // call goes on to dial, screen, record and alert).
    const std::string evil = std::string("a\r\nSet-Cookie: x=1\r\n\r\n<b>&\"'\0\xff\xc3", 32) + "</Say><Hangup/>";
    // The same, as PagerDuty's JSON carries it (valid UTF-8 only).
    const std::string pd_evil = R"(Eve\r\nSet-Cookie: x=1\r\n\r\n<b>&\"'\u0000</Say><Hangup/>)";
    const std::string e = encode({{"x", evil}}).substr(2);
    const std::string state = "&from=%2B14155559876&to=%2B14155550100&t=4990&loop=1&level=1&index=0&fb=0&tried=" + e +
                              "&tried=" + e + "&" + e + "=" + e;
    Params everywhere, free_text;
    for (const char *name : {"CallSid", "From", "To", "Caller", "Called", "CallerName", "CallStatus", "Direction",
                             "DialCallStatus", "DialCallSid", "DialCallDuration", "Digits", "RecordingUrl",
                             "RecordingSid", "RecordingDuration", "RecordingStatus", "TranscriptionText",
                             "TranscriptionStatus", "AnsweredBy", "CallDuration"})
        everywhere.push_back({name, evil});
    free_text = {{"CallSid", "CA" + evil}, {"From", "+14155559876"}, {"To", "+14155550100"}, {"CallerName", evil},
                 {"CallStatus", "completed"}, {"DialCallStatus", "no-answer"}, {"Digits", "1"},
                 {"RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/" + e},
                 {"RecordingSid", evil}, {"RecordingDuration", "12"}, {"RecordingStatus", "completed"},
                 {"TranscriptionText", evil}, {"TranscriptionStatus", "completed"}, {"CallDuration", "40"}};
    int dialed = 0, alerts = 0;
    for (const Params *p : {&everywhere, &free_text}) {
        for (const char *path : {"/voice", "/voice/dial-status", "/voice/screen", "/voice/screen-result",
                                 "/voice/recorded", "/voice/recording", "/voice/transcription", "/voice/status"}) {
            for (const std::string &route : {std::string("ops"), std::string("db"), e}) {
                Fixture f;
                f.pd.oncalls({F::entry(1, "PU1", pd_evil), F::entry(2, "PU2", pd_evil)});
                f.pd.phones("PU1", {F::phone("4155550101", pd_evil)});
                f.pd.phones("PU2", {F::phone("4155550102", pd_evil)});
                std::string query = "route=" + route + (std::string(path) == "/voice" ? "" : state);
                Response resp =
                    f.run(f.callback("http://example.com/pd-call-forward" + std::string(path) + "?" + query, *p));
                std::string what = std::string(path) + " route=" + route.substr(0, 8) + ": " + f.log.line();
                BOOST_TEST(resp.status == 200, what);
                BOOST_TEST(foreign_headers(response_cgi(resp)).empty(), what);
                if (resp.content_type.rfind("text/xml", 0) == 0) {
                    XmlDoc x(resp.body);
                    BOOST_TEST(x.ok(), what << ": " << x.error());
                    BOOST_TEST(x.eval("count(//Say/*)") == "0", what);
                    BOOST_TEST(x.eval("count(//Hangup)") == (contains(resp.body, "<Hangup/>") ? "1" : "0"), what);
                    dialed += x.eval("count(//Dial/Number)") != "0";
                }
                BOOST_TEST(f.log.line().find_first_of(std::string("\r\n\0", 3)) == std::string::npos, what);
                for (const Alert &a : f.delivered) {
                    BOOST_TEST(!nlohmann::json::parse(a.body, nullptr, false).is_discarded(), what);
                    BOOST_TEST(a.call_sid.size() <= limits::max_dedup_key, what);
                    ++alerts;
                }
            }
        }
    }
    // The hostile names went all the way: someone was dialed and alerts were raised.
    BOOST_TEST(dialed > 0);
    BOOST_TEST(alerts > 0);
}

BOOST_AUTO_TEST_SUITE_END()
