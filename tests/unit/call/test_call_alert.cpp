#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alerts/repeats.hpp"
#include "alerts/spool.hpp"
#include "call/call_alert.hpp"
#include "files.hpp"
#include "handler_fixture.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::handler_tests;
using pdcf::testing::set_key;

namespace {

// What a call's own alert events did, in order: "call trigger",
// "acknowledge", "resolve"...  (the fixture's hold is the after-answer
// queue; each waits 0 s).
std::vector<std::string> events_of(const Fixture &f)
{
    std::vector<std::string> out;
    for (const auto &[alert, seconds] : f.held) {
        BOOST_TEST(seconds == 0);
        out.push_back(to_string(alert.kind));
    }
    return out;
}

// The same with how long each waits.
std::vector<std::string> events_of_any_wait(const Fixture &f)
{
    std::vector<std::string> out;
    for (const auto &[alert, seconds] : f.held) out.push_back(std::string(to_string(alert.kind)) + " " + std::to_string(seconds));
    return out;
}

// The ops line with call_alert = `mode`.
std::string ops_alerting(const std::string &mode) { return set_key(base_config, "route:ops", "call_alert", mode); }

// Ada's leg of the call: picks up and, with the screen, presses `key`.
struct Leg {
    Fixture &f;
    std::string screen_url;
    Params params = {{"CallSid", "CA00ada"}, {"ParentCallSid", "CA0001"}, {"From", "+14155550100"},
                     {"To", "+14155550101"}, {"CallStatus", "in-progress"}, {"Direction", "outbound-dial"}};

    XmlDoc pick_up() { return XmlDoc(f.run(f.callback(screen_url, params)).body); }
    XmlDoc press(const XmlDoc &whisper, const std::string &key)
    {
        Params p = params;
        p.push_back({"Digits", key});
        return XmlDoc(f.run(f.callback(whisper.eval("string(/Response/Gather/@action)"), p)).body);
    }
};

const Params dial_answered = {{"CallSid", "CA0001"}, {"CallStatus", "in-progress"}, {"DialCallStatus", "completed"},
                              {"DialBridged", "true"}, {"From", "+14155559876"}, {"To", "+14155550100"}};

// The fixture counting callers' calls in a real spool, at `at`.
struct Counting {
    TempDir dir;
    Spool spool{dir.path};
    long long at = 1796072040;
    explicit Counting(Fixture &f)
    {
        BOOST_REQUIRE(bool(spool.prepare()));
        f.ctx.alerts.caller_calls = [this](const std::string &line, const std::string &caller, const std::string &sid,
                                           long window, bool count) {
            return caller_calls(spool, line, caller, sid, window, at, count);
        };
        f.ctx.alerts.caller_answered = [this](const std::string &line, const std::string &caller) {
            caller_answered(spool, line, caller);
        };
    }
};

Params call_from(const std::string &sid, const std::string &from = "+14155559876")
{
    Params p = to_number("+14155550100", from);
    p[0].value = sid;
    return p;
}

// Call `sid` on the ops line, nobody answering, to its voicemail's
// recording: the alert it raises.
std::optional<Alert> voicemail_of(Fixture &f, const std::string &sid)
{
    auto leg = [&](Params p) {
        p.push_back({"From", "+14155559876"});
        p.push_back({"To", "+14155550100"});
        return p;
    };
    XmlDoc first(f.run(f.post(call_from(sid))).body);
    const Params no_answer = leg({{"CallSid", sid}, {"CallStatus", "in-progress"}, {"DialCallStatus", "no-answer"}});
    XmlDoc fallback(f.run(f.callback(first.eval("string(/Response/Dial/@action)"), no_answer)).body);
    XmlDoc voicemail(f.run(f.callback(fallback.eval("string(/Response/Dial/@action)"), no_answer)).body);
    const std::size_t before = f.delivered.size();
    f.run(f.callback(voicemail.eval("string(/Response/Record/@recordingStatusCallback)"),
                     {{"CallSid", sid}, {"RecordingStatus", "completed"}, {"RecordingDuration", "12"},
                      {"RecordingUrl", "https://api.twilio.com/rec/RE" + sid}}));
    if (f.delivered.size() == before) return std::nullopt;
    return f.delivered.back();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(call_alert)

BOOST_AUTO_TEST_CASE(each_mode_says_what_goes_when)
{
    Route r;
    r.name = "ops";
    r.call.routing_key = "RKEY";
    CallState st;
    FlowResult dialing;
    dialing.outcome = Outcome::dial;
    dialing.level = 1;
    FlowResult voicemail;
    voicemail.outcome = Outcome::voicemail;
    auto kinds = [](const std::vector<Alert> &events) {
        std::vector<std::string> out;
        for (const auto &a : events) out.push_back(to_string(a.kind));
        return out;
    };

    r.call.call_alert = CallAlert::off;
    BOOST_TEST(!call_alert_ringing(r, st, "CA1", dialing, 0));
    BOOST_TEST(call_alert_accepted(r, st, "CA1", "Ada", 0).empty());
    BOOST_TEST(!call_alert_hung_up(r, st, "CA1"));

    r.call.call_alert = CallAlert::answered;
    BOOST_TEST(!call_alert_ringing(r, st, "CA1", dialing, 0));
    BOOST_TEST(kinds(call_alert_accepted(r, st, "CA1", "Ada", 0)) == (std::vector<std::string>{"call", "acknowledge"}));
    BOOST_TEST(bool(call_alert_hung_up(r, st, "CA1")));

    // Without the screen, a personal voicemail picking up looks answered:
    // answered records it, always must not silence its page.
    r.call.screening = false;
    BOOST_TEST(kinds(call_alert_accepted(r, st, "CA1", "Ada", 0)) == (std::vector<std::string>{"call", "acknowledge"}));
    r.call.call_alert = CallAlert::always;
    BOOST_TEST(call_alert_accepted(r, st, "CA1", "Ada", 0).empty());
    BOOST_TEST(!call_alert_hung_up(r, st, "CA1"));
    r.call.screening = true;

    BOOST_TEST(bool(call_alert_ringing(r, st, "CA1", dialing, 0)));
    // Straight to voicemail: the voicemail alert is the call's alert.
    BOOST_TEST(!call_alert_ringing(r, st, "CA1", voicemail, 0));
    BOOST_TEST(kinds(call_alert_accepted(r, st, "CA1", "Ada", 0)) == (std::vector<std::string>{"acknowledge"}));
    r.call.resolve_on_hangup = false;
    BOOST_TEST(!call_alert_hung_up(r, st, "CA1"));

    // A repeat caller's call (repeats.hpp) never changes the alert an
    // earlier call opened: answered raises its own, always leaves it be.
    r.call.resolve_on_hangup = true;
    CallState joined = st;
    joined.first_call = "CA0";
    joined.calls = 2;
    auto own = call_alert_accepted(r, joined, "CA1", "Ada", 0);
    BOOST_TEST(kinds(own).empty());  // always: CA0's alert stays as it is
    BOOST_TEST(!call_alert_hung_up(r, joined, "CA1"));
    r.call.call_alert = CallAlert::answered;
    own = call_alert_accepted(r, joined, "CA1", "Ada", 0);
    BOOST_TEST_REQUIRE(own.size() == 2u);
    for (const auto &a : own) BOOST_TEST(nlohmann::json::parse(a.body)["dedup_key"] == "CA1");
    const auto resolve = call_alert_hung_up(r, joined, "CA1");
    BOOST_TEST_REQUIRE(resolve.has_value());
    BOOST_TEST(nlohmann::json::parse(resolve->body)["dedup_key"] == "CA1");
    r.call.call_alert = CallAlert::always;

    // Without a routing key there is nowhere to send any of it.
    r.call.resolve_on_hangup = true;
    r.call.routing_key.clear();
    BOOST_TEST(!call_alert_ringing(r, st, "CA1", dialing, 0));
    BOOST_TEST(call_alert_accepted(r, st, "CA1", "Ada", 0).empty());
    BOOST_TEST(!call_alert_hung_up(r, st, "CA1"));
}

BOOST_AUTO_TEST_CASE(answered_raises_and_acknowledges_when_ada_presses_1_and_resolves_at_the_end)
{
    Fixture f(ops_alerting("answered"));
    XmlDoc first(f.run(f.post()).body);
    BOOST_TEST(f.held.empty());  // nothing while it rings
    Leg ada{f, first.eval("string(/Response/Dial/Number[1]/@url)")};
    XmlDoc whisper = ada.pick_up();
    BOOST_TEST(f.held.empty());  // nor when she picks up: it may be her voicemail
    XmlDoc joined = ada.press(whisper, "1");
    BOOST_TEST(joined.eval("count(/Response/*)") == "0");
    BOOST_TEST(events_of(f) == (std::vector<std::string>{"call", "acknowledge"}));
    BOOST_TEST(f.log.alert == "call queued; acknowledge queued");
    auto trigger = nlohmann::json::parse(f.held.at(0).first.body);
    BOOST_TEST(trigger["dedup_key"] == "CA0001");  // the caller's call, not Ada's leg
    BOOST_TEST(trigger["payload"]["summary"] == "Call on Platform line from +*******9876 taken by Ada Lovelace");
    BOOST_TEST(trigger["payload"]["severity"] == "info");
    // The line's number, not the engineer's, and when the call began.
    BOOST_TEST(trigger["payload"]["custom_details"]["called"] == "+14155550100");
    BOOST_TEST(trigger["payload"]["custom_details"]["started_at"] == "1970-01-01T01:23:20Z");
    BOOST_TEST(f.held.at(1).first.call_sid == "CA0001");
    BOOST_TEST(f.delivered.empty());

    // The call ends: its <Dial> action resolves it, and the number's status
    // callback asks again: the resolve already waiting stays the one.
    f.run(f.callback(first.eval("string(/Response/Dial/@action)"), dial_answered));
    BOOST_TEST(events_of(f) == (std::vector<std::string>{"call", "acknowledge", "resolve"}));
    f.run(f.callback(script + "/voice/status", {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550100"},
                                                {"CallStatus", "completed"}, {"CallDuration", "95"}}));
    BOOST_TEST(events_of(f) == (std::vector<std::string>{"call", "acknowledge", "resolve"}));
    BOOST_TEST(f.delivered.empty());  // no missed-call alert: it was answered
}

BOOST_AUTO_TEST_CASE(a_declined_or_passed_screen_raises_nothing)
{
    Fixture f(ops_alerting("answered"));
    XmlDoc first(f.run(f.post()).body);
    Leg ada{f, first.eval("string(/Response/Dial/Number[1]/@url)")};
    ada.press(ada.pick_up(), "2");
    ada.press(ada.pick_up(), "");
    BOOST_TEST(f.held.empty());
}

BOOST_AUTO_TEST_CASE(always_raises_at_the_first_ring_and_acknowledges_on_pressing_1)
{
    Fixture f(set_key(ops_alerting("always"), "call", "resolve_on_hangup", "no"));
    XmlDoc first(f.run(f.post()).body);
    BOOST_TEST(first.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550101"});
    BOOST_TEST(events_of(f) == std::vector<std::string>{"call"});
    auto trigger = nlohmann::json::parse(f.held.at(0).first.body);
    BOOST_TEST(trigger["payload"]["summary"] == "Incoming call on Platform line from +*******9876, ringing level 1");
    BOOST_TEST(trigger["payload"]["severity"] == "critical");
    BOOST_TEST(trigger["dedup_key"] == "CA0001");

    Leg ada{f, first.eval("string(/Response/Dial/Number[1]/@url)")};
    ada.press(ada.pick_up(), "1");
    BOOST_TEST(events_of(f) == (std::vector<std::string>{"call", "acknowledge"}));
    f.run(f.callback(first.eval("string(/Response/Dial/@action)"), dial_answered));
    BOOST_TEST(events_of(f) == (std::vector<std::string>{"call", "acknowledge"}));  // resolve_on_hangup = no
}

BOOST_AUTO_TEST_CASE(always_with_nobody_answering_is_one_alert_to_the_voicemail)
{
    // The voicemail alert has the same dedup_key as the first ring's.
    Fixture f(ops_alerting("always"));
    XmlDoc first(f.run(f.post()).body);
    XmlDoc fallback(f.run(f.callback(first.eval("string(/Response/Dial/@action)"),
                                     {{"CallSid", "CA0001"}, {"CallStatus", "in-progress"}, {"DialCallStatus", "no-answer"},
                                      {"From", "+14155559876"}, {"To", "+14155550100"}}))
                        .body);
    BOOST_TEST(events_of(f) == std::vector<std::string>{"call"});  // the fallback number rings: no second trigger
    XmlDoc voicemail(f.run(f.callback(fallback.eval("string(/Response/Dial/@action)"),
                                      {{"CallSid", "CA0001"}, {"CallStatus", "in-progress"},
                                       {"DialCallStatus", "no-answer"}, {"From", "+14155559876"},
                                       {"To", "+14155550100"}}))
                         .body);
    std::string recording = voicemail.eval("string(/Response/Record/@recordingStatusCallback)");
    f.run(f.callback(recording, {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"}, {"RecordingDuration", "12"},
                                 {"RecordingUrl", "https://api.twilio.com/rec/RE1"}}));
    BOOST_TEST_REQUIRE(f.delivered.size() == 1u);
    BOOST_TEST(f.delivered[0].call_sid == f.held.at(0).first.call_sid);
    BOOST_TEST(nlohmann::json::parse(f.delivered[0].body)["dedup_key"] == "CA0001");
}

BOOST_AUTO_TEST_CASE(the_fallback_number_taking_the_call_is_named_as_such)
{
    Fixture f(ops_alerting("answered"));
    XmlDoc first(f.run(f.post()).body);
    XmlDoc fallback(f.run(f.callback(first.eval("string(/Response/Dial/@action)"),
                                     {{"CallSid", "CA0001"}, {"CallStatus", "in-progress"}, {"DialCallStatus", "no-answer"},
                                      {"From", "+14155559876"}, {"To", "+14155550100"}}))
                        .body);
    BOOST_TEST(fallback.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550199"});
    Leg desk{f, fallback.eval("string(/Response/Dial/Number[1]/@url)")};
    desk.params[3].value = "+14155550199";  // To
    desk.press(desk.pick_up(), "1");
    BOOST_TEST_REQUIRE(f.held.size() == 2u);
    BOOST_TEST(nlohmann::json::parse(f.held[0].first.body)["payload"]["summary"] ==
               "Call on Platform line from +*******9876 taken by the fallback number");
}

BOOST_AUTO_TEST_CASE(without_the_screen_the_pickup_is_the_answer)
{
    // The <Number> still gets a URL, for the call's alert to learn who
    // picked up; it joins the calls at once.
    Fixture f(set_key(ops_alerting("answered"), "call", "screening", "no"));
    XmlDoc first(f.run(f.post()).body);
    Leg ada{f, first.eval("string(/Response/Dial/Number[1]/@url)")};
    BOOST_TEST_REQUIRE(!ada.screen_url.empty());
    XmlDoc joined = ada.pick_up();
    BOOST_TEST(joined.eval("count(/Response/*)") == "0");
    BOOST_TEST(f.log.outcome == Outcome::accepted);
    BOOST_TEST(events_of(f) == (std::vector<std::string>{"call", "acknowledge"}));
    BOOST_TEST(f.marks.count("CA0001.answered") == 1u);

    // Off and unscreened: no URL at all, as before.
    Fixture plain(set_key(base_config, "call", "screening", "no"));
    BOOST_TEST(XmlDoc(plain.run(plain.post()).body).eval("count(/Response/Dial/Number/@url)") == "0");
}

BOOST_AUTO_TEST_CASE(a_menu_route_resolves_on_the_status_callback_too)
{
    // The number's status callback knows the menu, not the route: the
    // route that took the call marked it.
    std::string config = menu_config;
    config = set_key(config, "route:ops", "call_alert", "answered");
    Fixture f(config);
    XmlDoc prompt(f.run(f.post(to_number("+14155550150"))).body);
    Params one = to_number("+14155550150");
    one.push_back({"Digits", "1"});
    XmlDoc first(f.run(f.callback(prompt.eval("string(/Response/Gather/@action)"), one)).body);
    Leg ada{f, first.eval("string(/Response/Dial/Number[1]/@url)")};
    ada.press(ada.pick_up(), "1");
    BOOST_TEST(events_of(f) == (std::vector<std::string>{"call", "acknowledge"}));
    Params ended = to_number("+14155550150");
    ended[4].value = "completed";  // CallStatus
    f.run(f.callback(script + "/voice/status", ended));
    BOOST_TEST(events_of(f) == (std::vector<std::string>{"call", "acknowledge", "resolve"}));
    BOOST_TEST(nlohmann::json::parse(f.held.at(2).first.body)["routing_key"] == "RKEY");
}

BOOST_AUTO_TEST_CASE(a_caller_who_calls_again_joins_the_first_calls_alert)
{
    Fixture f;
    Counting counting(f);
    auto first = voicemail_of(f, "CA0001");
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST(nlohmann::json::parse(first->body)["dedup_key"] == "CA0001");

    counting.at += 600;
    auto again = voicemail_of(f, "CA0002");
    BOOST_TEST_REQUIRE(again.has_value());
    BOOST_TEST(again->call_sid == "CA0002");  // its own claims
    auto e = nlohmann::json::parse(again->body);
    BOOST_TEST(e["dedup_key"] == "CA0001");  // the first call's alert
    BOOST_TEST(e["payload"]["summary"] ==
               "Voicemail on Platform line from +14155559876 (12 s) (call 2 from this number within 30 min)");
    BOOST_TEST(e["payload"]["custom_details"]["calls_from_caller"] == 2);

    // Another number, or after the window: an alert of its own.
    counting.at += 1200;
    BOOST_TEST(nlohmann::json::parse(voicemail_of(f, "CA0003")->body)["dedup_key"] == "CA0003");
}

BOOST_AUTO_TEST_CASE(the_status_callbacks_missed_call_joins_the_window_too)
{
    Fixture f;
    Counting counting(f);
    f.run(f.post(call_from("CA0001")));
    f.run(f.post(call_from("CA0002")));
    Params ended = call_from("CA0002");
    ended[4].value = "no-answer";  // CallStatus
    f.run(f.callback(script + "/voice/status", ended));
    BOOST_TEST_REQUIRE(f.held.size() == 1u);
    BOOST_TEST(nlohmann::json::parse(f.held[0].first.body)["dedup_key"] == "CA0001");
}

BOOST_AUTO_TEST_CASE(withheld_callers_share_a_count_not_an_alert_and_an_answer_starts_a_new_one)
{
    Fixture f;
    Counting counting(f);
    (void)voicemail_of(f, "CA0001");
    // voicemail_of calls from Ada's number; a withheld one is anyone.
    f.run(f.post(call_from("CA0002", "anonymous")));
    f.run(f.post(call_from("CA0003", "anonymous")));
    Params ended = call_from("CA0003", "anonymous");
    ended[4].value = "no-answer";
    f.run(f.callback(script + "/voice/status", ended));
    BOOST_TEST_REQUIRE(f.held.size() == 1u);
    BOOST_TEST(nlohmann::json::parse(f.held[0].first.body)["dedup_key"] == "CA0003");

    // Ada's number again, answered this time: the call after opens its own.
    Fixture g(ops_alerting("answered"));
    Counting again(g);
    g.run(g.post(call_from("CA0001")));
    XmlDoc second(g.run(g.post(call_from("CA0002"))).body);
    Leg ada{g, second.eval("string(/Response/Dial/Number[1]/@url)")};
    ada.params[1].value = "CA0002";  // ParentCallSid
    ada.press(ada.pick_up(), "1");
    // An answered call is an alert of its own, not a change to the first's.
    BOOST_TEST(nlohmann::json::parse(g.held.at(0).first.body)["dedup_key"] == "CA0002");
    BOOST_TEST(nlohmann::json::parse(g.held.at(1).first.body)["dedup_key"] == "CA0002");
    g.run(g.post(call_from("CA0003")));
    Params ended3 = call_from("CA0003");
    ended3[4].value = "no-answer";
    g.run(g.callback(script + "/voice/status", ended3));
    BOOST_TEST(nlohmann::json::parse(g.held.back().first.body)["dedup_key"] == "CA0003");
}

BOOST_AUTO_TEST_CASE(an_unscreened_answered_call_ends_the_window_too)
{
    Fixture f(set_key(base_config, "call", "screening", "no"));
    Counting counting(f);
    XmlDoc first(f.run(f.post(call_from("CA0001"))).body);
    BOOST_TEST(first.eval("count(/Response/Dial/Number/@url)") == "0");  // no screen, no alert: no URL
    Params answered = dial_answered;
    f.run(f.callback(first.eval("string(/Response/Dial/@action)"), answered));
    f.run(f.post(call_from("CA0002")));
    Params ended = call_from("CA0002");
    ended[4].value = "no-answer";
    f.run(f.callback(script + "/voice/status", ended));
    BOOST_TEST_REQUIRE(f.held.size() == 1u);
    BOOST_TEST(nlohmann::json::parse(f.held[0].first.body)["dedup_key"] == "CA0002");
}

BOOST_AUTO_TEST_CASE(past_caller_limit_the_caller_hears_the_rejected_message)
{
    Fixture f(set_key(base_config, "route:ops", "caller_limit", "2"));
    Counting counting(f);
    for (const char *sid : {"CA0001", "CA0002"}) {
        f.run(f.post(call_from(sid)));
        BOOST_TEST(f.log.outcome == Outcome::dial, sid);
    }
    XmlDoc limited(f.run(f.post(call_from("CA0003"))).body);
    BOOST_TEST(f.log.outcome == Outcome::limited);
    BOOST_TEST(f.log.reason == "call 3 from this number within repeat_window; caller_limit is 2");
    BOOST_TEST(limited.eval("string(/Response/Say)") == "Sorry, this line does not accept calls or texts from your number.");
    BOOST_TEST(limited.eval("count(/Response/Hangup)") == "1");
    BOOST_TEST(f.marks.count("CA0003.refused") == 1u);  // its status callback raises nothing
    // It is seen, in the window's alert: one incident, however many.
    BOOST_TEST_REQUIRE(f.delivered.size() == 1u);
    auto e = nlohmann::json::parse(f.delivered[0].body);
    BOOST_TEST(e["dedup_key"] == "CA0001");
    BOOST_TEST(e["payload"]["summary"] ==
               "Call 3 on Platform line from +14155559876 turned away by caller_limit (2 within 30 min)");
    // Another number still gets through; withheld numbers share one count.
    f.run(f.post(call_from("CA0004", "+14155550000")));
    BOOST_TEST(f.log.outcome == Outcome::dial);
    for (const char *sid : {"CA0005", "CA0006"}) f.run(f.post(call_from(sid, "anonymous")));
    f.run(f.post(call_from("CA0007", "")));
    BOOST_TEST(f.log.outcome == Outcome::limited);
    BOOST_TEST(nlohmann::json::parse(f.delivered.back().body)["dedup_key"] == "CA0005");  // a flood is one alert
    // Only the first one turned away in a window is an event: a flood is
    // not a flood of events.
    const std::size_t events = f.delivered.size();
    f.run(f.post(call_from("CA0009", "anonymous")));
    BOOST_TEST(f.log.outcome == Outcome::limited);
    BOOST_TEST(f.delivered.size() == events);
    // A new window lets the number in again.
    counting.at += 1800;
    f.run(f.post(call_from("CA0008")));
    BOOST_TEST(f.log.outcome == Outcome::dial);
}

BOOST_AUTO_TEST_CASE(a_recorded_call_says_the_notice_first_and_its_link_goes_before_the_resolve)
{
    std::string config = set_key(ops_alerting("answered"), "route:ops", "record_calls", "yes");
    config = set_key(config, "route:ops", "recording_notice", "This call on the {title} line is recorded.");
    Fixture f(config);
    XmlDoc first(f.run(f.post()).body);
    BOOST_TEST(first.all("/Response/Say") ==
               (std::vector<std::string>{"This call on the Platform line is recorded.", "Connecting you to Ada Lovelace."}));
    BOOST_TEST(first.eval("string(/Response/Dial/@record)") == "record-from-answer-dual");
    const std::string recording = first.eval("string(/Response/Dial/@recordingStatusCallback)");
    BOOST_TEST(contains(recording, "/voice/call-recording?route=ops&"), recording);
    Leg ada{f, first.eval("string(/Response/Dial/Number[1]/@url)")};
    ada.press(ada.pick_up(), "1");
    f.run(f.callback(first.eval("string(/Response/Dial/@action)"), dial_answered));
    // The resolve waits for the recording's link.
    BOOST_TEST(events_of_any_wait(f) ==
               (std::vector<std::string>{"call 0", "acknowledge 0", "resolve " + std::to_string(recording_wait_seconds)}));
    const Params ready = {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"}, {"RecordingDuration", "95"},
                          {"RecordingUrl", "https://api.twilio.com/rec/RE1"}, {"RecordingSource", "DialVerb"}};
    f.run(f.callback(recording, ready));
    BOOST_TEST(f.log.outcome == Outcome::alert);
    BOOST_TEST(events_of_any_wait(f) == (std::vector<std::string>{"call 0", "acknowledge 0", "recording 0", "resolve 0"}));
    auto link = nlohmann::json::parse(f.held.at(2).first.body);
    BOOST_TEST(link["dedup_key"] == "CA0001");
    BOOST_TEST(link["payload"]["summary"] == "Recording of the call on Platform line from +*******9876 (95 s)");
    BOOST_TEST(link["links"][0]["href"] == "https://api.twilio.com/rec/RE1");
    BOOST_TEST(link["links"][0]["text"] == "Call recording");
}

BOOST_AUTO_TEST_CASE(only_the_accepted_dials_recording_is_linked)
{
    // Ada's voicemail picks up first and declines; the level rings again
    // and Grace accepts.  Ada's <Dial> may leave a recording too (whether
    // Twilio records a declined screen is not documented): never linked.
    Fixture f(set_key(ops_alerting("answered"), "route:ops", "record_calls", "yes"));
    f.pd.oncalls({F::entry(1, "PU1", "Ada Lovelace"), F::entry(1, "PU2", "Grace Hopper")});
    f.pd.phones("PU2", {F::phone("4155550102")});
    XmlDoc first(f.run(f.post()).body);
    Leg ada{f, first.eval("string(/Response/Dial/Number[1]/@url)")};
    ada.press(ada.pick_up(), "");
    XmlDoc again(f.run(f.callback(first.eval("string(/Response/Dial/@action)"),
                                  {{"CallSid", "CA0001"}, {"CallStatus", "in-progress"}, {"DialCallStatus", "completed"},
                                   {"DialBridged", "false"}, {"From", "+14155559876"}, {"To", "+14155550100"}}))
                      .body);
    BOOST_TEST_REQUIRE(again.all("/Response/Dial/Number") == std::vector<std::string>{"+14155550102"});
    Leg grace{f, again.eval("string(/Response/Dial/Number[1]/@url)")};
    grace.params[3].value = "+14155550102";
    grace.press(grace.pick_up(), "1");
    const Params ready = {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"}, {"RecordingDuration", "8"},
                          {"RecordingUrl", "https://api.twilio.com/rec/REada"}};
    f.run(f.callback(first.eval("string(/Response/Dial/@recordingStatusCallback)"), ready));
    BOOST_TEST(f.log.outcome == Outcome::ignored);
    Params grace_ready = ready;
    grace_ready[3].value = "https://api.twilio.com/rec/REgrace";
    f.run(f.callback(again.eval("string(/Response/Dial/@recordingStatusCallback)"), grace_ready));
    BOOST_TEST(f.log.outcome == Outcome::alert);
    BOOST_TEST(nlohmann::json::parse(f.held.back().first.body)["links"][0]["href"] == "https://api.twilio.com/rec/REgrace");
}

BOOST_AUTO_TEST_CASE(a_late_recording_or_a_failed_one_never_reopens_the_alert)
{
    Fixture f(set_key(ops_alerting("answered"), "route:ops", "record_calls", "yes"));
    XmlDoc first(f.run(f.post()).body);
    const std::string recording = first.eval("string(/Response/Dial/@recordingStatusCallback)");
    Leg ada{f, first.eval("string(/Response/Dial/Number[1]/@url)")};
    ada.press(ada.pick_up(), "1");
    f.run(f.callback(first.eval("string(/Response/Dial/@action)"), dial_answered));
    // Twilio could not store it: the resolve goes now, not in 5 minutes.
    f.run(f.callback(recording, {{"CallSid", "CA0001"}, {"RecordingStatus", "failed"}}));
    BOOST_TEST(events_of_any_wait(f) == (std::vector<std::string>{"call 0", "acknowledge 0", "resolve 0"}));
    // One ready after our resolve went would open a new alert: not sent.
    f.marks.insert("CA0001.resolve");
    f.run(f.callback(recording, {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"}, {"RecordingDuration", "95"},
                                 {"RecordingUrl", "https://api.twilio.com/rec/RE1"}}));
    BOOST_TEST(f.log.outcome == Outcome::ignored);
    BOOST_TEST(contains(f.log.reason, "resolved before its recording was ready"), f.log.reason);
    BOOST_TEST(f.held.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_recording_of_a_call_nobody_took_or_without_an_alert_adds_nothing)
{
    const Params ready = {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"}, {"RecordingDuration", "3"},
                          {"RecordingUrl", "https://api.twilio.com/rec/RE1"}};
    for (const char *mode : {"answered", "off"}) {
        Fixture f(set_key(ops_alerting(mode), "route:ops", "record_calls", "yes"));
        XmlDoc first(f.run(f.post()).body);
        const std::string recording = first.eval("string(/Response/Dial/@recordingStatusCallback)");
        if (std::string(mode) == "off") {
            // Answered, but no alert of the call to carry the link.
            Leg ada{f, first.eval("string(/Response/Dial/Number[1]/@url)")};
            ada.press(ada.pick_up(), "1");
        }
        f.run(f.callback(recording, ready));  // a declined screen may leave one too
        BOOST_TEST(f.log.outcome == Outcome::ignored, mode);
        BOOST_TEST(f.log.reason == "no alert of the call to add the recording to", mode);
        for (const auto &[alert, wait] : f.held) BOOST_TEST((alert.kind != AlertKind::recording), mode);
    }
}

BOOST_AUTO_TEST_SUITE_END()
