// The INI configuration file, pd-call-forward.ini(5).  Read once per
// process; every problem is collected, each naming file, line and key.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/callers.hpp"
#include "core/address.hpp"
#include "config/hours.hpp"
#include "core/result.hpp"
#include "config/tts.hpp"

namespace pdcf {

enum class Ring { together, in_turn };

// Whether a call is an alert of its own (README "What PagerDuty sees of a
// call"): never; once an engineer accepts it (acknowledged at once, at
// answered_severity); or from the first ring (at severity, acknowledged
// when someone accepts).
enum class CallAlert { off, answered, always };

// [call] keys; each [route:NAME] may override any of them.
struct CallSettings {
    std::string title;  // the line's name in whispers and alerts; the route's name when unset
    std::string greeting = "Please hold while we connect you to the on-call engineer, {name}.";
    std::string fallback_greeting = "Please hold while we connect you to the on-call line.";
    std::string hold_message = "Still trying to reach the on-call engineer. Please hold.";
    // How a menu offers this route, in the route's own voice and language:
    // "Para español, oprima {key}."
    std::string menu_choice = "For {title}, press {key}.";
    // Recordings of the company's own, played instead of the text (https
    // URLs; empty: the text is said).
    std::string greeting_audio;
    std::string hold_audio;
    std::string voicemail_prompt_audio;
    // <Say>'s voice and language (tts.hpp); an empty language is not
    // written: the voice speaks its own.
    std::string voice{default_voice};
    std::string language;
    bool voice_written = false;  // `voice` is in the file (here or in [call])
    int dial_timeout = 25;
    std::string caller_id;        // empty: the caller's own number is shown
    std::string fallback_number;  // empty: straight to voicemail
    std::string unavailable_message = "Sorry, nobody can take your call right now. Please try again in a few minutes.";

    // The hunt through the escalation policy.
    Ring ring = Ring::together;
    int max_loops = 1;  // 1: once through the levels, no repeat
    bool screening = true;
    int screen_timeout = 10;
    std::string whisper = "Call on the {title} line from {caller}. Press 1 to accept, or 2 to pass it on.";

    // Voicemail and the alerts it raises.  Without a routing key there is
    // nowhere to send them: unavailable_message is said instead.
    std::string routing_key;
    bool can_alert() const { return !routing_key.empty(); }
    std::string severity = "critical";
    bool alert_missed_calls = true;
    // The call's own alert.  Off by default: an alert for an answered call
    // pages nobody only once the service's urgency follows severity, a
    // setting in PagerDuty this program cannot see.
    CallAlert call_alert = CallAlert::off;
    std::string answered_severity = "info";
    // An acknowledged alert left open is triggered again by the service's
    // acknowledgement timeout, if it has one: a page long after the call.
    bool resolve_on_hangup = true;  // resolve the call's alert when an answered call ends
    // Calls from one number to the line within this many seconds of the
    // first are one alert (repeats.hpp); 0: each call its own.
    int repeat_window = 1800;
    // More calls than this in a window hear rejected_message; 0: no limit.
    int caller_limit = 0;
    // The bridged conversation recorded, its link in the call's alert;
    // recording_notice said to the caller first.
    bool record_calls = false;
    std::string recording_notice;
    // The caller's own words before the hunt, played to the engineer
    // before "press 1" (ask_reason).
    bool ask_reason = false;
    std::string reason_prompt = "After the tone, please say your name and why you are calling.";
    int reason_max_length = 10;
    // A missed call that only the number's status callback reports waits
    // this long for the call's own last request, which Twilio may send
    // after it: an answer or a message there means no alert.
    int missed_call_wait = 30;
    std::string voicemail_prompt =
        "Nobody could take your call. Please leave a message after the tone; it goes straight to the on-call engineer.";
    int voicemail_max_length = 120;
    bool transcribe = false;
    // With transcribe, how long the voicemail alert waits for Twilio's
    // transcription, to carry it in its summary.
    int transcription_wait = 60;
    std::string voicemail_closing = "Thank you. Your message has been passed on. Goodbye.";

    // Opening hours (hours.hpp).  time_zone and the holidays are inherited
    // from [call]; hours and after_hours are a route's or menu's own.
    Hours hours;
    std::vector<std::int32_t> holidays_listed;  // `holidays`
    std::vector<std::int32_t> holidays_filed;   // the days of `holidays_file`
    // Where calls go outside hours: a route's name, or empty for the
    // line's own voicemail; unset: hours are not kept.
    std::optional<std::string> after_hours;

    // Who may reach the line (callers.hpp).
    CallerRules callers;
    std::string rejected_message = "Sorry, this line does not accept calls or texts from your number.";

    // Text messages to the line (sms_flow.hpp).
    std::string sms_forward = "Text to the {title} line from {caller}: {text}";
    std::string sms_reply;        // empty: the sender gets no confirmation
    std::string sms_unavailable;  // empty: a text that says whether an alert was raised
    bool sms_alert = false;       // every text also raises an alert
};

// Twilio transcribes a recording only in American English, and only when
// it is longer than 2 s and shorter than 120 s (<Record transcribe>);
// elsewhere it writes a warning to its own debug log and nothing comes.
constexpr std::string_view transcription_language = "en-US";
constexpr int transcription_min_seconds = 2;
constexpr int transcription_max_seconds = 120;

// Whom a route rings: PagerDuty's on-call of a policy or schedule, or the
// fixed numbers of `dial` (a service desk), asking PagerDuty nothing.
enum class TargetKind { escalation_policy, schedule, numbers };

// A number this configuration answers, and the section that answers it.
struct LineNumber {
    std::string number;  // E.164
    std::string line;    // its section: "route:ops", "menu:main"
};

// The line whose number `number` is, or nullptr.
inline const LineNumber *line_numbered(const std::vector<LineNumber> &lines, std::string_view number)
{
    for (const auto &l : lines)
        if (!number.empty() && l.number == number) return &l;
    return nullptr;
}

struct Route {
    std::string name;
    std::string number;  // the Twilio number it answers; empty: every other number, unless behind_menu
    TargetKind kind = TargetKind::escalation_policy;
    std::string target;  // the PagerDuty id; empty for TargetKind::numbers
    std::vector<std::string> dial;  // TargetKind::numbers: E.164, rung as one level
    // `callers`: calls and texts from these numbers or prefixes come here,
    // whichever line they reach (route.hpp).
    std::vector<std::string> from_callers;
    CallSettings call;
    // No number, and a menu, another's after_hours or its own `callers`
    // leads to it: reached only that way (and by ?route=).
    bool behind_menu = false;
    // Every line's own number, this one's included (Config::lines): never
    // dialed or texted, and a text from one is not answered.
    std::vector<LineNumber> lines;
};

// A stretch of a menu's prompt in one voice and language: each choice is
// said in its route's.
struct PromptPart {
    std::string text;
    std::string voice;
    std::string language;
};

// One key of a menu and where it leads.
struct MenuEntry {
    char key = '1';     // '0'-'9', '*' or '#'
    std::string route;  // empty: the menu's own voicemail
};

// [menu:NAME]: a spoken choice of routes ("press 1 for the database team").
struct Menu {
    std::string name;
    std::string number;  // the Twilio number it answers; empty: every other number
    std::string prompt;  // as said, placeholders filled in (made from the titles when not set)
    std::string prompt_audio;  // menu_prompt_audio: played instead of the prompt
    std::vector<PromptPart> prompt_parts;  // `prompt` as said, by voice
    std::string invalid_message = "Sorry, that is not one of the choices.";  // as said
    std::vector<MenuEntry> entries;  // in the order they are offered: 1-9, 0, *, #
    int retries = 2;                 // prompts repeated after no key or a wrong one
    int timeout = 5;                 // seconds to wait for a key
    MenuEntry fallback{'\0', {}};    // `default`: after the last retry
    // The menu's own line: voice, language, title, its voicemail and alerts,
    // caller lists and texts that name no entry.
    CallSettings call;
};

struct PagerDutySettings {
    std::string token;
    std::string api_url = "https://api.pagerduty.com";
    std::string events_url = "https://events.pagerduty.com/v2/enqueue";
    std::string spool_dir = "/var/lib/pd-call-forward/spool";  // alerts not yet delivered
    // What PagerDuty said, shared by every process: fresh for oncall_ttl
    // (at most until a shift ends) and contact_ttl; used past that, when
    // PagerDuty fails, for stale_max.  0 s: not cached.
    std::string cache_dir = "/var/cache/pd-call-forward";
    std::chrono::seconds oncall_ttl{60};
    std::chrono::seconds contact_ttl{3600};
    std::chrono::seconds stale_max{86400};
    // A FastCGI worker refreshes what a call will need before it expires,
    // for every route a call used within refresh_idle.  0 s: never in
    // the background (--refresh still does).
    std::chrono::seconds refresh_idle{7 * 86400};
    std::chrono::milliseconds timeout{5000};
    std::string prefer_label;
    std::string ca_file;  // empty: the system's trust store
};

struct TwilioSettings {
    std::vector<std::string> auth_tokens;  // primary, then secondary
    // A Webhook Setting's SharedKey secrets, primary then secondary: what
    // Twilio signs with instead of the Auth Token where a Webhook Rule says so.
    std::vector<std::string> shared_keys;
    bool validate_signature = true;
    std::string public_url;  // without a trailing '/'
};

// [server]: what the program says of itself, and to whom.
struct ServerSettings {
    // Peers that may read /metrics (REMOTE_ADDR); loopback unless set.
    std::vector<AddressPrefix> metrics_allow;
    // The call history (--calls), both its files together, in bytes.
    std::size_t history_max = 4 * 1024 * 1024;
};

struct Config {
    std::string path;
    // Where the secrets came from, to warn when others can read them.
    bool inline_secrets = false;            // a token written in this file
    std::vector<std::string> secret_files;  // *_file keys, resolved
    PagerDutySettings pagerduty;
    TwilioSettings twilio;
    CallSettings call;
    ServerSettings server;
    std::vector<Route> routes;
    std::vector<Menu> menus;
    std::vector<LineNumber> lines;  // every route's and menu's number
};

struct ConfigProblem {
    std::string file;
    int line = 0;         // 0 when the problem has no line (a missing key)
    std::string where;    // "[section] key", "[section]" or ""
    std::string message;  // what is wrong and what is expected
    std::string str() const;
};

struct ConfigResult {
    Config config;
    std::vector<ConfigProblem> errors;
    std::vector<ConfigProblem> warnings;
    // Not in the file, yet as grave: a spool_dir or cache_dir other users
    // can change (own_dir.hpp).  It is not used, and calls are still
    // answered; said as an error at start, and --check exits 1.
    std::vector<ConfigProblem> unsafe;
    bool ok() const { return errors.empty(); }
    std::string summary() const;  // the first error, and how many more
};

// Reads a file the configuration names (token_file, holidays_file...), of
// at most `max` bytes.  Passed in so parsing stays free of I/O.
using FileReader = std::function<Result<std::string>(const std::string &path, std::size_t max)>;

ConfigResult config_parse(std::string_view text, const std::string &path, const FileReader &read_file);

// Reads `path` and the secret files it names (relative names are taken
// from the config file's directory), and warns when a file holding a
// secret can be read by every user.
[[nodiscard]] ConfigResult config_load(const std::string &path);

}  // namespace pdcf
