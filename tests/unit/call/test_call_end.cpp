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

BOOST_AUTO_TEST_CASE(status_callback_missed_unless_answered_or_voicemail)
{
    Fixture f;
    Params ended = {{"CallSid", "CA0001"}, {"From", "+14155559876"}, {"To", "+14155550100"},
                    {"CallStatus", "completed"}, {"CallDuration", "7"}};
    f.run(f.callback("http://example.com/pd-call-forward/voice/status", ended));
    BOOST_TEST(f.log.route == "ops");
    // Not sent at once: the call's last request may still come after it.
    BOOST_TEST(f.delivered.empty());
    BOOST_REQUIRE_EQUAL(f.held.size(), 1u);
    BOOST_TEST((f.held[0].first.kind == AlertKind::missed));
    BOOST_TEST(f.held[0].second == 30);
    BOOST_TEST(f.log.alert == "held 30 s");
    f.held.clear();
    f.marks.insert("CA0001.recorded");
    f.run(f.callback("http://example.com/pd-call-forward/voice/status", ended));
    BOOST_TEST(f.delivered.empty());
    BOOST_TEST(f.held.empty());
    BOOST_TEST(f.log.outcome == Outcome::ignored);
}

BOOST_AUTO_TEST_CASE(a_recording_marks_the_call_whichever_request_comes_first)
{
    // The recording's callback alone (its <Record> action lost or late)
    // still tells a held missed-call alert that a message was left.
    Fixture f;
    f.run(f.callback(script + "/voice/recording?route=ops&from=%2B14155559876",
                     {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"},
                      {"RecordingUrl", "https://api.twilio.com/r/RE1"}, {"RecordingDuration", "21"}}));
    BOOST_TEST(f.marks.count("CA0001.recorded") == 1u);
    BOOST_TEST(f.delivered.size() == 1u);
    // A silent one marks nothing: its call is a missed call.
    f.run(f.callback(script + "/voice/recording?route=ops&from=%2B14155559876",
                     {{"CallSid", "CA0002"}, {"RecordingStatus", "completed"},
                      {"RecordingUrl", "https://api.twilio.com/r/RE2"}, {"RecordingDuration", "1"}}));
    BOOST_TEST(f.marks.count("CA0002.recorded") == 0u);
    BOOST_TEST(f.delivered.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_transcription_goes_out_with_its_held_voicemail)
{
    Fixture f(ops_with("transcribe = yes\ntranscription_wait = 40\n"));
    BOOST_TEST_REQUIRE(f.config.ok(), f.config.summary());
    const std::string q = "?route=ops&from=%2B14155559876";
    f.run(f.callback(script + "/voice/recording" + q,
                     {{"CallSid", "CA0001"}, {"RecordingStatus", "completed"},
                      {"RecordingUrl", "https://api.twilio.com/r/RE1"}, {"RecordingDuration", "21"}}));
    BOOST_TEST(f.delivered.empty());
    BOOST_REQUIRE_EQUAL(f.held.size(), 1u);
    BOOST_TEST(f.held[0].second == 40);
    BOOST_TEST(f.log.alert == "held 40 s");

    f.run(f.callback(script + "/voice/transcription" + q,
                     {{"CallSid", "CA0001"}, {"TranscriptionStatus", "completed"},
                      {"TranscriptionText", "the disk is full"}, {"RecordingUrl", "https://api.twilio.com/r/RE1"}}));
    BOOST_TEST(f.held.empty());
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    auto e = nlohmann::json::parse(f.delivered[0].body);
    BOOST_TEST(e["payload"]["summary"] == "Voicemail on Platform line from +14155559876 (21 s): \"the disk is full\"");
    BOOST_TEST(e["payload"]["custom_details"]["duration_seconds"] == 21);
    BOOST_TEST(f.log.alert == "sent");

    // Too late: the voicemail alert went out without it.  No second
    // trigger, which would reopen the alert if it was resolved meanwhile.
    f.delivered.clear();
    f.marks.insert("CA0002.voicemail");
    f.run(f.callback(script + "/voice/transcription" + q,
                     {{"CallSid", "CA0002"}, {"TranscriptionStatus", "completed"},
                      {"TranscriptionText", "late"}, {"RecordingUrl", "https://api.twilio.com/r/RE2"}}));
    BOOST_TEST(f.delivered.empty());
    BOOST_TEST(f.log.outcome == Outcome::ignored);
    BOOST_TEST(contains(f.log.reason, "after the voicemail alert had gone out"));

    // Twilio could not transcribe: the held alert goes now, without text.
    f.delivered.clear();
    f.run(f.callback(script + "/voice/recording" + q,
                     {{"CallSid", "CA0004"}, {"RecordingStatus", "completed"},
                      {"RecordingUrl", "https://api.twilio.com/r/RE4"}, {"RecordingDuration", "21"}}));
    BOOST_TEST(f.held.size() == 1u);
    f.run(f.callback(script + "/voice/transcription" + q,
                     {{"CallSid", "CA0004"}, {"TranscriptionStatus", "failed"}, {"RecordingUrl", "https://api.twilio.com/r/RE4"}}));
    BOOST_TEST(f.held.empty());
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    BOOST_TEST(nlohmann::json::parse(f.delivered[0].body)["payload"]["summary"] ==
               "Voicemail on Platform line from +14155559876 (21 s)");
    BOOST_TEST(f.log.reason == "Twilio could not transcribe the message");
    f.delivered.clear();

    // Before the recording's own callback: the voicemail alert, with it.
    f.run(f.callback(script + "/voice/transcription" + q,
                     {{"CallSid", "CA0003"}, {"TranscriptionStatus", "completed"},
                      {"TranscriptionText", "early"}, {"RecordingUrl", "https://api.twilio.com/r/RE3"}}));
    BOOST_REQUIRE_EQUAL(f.delivered.size(), 1u);
    BOOST_TEST((f.delivered[0].kind == AlertKind::voicemail));
}

BOOST_AUTO_TEST_SUITE_END()
