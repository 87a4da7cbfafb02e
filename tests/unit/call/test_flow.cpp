#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "call/flow.hpp"
#include "core/limits.hpp"
#include "files.hpp"
#include "xml.hpp"

using namespace pdcf;

namespace {

using nlohmann::json;

Route route(Ring ring = Ring::together, std::string fallback = "", std::string routing_key = "RKEY")
{
    Route r;
    r.name = "ops";
    r.number = "+14155550100";
    r.target = "PEP1";
    r.call.title = "Platform";
    r.call.greeting = "Connecting you to {name}.";
    r.call.ring = ring;
    r.call.fallback_number = std::move(fallback);
    r.call.routing_key = std::move(routing_key);
    return r;
}

const FlowUrls urls{"https://ops.example.com/pd-call-forward"};

CallState start()
{
    CallState s;
    s.route = "ops";
    s.from = "+14155559876";
    s.to = "+14155550100";
    s.started = 1000;
    return s;
}

Snapshot three_levels()
{
    Snapshot s;
    s.levels = {{1, {{"Ada Lovelace", "+14155550101"}, {"Alan Turing", "+14155550104"}}},
                {2, {{"Grace Hopper", "+14155550102"}}},
                {3, {{"Linus", "+14155550103"}}}};
    return s;
}

Params params(std::initializer_list<std::pair<const char *, const char *>> list)
{
    Params p;
    for (auto &[k, v] : list) p.push_back({k, v});
    return p;
}

// The state a callback URL in `twiml` carries, parsed back, as Twilio
// requests it on the caller's leg: with start()'s From and To, unless the
// request carries none (the recording status callback).
CallState state_in(const std::string &url, bool twilio_numbers = true)
{
    Params twilio;
    if (twilio_numbers) twilio = {{"From", start().from}, {"To", start().to}};
    return state_parse(form_decode(url.substr(url.find('?') + 1)).value_or({}), twilio);
}

}  // namespace

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

BOOST_AUTO_TEST_CASE(next_level_after_no_answer)
{
    CallState s = start();
    s.level = 1;
    s.tried = {"Ada Lovelace", "Alan Turing"};
    FlowResult r = flow_next(route(), urls, s, three_levels(), 1);
    check_golden("flow-next-level.xml", r.twiml);
    BOOST_TEST(r.outcome == Outcome::dial);
    BOOST_TEST(r.level == 2);
    BOOST_TEST(r.dialed == std::vector<std::string>{"+14155550102"});
    XmlDoc x(r.twiml);
    BOOST_TEST(x.eval("string(/Response/Say)") == "Still trying to reach the on-call engineer. Please hold.");
    CallState after = state_in(x.eval("string(/Response/Dial/@action)"));
    BOOST_TEST(after.tried == (std::vector<std::string>{"Ada Lovelace", "Alan Turing", "Grace Hopper"}));
}

BOOST_AUTO_TEST_CASE(a_number_already_dialed_in_the_loop_is_skipped)
{
    Snapshot s = three_levels();
    s.levels[1].callees = {{"Ada on level 2", "+14155550101"}};  // the same phone again
    CallState after1 = start();
    after1.level = 1;
    FlowResult r = flow_next(route(), urls, after1, s, 1);
    BOOST_TEST(r.level == 3);
    BOOST_TEST(r.dialed == std::vector<std::string>{"+14155550103"});
}

BOOST_AUTO_TEST_CASE(in_turn_walks_a_level_then_the_next)
{
    CallState s = start();
    s.level = 1;
    s.index = 0;
    FlowResult r = flow_next(route(Ring::in_turn), urls, s, three_levels(), 1);
    BOOST_TEST(r.dialed == std::vector<std::string>{"+14155550104"});
    CallState after = state_in(XmlDoc(r.twiml).eval("string(/Response/Dial/@action)"));
    BOOST_TEST(after.level == 1);
    BOOST_TEST(after.index == 1);
    r = flow_next(route(Ring::in_turn), urls, after, three_levels(), 1);
    BOOST_TEST(r.dialed == std::vector<std::string>{"+14155550102"});
}

BOOST_AUTO_TEST_CASE(a_declined_pickup_rings_the_rest_of_its_level_again)
{
    // Ada's phone is off: her carrier's voicemail picks up after one ring,
    // the screen declines it, and Alan's phone was hung up at that moment.
    CallState s = start();
    s.level = 1;
    s.tried = {"Ada Lovelace", "Alan Turing"};
    BOOST_TEST(flow_level_callees(route(), three_levels().levels, s).size() == 2u);
    auto again = flow_ring_rest(route(), urls, s, three_levels(), {"+14155550101"});
    BOOST_TEST_REQUIRE(again.has_value());
    BOOST_TEST(again->dialed == std::vector<std::string>{"+14155550104"});
    BOOST_TEST(again->level == 1);
    BOOST_TEST(again->reason == "the first phone to pick up at level 1 declined (Ada Lovelace); ringing the rest of the level again");
    XmlDoc x(again->twiml);
    CallState after = state_in(x.eval("string(/Response/Dial/@action)"));
    BOOST_TEST(after.level == 1);
    BOOST_TEST(after.loop == 1);
    BOOST_TEST(after.tried == s.tried);
    // The screen of the new ring knows its round and level, to mark the
    // next phone that picks up.
    BOOST_TEST(x.eval("string(/Response/Dial/Number/@url)") ==
               "https://ops.example.com/pd-call-forward/voice/screen?route=ops&from=%2B14155559876&loop=1&level=1");

    // Nobody left, nobody marked (the spool cannot say), or not a
    // together-ring: the hunt moves on as before.
    BOOST_TEST(!flow_ring_rest(route(), urls, s, three_levels(), {"+14155550101", "+14155550104"}));
    BOOST_TEST(!flow_ring_rest(route(), urls, s, three_levels(), {}));
    BOOST_TEST(!flow_ring_rest(route(Ring::in_turn), urls, s, three_levels(), {"+14155550101"}));
    CallState fb = s;
    fb.fallback = true;
    BOOST_TEST(!flow_ring_rest(route(), urls, fb, three_levels(), {"+14155550101"}));

    // Rung again once for Ada's pickup: the same marks again (a phone that
    // picks up but whose mark is never made) do not ring it a third time.
    BOOST_TEST(after.picked == 1);
    BOOST_TEST(!flow_ring_rest(route(), urls, after, three_levels(), {"+14155550101"}));
}

BOOST_AUTO_TEST_CASE(the_level_rung_leaves_out_who_rang_below)
{
    Snapshot snap = three_levels();
    snap.levels[1].callees.push_back({"Ada Lovelace", "+14155550101"});  // also at level 2
    CallState s = start();
    s.level = 2;
    auto rung = flow_level_callees(route(), snap.levels, s);
    BOOST_TEST_REQUIRE(rung.size() == 1u);
    BOOST_TEST(rung[0].name == "Grace Hopper");
    BOOST_TEST(pickup_mark(2, 3, "+1 (415) 555-0101") == "picked-up-2-3-14155550101");
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

BOOST_AUTO_TEST_CASE(loops_go_round_again)
{
    CallState s = start();
    s.level = 3;
    FlowResult r = flow_next(route(), urls, s, three_levels(), 2);
    BOOST_TEST(r.outcome == Outcome::dial);
    BOOST_TEST(r.level == 1);
    CallState after = state_in(XmlDoc(r.twiml).eval("string(/Response/Dial/@action)"));
    BOOST_TEST(after.loop == 2);
    after.level = 3;
    BOOST_TEST(flow_next(route(), urls, after, three_levels(), 2).outcome == Outcome::voicemail);
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

BOOST_AUTO_TEST_CASE(screen_asks_to_press_one)
{
    FlowResult r = flow_screen(route(), urls, start());
    check_golden("flow-screen.xml", r.twiml);
    XmlDoc x(r.twiml);
    BOOST_REQUIRE(x.ok());
    BOOST_TEST(x.eval("string(/Response/Gather/@numDigits)") == "1");
    BOOST_TEST(x.eval("string(/Response/Gather/Say)") ==
               "Call on the Platform line from 1 4 1 5 5 5 5 9 8 7 6. Press 1 to accept.");
    BOOST_TEST(x.eval("string(/Response/Gather/@action)") ==
               "https://ops.example.com/pd-call-forward/voice/screen-result?route=ops");
    BOOST_TEST(x.eval("name(/Response/*[2])") == "Hangup");

    BOOST_TEST(flow_screen_result(route(), params({{"Digits", "1"}})).outcome == Outcome::accepted);
    BOOST_TEST(XmlDoc(flow_screen_result(route(), params({{"Digits", "1"}})).twiml).eval("count(/Response/*)") == "0");
    for (const char *d : {"2", "", "11", "*"}) {
        FlowResult no = flow_screen_result(route(), params({{"Digits", d}}));
        BOOST_TEST(no.outcome == Outcome::declined);
        BOOST_TEST(XmlDoc(no.twiml).eval("count(/Response/Hangup)") == "1");
    }
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

BOOST_AUTO_TEST_CASE(tried_names_limit_at_and_over)
{
    CallState s = start();
    for (std::size_t i = 0; i < pdcf::limits::max_tried_names; ++i) s.tried.push_back("P" + std::to_string(i));
    BOOST_TEST(state_in("x?" + state_query(s, Numbers::in_url, limits::max_callback_url), false).tried.size() == pdcf::limits::max_tried_names);
    s.tried.push_back("one too many");
    CallState back = state_in("x?" + state_query(s, Numbers::in_url, limits::max_callback_url), false);
    BOOST_TEST(back.tried.size() == pdcf::limits::max_tried_names);
    BOOST_TEST(back.tried.back() == "P" + std::to_string(pdcf::limits::max_tried_names - 1));

    s.tried = {std::string(pdcf::limits::max_tried_name, 'a'), std::string(pdcf::limits::max_tried_name + 1, 'b')};
    back = state_in("x?" + state_query(s, Numbers::in_url, limits::max_callback_url), false);
    BOOST_TEST(back.tried[0] == s.tried[0]);
    BOOST_TEST(back.tried[1] == std::string(pdcf::limits::max_tried_name, 'b'));
}

// Every URL a TwiML document gives Twilio to request.
std::vector<std::string> callback_urls(const std::string &twiml)
{
    XmlDoc x(twiml);
    BOOST_TEST_REQUIRE(x.ok(), x.error());
    std::vector<std::string> all;
    for (const char *a : {"action", "url", "recordingStatusCallback", "transcribeCallback", "statusCallback"})
        for (auto &u : x.all(std::string("//@") + a)) all.push_back(u);
    return all;
}

BOOST_AUTO_TEST_CASE(callback_urls_fit_the_web_servers)
{
    // Ten on-calls at each of three levels with long non-ASCII names, a
    // caller whose From is a long SIP address: every URL stays within the
    // limit, the names go first (counted), and the hunt goes on.
    Snapshot big;
    std::string long_name;
    while (long_name.size() < 200) long_name += "ÅÆØ";
    for (int level = 1; level <= 3; ++level) {
        Level l{level, {}};
        for (int i = 0; i < 10; ++i)
            l.callees.push_back({std::to_string(level) + long_name + std::to_string(i),
                                 "+141555502" + std::to_string(level) + std::to_string(i)});
        big.levels.push_back(l);
    }
    CallState s = start();
    s.from = "sip:" + std::string(6000, 'a') + "@example.com";
    Route r = route(Ring::together, "", "RKEY");
    r.call.transcribe = true;
    FlowResult first = flow_incoming(r, urls, s, big);
    BOOST_TEST(first.dialed.size() == 10u);
    std::vector<std::string> seen = callback_urls(first.twiml);
    CallState after = state_in(callback_urls(first.twiml).at(0));
    BOOST_TEST(after.level == 1);
    FlowResult second = flow_next(r, urls, after, big, 1);
    BOOST_TEST(second.level == 2);
    after = state_in(callback_urls(second.twiml).at(0));
    BOOST_TEST(after.level == 2);
    BOOST_TEST(after.tried.size() + after.more_tried == 20u);
    BOOST_TEST(after.more_tried > 0);
    FlowResult third = flow_next(r, urls, after, big, 1);
    after = state_in(callback_urls(third.twiml).at(0));
    FlowResult end = flow_next(r, urls, after, big, 1);
    BOOST_TEST(end.outcome == Outcome::voicemail);
    for (const auto &t : {first.twiml, second.twiml, third.twiml, end.twiml})
        for (const auto &u : callback_urls(t)) {
            seen.push_back(u);
            BOOST_TEST(u.size() <= limits::max_callback_url, u.size() << " bytes: " << u.substr(0, 120));
        }
    BOOST_TEST(seen.size() >= 8u);
    // The alert still counts everyone tried.
    CallState last = state_in(callback_urls(end.twiml).at(0));
    BOOST_TEST(last.tried.size() + last.more_tried == 30u);
    FlowResult gone = flow_caller_gone(r, last, "CA1", 2000);
    BOOST_REQUIRE(gone.alert.has_value());
    json e = json::parse(gone.alert->body);
    BOOST_TEST(e["payload"]["custom_details"]["tried_more"].get<int>() == last.more_tried);
}

BOOST_AUTO_TEST_CASE(numbers_stay_out_of_urls_whose_requests_carry_them)
{
    // The <Dial> and <Record> actions are requested on the caller's leg
    // with its From and To; the recording status callback carries neither.
    Route r = route();
    r.call.transcribe = true;
    XmlDoc dial(flow_incoming(r, urls, start(), three_levels()).twiml);
    const std::string action = dial.eval("string(/Response/Dial/@action)");
    BOOST_TEST(action.find("from=") == std::string::npos, action);
    BOOST_TEST(action.find("5559876") == std::string::npos, action);
    XmlDoc vm(flow_voicemail(r, urls, start()).twiml);
    BOOST_TEST(vm.eval("string(/Response/Record/@action)").find("from=") == std::string::npos);
    CallState status = state_in(vm.eval("string(/Response/Record/@recordingStatusCallback)"), false);
    BOOST_TEST(status.from == start().from);
    BOOST_TEST(status.to == start().to);
    CallState transcribed = state_in(vm.eval("string(/Response/Record/@transcribeCallback)"), false);
    BOOST_TEST(transcribed.from == start().from);
    // Twilio does not say whose number the engineer's leg has for From
    // (with caller_id, surely not the caller's): the whisper's caller
    // travels in the screen's URL, with or without it.
    for (const char *caller_id : {"", "+14155550100"}) {
        r.call.caller_id = caller_id;
        XmlDoc x(flow_incoming(r, urls, start(), three_levels()).twiml);
        BOOST_TEST(x.eval("string(/Response/Dial/Number[1]/@url)").find("from=%2B14155559876") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(state_round_trips_through_the_url)
{
    CallState s = start();
    s.route = "a&b=c";
    s.loop = 2;
    s.level = 3;
    s.index = 1;
    s.fallback = true;
    s.tried = {"Zoë O'Brien & Co", "Grace"};
    CallState back = state_in("x?" + state_query(s, Numbers::in_url, limits::max_callback_url), false);
    BOOST_TEST(back.route == s.route);
    BOOST_TEST(back.from == s.from);
    BOOST_TEST(back.to == s.to);
    BOOST_TEST(back.started == s.started);
    BOOST_TEST(back.loop == 2);
    BOOST_TEST(back.level == 3);
    BOOST_TEST(back.index == 1);
    BOOST_TEST(back.fallback);
    BOOST_TEST(back.tried == s.tried);
    // Nonsense is ignored, not trusted.
    CallState odd = state_in("x?loop=0&level=-5&index=zz&t=1e9");
    BOOST_TEST(odd.loop == 1);
    BOOST_TEST(odd.level == 0);
    BOOST_TEST(odd.index == -1);
    BOOST_TEST(odd.started == 0);
}

BOOST_AUTO_TEST_CASE(caller_number_read_digit_by_digit)
{
    BOOST_TEST(spoken_number("+14155559876") == "1 4 1 5 5 5 5 9 8 7 6");
    BOOST_TEST(spoken_number("anonymous") == "an unknown number");
    BOOST_TEST(spoken_number("") == "an unknown number");
}

BOOST_AUTO_TEST_CASE(alert_summary_is_clipped_to_the_events_api_limit)
{
    Route r = route();
    r.call.title = std::string(2000, 'x');
    FlowResult f = flow_caller_gone(r, start(), "CA1", 1001);
    BOOST_TEST(json::parse(f.alert->body)["payload"]["summary"].get<std::string>().size() == 1024u);
}

BOOST_AUTO_TEST_SUITE_END()
