#include "config/parser.hpp"

#include <algorithm>

#include "config/config_value.hpp"
#include "core/ascii.hpp"

namespace pdcf::ini {

// A section's voice and language, once all of it is read.  A language
// set further up ([call]) does not apply to a voice this section picks that
// speaks its own (it was meant for another voice, and Twilio may refuse
// the pair); a language with no voice anywhere picks a voice that speaks
// it, as the default voice speaks only American English.
void Parser::settle_voice(const std::string &section, CallSettings &call) const
{
    bool sets_voice = sets_any(section, {"voice"}), sets_language = sets_any(section, {"language"});
    if (sets_voice && !sets_language && voice_speaks_its_own(call.voice)) call.language.clear();
    if (!call.voice_written && !call.language.empty()) call.voice = voice_for_language(call.language);
}

bool Parser::sets_any(const std::string &section, std::initializer_list<const char *> keys) const
{
    for (const char *key : keys)
        if (ini_line(index_, section, key) != 0) return true;
    return false;
}

// The voice and language a section ends up with, checked together: a
// section that sets neither inherits [call]'s, which is checked there.
void Parser::voice_checks(const std::string &section, const CallSettings &call)
{
    bool sets_voice = ini_line(index_, section, "voice") != 0;
    if (!sets_voice && ini_line(index_, section, "language") == 0) return;
    VoiceCheck v = voice_check(call.voice, call.language);
    if (v.level == VoiceCheck::Level::ok) return;
    const char *key = sets_voice ? "voice" : "language";
    if (v.level == VoiceCheck::Level::error)
        error(section, key, v.message);
    else
        warning(section, key, v.message);
}

// transcribe = yes where Twilio will not transcribe: said where the
// setting that makes it so is written, as voice_checks does.
void Parser::transcription_checks(const std::string &section, const CallSettings &call)
{
    if (!call.transcribe) return;
    auto here = [&](std::initializer_list<const char *> keys) { return section == "call" || sets_any(section, keys); };
    const std::string spoken = spoken_language(call.voice, call.language);
    if (!ascii_iequal(spoken, transcription_language) && here({"transcribe", "voice", "language"}))
        warning(section, "transcribe",
                "Twilio transcribes only American English (en-US) and this line speaks " + spoken +
                    ": its transcripts will be of little use (the recording is always in the alert)");
    if (call.voicemail_max_length > transcription_max_seconds && here({"transcribe", "voicemail_max_length"}))
        warning(section, "transcribe",
                "Twilio transcribes only messages shorter than " + std::to_string(transcription_max_seconds) +
                    " s and voicemail_max_length is " + std::to_string(call.voicemail_max_length) +
                    ": a longer message will come without a transcript");
}

// caller_limit counts within repeat_window, which must be on; and an
// answered call's alert at a severity PagerDuty makes high urgency ("based
// on alert severity": critical and error) pages the engineer who is on
// the phone already.
void Parser::call_alert_checks(const std::string &section, const CallSettings &call)
{
    if (call.caller_limit > 0 && call.repeat_window == 0 &&
        (section == "call" || sets_any(section, {"caller_limit", "repeat_window"})))
        error(section, "caller_limit", "it counts calls within repeat_window, which is 0: set a window, or no limit");
    if (!call.recording_notice.empty() && !call.record_calls && (section == "call" || sets_any(section, {"recording_notice", "record_calls"})))
        warning(section, "recording_notice", "it is said only when record_calls is yes, and record_calls is no");
    if (call.record_calls && call.call_alert == CallAlert::off &&
        (section == "call" || sets_any(section, {"record_calls", "call_alert"})))
        warning(section, "record_calls",
                "calls are recorded, but with call_alert off no alert carries the link: find the recordings in "
                "Twilio's console");
    if (call.call_alert == CallAlert::always && !call.screening &&
        (section == "call" || sets_any(section, {"call_alert", "screening"})))
        warning(section, "call_alert",
                "without screening a personal voicemail that picks up looks like an answer: the call's alert is "
                "neither acknowledged nor resolved, someone must close it; set screening = yes, or call_alert = "
                "answered");
    if (call.caller_limit > 0 && !call.alert_missed_calls &&
        (section == "call" || sets_any(section, {"caller_limit", "alert_missed_calls"})))
        warning(section, "caller_limit",
                "with alert_missed_calls = no a caller turned away raises no alert: nobody would hear of a caller "
                "who keeps calling; set alert_missed_calls = yes");
    // answered_severity is of the answered call's alert, and of a recording's link.
    if (call.call_alert != CallAlert::answered && !(call.call_alert == CallAlert::always && call.record_calls)) return;
    if (section != "call" && !sets_any(section, {"call_alert", "answered_severity", "record_calls"})) return;
    if (call.answered_severity == "critical" || call.answered_severity == "error")
        warning(section, "answered_severity",
                "it is " + call.answered_severity + ", which PagerDuty makes high urgency: " +
                    (call.call_alert == CallAlert::answered ? "every answered call would page"
                                                            : "a recording's link that finds the alert resolved would "
                                                              "page") +
                    "; use warning or info");
}

void Parser::cross_checks()
{
    menu_checks();
    voice_checks("call", r_.config.call);
    transcription_checks("call", r_.config.call);
    call_alert_checks("call", r_.config.call);
    for (const auto &r : r_.config.routes) {
        voice_checks(std::string(route_prefix) + r.name, r.call);
        transcription_checks(std::string(route_prefix) + r.name, r.call);
        call_alert_checks(std::string(route_prefix) + r.name, r.call);
        hours_checks(std::string(route_prefix) + r.name, r.name, r.call);
    }
    for (const auto &m : r_.config.menus) {
        voice_checks(std::string(menu_prefix) + m.name, m.call);
        transcription_checks(std::string(menu_prefix) + m.name, m.call);
        hours_checks(std::string(menu_prefix) + m.name, m.name, m.call);
    }
    for (const auto &r : r_.config.routes)
        if (r.call.routing_key.empty())
            warning("route:" + r.name, "",
                    "no routing_key: voicemail and missed-call alerts are off, so a caller nobody answers hears "
                    "unavailable_message");
    if (!have_pagerduty_) error("", "", "missing [pagerduty] section (it holds the API token)");
    if (!have_twilio_ && r_.config.twilio.validate_signature)
        error("", "", "missing [twilio] section (it holds auth_token, to check X-Twilio-Signature)");
    if (r_.config.routes.empty())
        error("", "", "no [route:NAME] section; add one with escalation_policy or schedule");
    number_checks();
}

// The lines' numbers: each answers one route or menu, one of them may take
// the rest, and none is dialed by a line; and whose callers are whose.
void Parser::number_checks()
{
    // Every number answers one route or menu; one of them may take the rest.
    std::vector<LineNumber> lines;
    for (const auto &r : r_.config.routes)
        if (!r.behind_menu) lines.push_back({r.number, std::string(route_prefix) + r.name});
    for (const auto &m : r_.config.menus) lines.push_back({m.number, std::string(menu_prefix) + m.name});
    const LineNumber *catch_all = nullptr;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const LineNumber &a = lines[i];
        if (a.number.empty()) {
            if (catch_all)
                error(a.line, "",
                      "both [" + catch_all->line + "] and this section have no number; only one may catch all calls");
            catch_all = &a;
        }
        for (std::size_t j = 0; j < i; ++j)
            if (!a.number.empty() && a.number == lines[j].number)
                error(a.line, "number", "the number is already used by [" + lines[j].line + "]");
    }
    // No line dials or texts a line's own number (without_lines): it
    // would ring this program again, in a loop.
    for (const auto &l : lines)
        if (!l.number.empty()) r_.config.lines.push_back(l);
    for (auto &r : r_.config.routes) r.lines = r_.config.lines;
    auto fallback_check = [&](const std::string &section, const CallSettings &call) {
        for (const auto &l : r_.config.lines)
            if (call.fallback_number == l.number && (section == "call" || sets_any(section, {"fallback_number"})))
                error(section, "fallback_number",
                      "this is the number of [" + l.line + "]: dialing it would ring this program again; "
                      "give a phone outside pd-call-forward, or nothing");
    };
    fallback_check("call", r_.config.call);
    for (const auto &r : r_.config.routes) fallback_check(std::string(route_prefix) + r.name, r.call);
    for (const auto &m : r_.config.menus) fallback_check(std::string(menu_prefix) + m.name, m.call);
    // A caller is one route's; the longest prefix decides, so only the same
    // entry twice is ambiguous.
    for (std::size_t i = 0; i < r_.config.routes.size(); ++i)
        for (const auto &p : r_.config.routes[i].from_callers)
            for (std::size_t j = 0; j < i; ++j) {
                const auto &other = r_.config.routes[j].from_callers;
                if (std::find(other.begin(), other.end(), p) != other.end())
                    error(std::string(route_prefix) + r_.config.routes[i].name, "callers",
                          p + " is in the callers of [route:" + r_.config.routes[j].name + "] too; a caller has one route");
            }
    for (const auto &r : r_.config.routes)
        for (const auto &n : r.dial)
            if (const LineNumber *l = line_numbered(r_.config.lines, n))
                error(std::string(route_prefix) + r.name, "dial",
                      n + " is the number of [" + l->line + "]: dialing it would ring this program again");
}

}  // namespace pdcf::ini
