#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "call/flow.hpp"
#include "call/hunt.hpp"
#include "core/limits.hpp"
#include "files.hpp"
#include "flow_support.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::flow_tests;

BOOST_AUTO_TEST_SUITE(flow)

BOOST_AUTO_TEST_CASE(incoming_dials_level_one_together_with_screening)
{
    FlowResult r = flow_incoming(route(), urls, start(), three_levels());
    check_golden("flow-incoming.xml", r.twiml);
    XmlDoc x(r.twiml);
    BOOST_REQUIRE_MESSAGE(x.ok(), x.error());
    BOOST_TEST(r.outcome == Outcome::dial);
    BOOST_TEST(r.level == 1);
    BOOST_TEST(r.dialed == (std::vector<std::string>{"+14155550101", "+14155550104"}));
    BOOST_TEST(x.eval("string(/Response/Say)") == "Connecting you to Ada Lovelace and Alan Turing.");
    BOOST_TEST(x.eval("count(/Response/Dial/Number[@url])") == "2");
    CallState after = state_in(x.eval("string(/Response/Dial/@action)"));
    BOOST_TEST(after.level == 1);
    BOOST_TEST(after.loop == 1);
    BOOST_TEST(after.from == "+14155559876");
    BOOST_TEST(after.started == 1000);
    BOOST_TEST(after.tried == (std::vector<std::string>{"Ada Lovelace", "Alan Turing"}));
    BOOST_TEST(x.eval("string(/Response/Dial/@action)").rfind(
                   "https://ops.example.com/pd-call-forward/voice/dial-status?", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(incoming_in_turn_dials_one)
{
    FlowResult r = flow_incoming(route(Ring::in_turn), urls, start(), three_levels());
    BOOST_TEST(r.dialed == std::vector<std::string>{"+14155550101"});
    XmlDoc x(r.twiml);
    CallState after = state_in(x.eval("string(/Response/Dial/@action)"));
    BOOST_TEST(after.index == 0);
}

BOOST_AUTO_TEST_CASE(without_screening_no_whisper)
{
    Route r = route();
    r.call.screening = false;
    XmlDoc x(flow_incoming(r, urls, start(), three_levels()).twiml);
    BOOST_TEST(x.eval("count(//Number[@url])") == "0");
}

BOOST_AUTO_TEST_CASE(nobody_on_call_goes_to_voicemail)
{
    Snapshot none;
    none.problem = "nobody is on call for escalation policy PEP1";
    FlowResult r = flow_incoming(route(), urls, start(), none);
    check_golden("flow-voicemail.xml", r.twiml);
    BOOST_TEST(r.outcome == Outcome::voicemail);
    BOOST_TEST(r.reason == "nobody is on call for escalation policy PEP1");
    XmlDoc x(r.twiml);
    BOOST_TEST(x.eval("string(/Response/Record/@maxLength)") == "120");
    BOOST_TEST(x.eval("string(/Response/Record/@playBeep)") == "true");
    BOOST_TEST(x.eval("count(/Response/Record/@transcribe)") == "0");
    BOOST_TEST(x.eval("string(/Response/Record/@action)").find("/voice/recorded?") != std::string::npos);
    BOOST_TEST(x.eval("string(/Response/Record/@recordingStatusCallback)").find("/voice/recording?") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(voicemail_with_transcription_and_length)
{
    Route r = route();
    r.call.transcribe = true;
    r.call.voicemail_max_length = 300;
    XmlDoc x(flow_incoming(r, urls, start(), Snapshot{}).twiml);
    BOOST_TEST(x.eval("string(/Response/Record/@maxLength)") == "300");
    BOOST_TEST(x.eval("string(/Response/Record/@transcribe)") == "true");
    BOOST_TEST(x.eval("string(/Response/Record/@transcribeCallback)").find("/voice/transcription?") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pagerduty_down_rings_the_fallback_then_voicemail)
{
    Snapshot down;
    down.oncalls_failed = true;
    down.problem = "GET /oncalls: HTTP 500";
    FlowResult r = flow_incoming(route(Ring::together, "+14155550199"), urls, start(), down);
    BOOST_TEST(r.outcome == Outcome::fallback);
    BOOST_TEST(r.reason == "pagerduty: GET /oncalls: HTTP 500");
    BOOST_TEST(r.dialed == std::vector<std::string>{"+14155550199"});
    XmlDoc x(r.twiml);
    CallState after = state_in(x.eval("string(/Response/Dial/@action)"));
    BOOST_TEST(after.fallback);
    FlowResult next = flow_next(route(Ring::together, "+14155550199"), urls, after, Snapshot{}, 1);
    BOOST_TEST(next.outcome == Outcome::voicemail);
}

BOOST_AUTO_TEST_CASE(no_routing_key_and_no_fallback_is_unavailable)
{
    FlowResult r = flow_incoming(route(Ring::together, "", ""), urls, start(), Snapshot{});
    BOOST_TEST(r.outcome == Outcome::unavailable);
    XmlDoc x(r.twiml);
    BOOST_TEST(x.eval("count(/Response/Hangup)") == "1");
    BOOST_TEST(x.eval("count(/Response/Record)") == "0");
}

BOOST_AUTO_TEST_CASE(what_counts_as_answered)
{
    BOOST_TEST((dial_end(params({{"DialCallStatus", "completed"}, {"DialBridged", "true"}, {"CallStatus", "in-progress"}})) ==
                DialEnd::answered));
    BOOST_TEST((dial_end(params({{"DialCallStatus", "completed"}, {"CallStatus", "completed"}})) == DialEnd::answered));
    // A declined screen: the leg was answered, never bridged.
    BOOST_TEST((dial_end(params({{"DialCallStatus", "completed"}, {"DialBridged", "false"}, {"CallStatus", "in-progress"}})) ==
                DialEnd::declined));
    for (const char *s : {"busy", "no-answer", "failed", "canceled", "complete"})
        BOOST_TEST((dial_end(params({{"DialCallStatus", s}, {"CallStatus", "in-progress"}})) == DialEnd::not_answered), s);
    // Twilio asks for the action when the caller hangs up mid-dial too.
    BOOST_TEST((dial_end(params({{"DialCallStatus", "no-answer"}, {"CallStatus", "completed"}})) == DialEnd::caller_gone));
    BOOST_TEST((dial_end(params({{"DialCallStatus", "canceled"}, {"CallStatus", "canceled"}})) == DialEnd::caller_gone));
}

BOOST_AUTO_TEST_CASE(after_the_last_level_fallback_then_voicemail)
{
    CallState s = start();
    s.level = 3;
    FlowResult r = flow_next(route(Ring::together, "+14155550199"), urls, s, three_levels(), 1);
    BOOST_TEST(r.outcome == Outcome::fallback);
    r = flow_next(route(), urls, s, three_levels(), 1);
    BOOST_TEST(r.outcome == Outcome::voicemail);
    BOOST_TEST(r.reason == "nobody answered");
}

BOOST_AUTO_TEST_CASE(pagerduty_down_mid_hunt)
{
    CallState s = start();
    s.level = 1;
    Snapshot down;
    down.oncalls_failed = true;
    down.problem = "GET /oncalls: timed out";
    FlowResult r = flow_next(route(), urls, s, down, 1);
    BOOST_TEST(r.outcome == Outcome::voicemail);
    BOOST_TEST(r.reason == "pagerduty: GET /oncalls: timed out");
}

BOOST_AUTO_TEST_CASE(the_called_number_is_never_dialed)
{
    Snapshot s = three_levels();
    s.levels[0].callees = {{"Loop", "+14155550100"}};
    FlowResult r = flow_incoming(route(), urls, start(), s);
    BOOST_TEST(r.level == 2);
    BOOST_TEST(r.reason.find("the called number itself") != std::string::npos);
    BOOST_TEST(flow_can_dial(route(), s.levels, start()));
}

BOOST_AUTO_TEST_CASE(answered_hangs_up_and_caller_gone_alerts)
{
    FlowResult r = flow_answered(start());
    BOOST_TEST(r.outcome == Outcome::answered);
    BOOST_TEST(r.answered);
    BOOST_TEST(XmlDoc(r.twiml).eval("count(/Response/Hangup)") == "1");

    CallState s = start();
    s.tried = {"Ada Lovelace"};
    r = flow_caller_gone(route(), s, "CA123", 1041);
    BOOST_TEST(r.outcome == Outcome::gone);
    BOOST_TEST_REQUIRE(r.alert.has_value());
    json e = json::parse(r.alert->body);
    BOOST_TEST(e["payload"]["summary"] == "Missed call on Platform line from +14155559876 after 41 s");
    BOOST_TEST(e["dedup_key"] == "CA123");
    BOOST_TEST(e["payload"]["custom_details"]["tried"] == json::array({"Ada Lovelace"}));

    Route quiet = route();
    quiet.call.alert_missed_calls = false;
    BOOST_TEST(!flow_caller_gone(quiet, s, "CA123", 1041).alert);
    BOOST_TEST(!flow_caller_gone(route(Ring::together, "", ""), s, "CA123", 1041).alert);
}

BOOST_AUTO_TEST_CASE(recorded_says_goodbye_or_raises_a_missed_call)
{
    FlowResult r = flow_recorded(route(), start(), params({{"CallSid", "CA1"}, {"RecordingUrl", "https://api.twilio.com/r/RE1"},
                                                          {"RecordingDuration", "12"}}), 1100);
    BOOST_TEST(r.outcome == Outcome::recorded);
    BOOST_TEST(!r.alert);
    XmlDoc x(r.twiml);
    BOOST_TEST(x.eval("string(/Response/Say)") == "Thank you. Your message has been passed on. Goodbye.");
    r = flow_recorded(route(), start(), params({{"CallSid", "CA1"}, {"Digits", "hangup"}, {"RecordingDuration", "0"}}), 1030);
    BOOST_TEST(r.outcome == Outcome::gone);
    BOOST_TEST_REQUIRE(r.alert.has_value());
    BOOST_TEST(json::parse(r.alert->body)["payload"]["summary"] == "Missed call on Platform line from +14155559876 after 30 s");
}

BOOST_AUTO_TEST_CASE(recording_ready_raises_the_voicemail_alert)
{
    CallState s = start();
    s.tried = {"Ada Lovelace", "Grace Hopper"};
    FlowResult r = flow_recording(route(), s, params({{"CallSid", "CA9"}, {"RecordingStatus", "completed"},
                                                     {"RecordingUrl", "https://api.twilio.com/r/RE9"},
                                                     {"RecordingDuration", "34"}}));
    BOOST_TEST(r.outcome == Outcome::alert);
    BOOST_TEST_REQUIRE(r.alert.has_value());
    BOOST_TEST((r.alert->kind == AlertKind::voicemail));
    json e = json::parse(r.alert->body);
    BOOST_TEST(e["routing_key"] == "RKEY");
    BOOST_TEST(e["event_action"] == "trigger");
    BOOST_TEST(e["dedup_key"] == "CA9");
    BOOST_TEST(e["payload"]["summary"] == "Voicemail on Platform line from +14155559876 (34 s)");
    BOOST_TEST(e["payload"]["source"] == "pd-call-forward");
    BOOST_TEST(e["payload"]["severity"] == "critical");
    BOOST_TEST(e["links"][0]["href"] == "https://api.twilio.com/r/RE9");
    const json &d = e["payload"]["custom_details"];
    BOOST_TEST(d["caller"] == "+14155559876");
    BOOST_TEST(d["called"] == "+14155550100");
    BOOST_TEST(d["duration_seconds"] == 34);
    BOOST_TEST(d["tried"] == json::array({"Ada Lovelace", "Grace Hopper"}));

    BOOST_TEST(r.hold == 0);  // no transcription to wait for
    BOOST_TEST(!flow_recording(route(Ring::together, "", ""), s, params({{"RecordingStatus", "completed"}})).alert);
}

BOOST_AUTO_TEST_CASE(severity_and_transcription)
{
    Route r = route();
    r.call.severity = "warning";
    FlowResult t = flow_transcription(r, start(), params({{"CallSid", "CA9"}, {"TranscriptionStatus", "completed"},
                                                         {"TranscriptionText", "The database is down"}}));
    BOOST_TEST_REQUIRE(t.alert.has_value());
    // The voicemail alert itself, for when it has not been raised yet.
    BOOST_TEST((t.alert->kind == AlertKind::voicemail));
    json e = json::parse(t.alert->body);
    BOOST_TEST(e["payload"]["summary"] == "Voicemail on Platform line from +14155559876: \"The database is down\"");
    BOOST_TEST(e["payload"]["severity"] == "warning");
    BOOST_TEST(e["payload"]["custom_details"]["transcription"] == "The database is down");
    BOOST_TEST(e["dedup_key"] == "CA9");
    BOOST_TEST(!flow_transcription(r, start(), params({{"TranscriptionStatus", "failed"}})).alert);
}

BOOST_AUTO_TEST_CASE(call_status_offers_a_missed_call)
{
    FlowResult r = flow_call_status(route(), start(), params({{"CallSid", "CA7"}, {"CallStatus", "completed"},
                                                             {"CallDuration", "9"}}));
    BOOST_TEST_REQUIRE(r.alert.has_value());
    BOOST_TEST(json::parse(r.alert->body)["payload"]["summary"] == "Missed call on Platform line from +14155559876 after 9 s");
    // The status callback may come before the call's last request: the
    // alert waits for it.
    BOOST_TEST(r.hold == 30);
    Route quick = route();
    quick.call.missed_call_wait = 5;
    BOOST_TEST(flow_call_status(quick, start(), params({{"CallSid", "CA7"}, {"CallStatus", "no-answer"}})).hold == 5);
    BOOST_TEST(!flow_call_status(route(), start(), params({{"CallStatus", "in-progress"}})).alert);
}

BOOST_AUTO_TEST_CASE(a_silent_recording_is_no_message)
{
    // Twilio keeps silent recordings and reports them `completed`: a
    // caller who hangs up at the beep leaves 0 or 1 s of it.
    for (const char *seconds : {"0", "1"}) {
        FlowResult r = flow_recorded(route(), start(), params({{"CallSid", "CA1"}, {"Digits", "hangup"},
                                                              {"RecordingUrl", "https://api.twilio.com/r/RE1"},
                                                              {"RecordingDuration", seconds}}), 1030);
        BOOST_TEST(r.outcome == Outcome::gone, seconds);
        BOOST_TEST_REQUIRE(r.alert.has_value());
        BOOST_TEST((r.alert->kind == AlertKind::missed));
        BOOST_TEST(r.hold == 0);  // the call's last request: nothing more to wait for
        FlowResult ready = flow_recording(route(), start(), params({{"CallSid", "CA1"}, {"RecordingStatus", "completed"},
                                                                   {"RecordingUrl", "https://api.twilio.com/r/RE1"},
                                                                   {"RecordingDuration", seconds}}));
        BOOST_TEST(!ready.alert, seconds);
        BOOST_TEST(ready.outcome == Outcome::ignored);
    }
    FlowResult two = flow_recorded(route(), start(), params({{"CallSid", "CA1"}, {"RecordingUrl", "https://api.twilio.com/r/RE1"},
                                                            {"RecordingDuration", "2"}}), 1030);
    BOOST_TEST(two.outcome == Outcome::recorded);
    // Silence at either end is trimmed, so "nothing said" is 0 s.
    XmlDoc x(flow_voicemail(route(), urls, start()).twiml);
    BOOST_TEST(x.eval("string(/Response/Record/@trim)") == "trim-silence");
}

BOOST_AUTO_TEST_CASE(voicemail_waits_for_a_transcription_only_when_one_will_come)
{
    Route r = route();
    r.call.transcribe = true;
    r.call.transcription_wait = 45;
    auto ready = [&](const Route &route, const char *seconds) {
        return flow_recording(route, start(), params({{"CallSid", "CA9"}, {"RecordingStatus", "completed"},
                                                      {"RecordingUrl", "https://api.twilio.com/r/RE9"},
                                                      {"RecordingDuration", seconds}}));
    };
    BOOST_TEST(ready(r, "34").hold == 45);
    // Twilio transcribes only recordings longer than 2 s and shorter than
    // 120 s.
    BOOST_TEST(ready(r, "2").hold == 0);
    BOOST_TEST(ready(r, "120").hold == 0);
    BOOST_TEST(ready(r, "119").hold == 45);
    // Only in American English, but it cannot know what the caller spoke:
    // a German line's message is transcribed all the same.
    Route german = r;
    german.call.voice = "Polly.Vicki";
    BOOST_TEST(ready(german, "34").hold == 45);
    BOOST_TEST(ready(route(), "34").hold == 0);  // transcribe off
}

BOOST_AUTO_TEST_CASE(a_transcription_goes_into_the_voicemail_alert)
{
    Route r = route();
    FlowResult vm = flow_recording(r, start(), params({{"CallSid", "CA9"}, {"RecordingStatus", "completed"},
                                                      {"RecordingUrl", "https://api.twilio.com/r/RE9"},
                                                      {"RecordingDuration", "34"}}));
    BOOST_TEST_REQUIRE(vm.alert.has_value());
    Alert with = with_transcription(*vm.alert, "The \"database\" is down");
    json e = json::parse(with.body);
    BOOST_TEST(e["payload"]["summary"] == "Voicemail on Platform line from +14155559876 (34 s): \"The \"database\" is down\"");
    BOOST_TEST(e["payload"]["custom_details"]["transcription"] == "The \"database\" is down");
    BOOST_TEST(e["payload"]["custom_details"]["duration_seconds"] == 34);
    BOOST_TEST(e["dedup_key"] == "CA9");
    BOOST_TEST((with.kind == AlertKind::voicemail));
    // However long the text, the summary stays within the Events API's limit.
    e = json::parse(with_transcription(*vm.alert, std::string(5000, 'x')).body);
    BOOST_TEST(e["payload"]["summary"].get<std::string>().size() == limits::max_alert_summary);
}

BOOST_AUTO_TEST_CASE(alert_summary_is_clipped_to_the_events_api_limit)
{
    Route r = route();
    r.call.title = std::string(2000, 'x');
    FlowResult f = flow_caller_gone(r, start(), "CA1", 1001);
    BOOST_TEST(json::parse(f.alert->body)["payload"]["summary"].get<std::string>().size() == 1024u);
}

BOOST_AUTO_TEST_SUITE_END()
