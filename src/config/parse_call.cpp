#include "config/parser.hpp"

#include "config/config_value.hpp"
#include "core/limits.hpp"
#include "core/phone.hpp"

namespace pdcf::ini {

namespace {

// The [call] keys of one kind, each with where it goes: a table, so that a
// new key is one line, and its check the same as its neighbours'.
struct TextKey {
    const char *key;
    std::string CallSettings::*field;
    std::vector<std::string_view> placeholders;  // the ones it may use
};
const TextKey text_keys[] = {
    {"greeting", &CallSettings::greeting, {"{name}", "{first_name}", "{title}", "{local_time}"}},
    {"fallback_greeting", &CallSettings::fallback_greeting, {"{title}"}},
    {"hold_message", &CallSettings::hold_message, {"{title}"}},
    {"unavailable_message", &CallSettings::unavailable_message, {"{title}"}},
    {"whisper", &CallSettings::whisper, {"{title}", "{caller}", "{local_time}"}},
    {"voicemail_prompt", &CallSettings::voicemail_prompt, {"{title}"}},
    {"voicemail_closing", &CallSettings::voicemail_closing, {"{title}"}},
    {"rejected_message", &CallSettings::rejected_message, {"{title}"}},
    {"recording_notice", &CallSettings::recording_notice, {"{title}"}},
    {"reason_prompt", &CallSettings::reason_prompt, {"{title}"}},
    {"sms_reply", &CallSettings::sms_reply, {"{name}", "{first_name}", "{title}"}},
    {"sms_unavailable", &CallSettings::sms_unavailable, {"{title}"}},
    {"sms_forward", &CallSettings::sms_forward, {"{title}", "{caller}", "{text}"}},
    {"title", &CallSettings::title, {}},
    {"menu_choice", &CallSettings::menu_choice, {"{title}", "{key}"}},
};

struct NumberKey {
    const char *key;
    int CallSettings::*field;
    int low, high;
    const char *what;
};
const NumberKey number_keys[] = {
    {"dial_timeout", &CallSettings::dial_timeout, limits::min_dial_timeout, limits::max_dial_timeout, "whole seconds"},
    {"max_loops", &CallSettings::max_loops, 1, limits::max_loops, "a number of rounds"},
    {"screen_timeout", &CallSettings::screen_timeout, limits::min_screen_timeout, limits::max_screen_timeout,
     "whole seconds"},
    {"voicemail_max_length", &CallSettings::voicemail_max_length, limits::min_voicemail_length,
     limits::max_voicemail_length, "whole seconds"},
    {"transcription_wait", &CallSettings::transcription_wait, limits::min_transcription_wait,
     limits::max_transcription_wait, "whole seconds"},
    {"missed_call_wait", &CallSettings::missed_call_wait, limits::min_missed_call_wait, limits::max_missed_call_wait,
     "whole seconds"},
    {"repeat_window", &CallSettings::repeat_window, 0, limits::max_repeat_window, "whole seconds (0: off)"},
    {"caller_limit", &CallSettings::caller_limit, 0, limits::max_caller_limit, "a number of calls (0: no limit)"},
    {"reason_max_length", &CallSettings::reason_max_length, limits::min_reason_length, limits::max_reason_length,
     "whole seconds"},
};

struct FlagKey {
    const char *key;
    bool CallSettings::*field;
};
const FlagKey flag_keys[] = {
    {"sms_alert", &CallSettings::sms_alert},
    {"screening", &CallSettings::screening},
    {"transcribe", &CallSettings::transcribe},
    {"alert_missed_calls", &CallSettings::alert_missed_calls},
    {"resolve_on_hangup", &CallSettings::resolve_on_hangup},
    {"record_calls", &CallSettings::record_calls},
    {"ask_reason", &CallSettings::ask_reason},
};

template <class Table>
auto find_key(const Table &table, const std::string &key) -> decltype(&table[0])
{
    for (const auto &row : table)
        if (key == row.key) return &row;
    return nullptr;
}

}  // namespace

// A [call] key, in [call] or a route.  Returns false if `key` is not one.
bool Parser::call_key(const std::string &section, const std::string &key, const std::string &value, CallSettings &c)
{
    if (const TextKey *t = find_key(text_keys, key)) {
        if (key == "title" && (value.empty() || has_control(value)))
            error(section, key, "expected the line's name, such as Platform");
        if (auto ok = check_placeholders(value, t->placeholders); !ok) error(section, key, ok.error());
        if (key == "sms_forward" && value.find("{text}") == std::string::npos)
            error(section, key, "expected {text} in it, where the message goes");
        c.*(t->field) = value;
    } else if (const NumberKey *n = find_key(number_keys, key)) {
        auto v = parse_int(value);
        if (!v || *v < n->low || *v > n->high)
            error(section, key,
                  std::string("expected ") + n->what + " from " + std::to_string(n->low) + " to " + std::to_string(n->high));
        else
            c.*(n->field) = static_cast<int>(*v);
    } else if (const FlagKey *f = find_key(flag_keys, key)) {
        auto b = parse_bool(value);
        if (!b) error(section, key, "expected yes or no");
        else c.*(f->field) = *b;
    } else {
        return special_call_key(section, key, value, c);
    }
    return true;
}

// The [call] keys each with a check of its own.
bool Parser::special_call_key(const std::string &section, const std::string &key, const std::string &value,
                              CallSettings &c)
{
    auto callers = [&](std::vector<std::string> &field) {
        auto list = caller_list_parse(value);
        field = list.value_or({});
        if (!list) error(section, key, list.error());
    };
    auto phone = [&](std::string &field) {
        if (!value.empty() && !is_e164(value))
            error(section, key, "expected a phone number in E.164 form, such as +14155550100, or nothing");
        field = value;
    };
    if (key == "allow_callers") {
        callers(c.callers.allow);
    } else if (key == "block_callers") {
        callers(c.callers.block);
    } else if (key == "allow_anonymous") {
        auto b = parse_bool(value);
        if (!b) error(section, key, "expected yes or no");
        c.callers.allow_anonymous = b.value_or(true);
    } else if (key == "voice") {
        // Checked with the language once the section is read (voice_checks).
        c.voice = value;
        c.voice_written = true;
    } else if (key == "language") {
        if (!value.empty() && !is_language(value))
            error(section, key, "expected a language tag such as en-US or de-DE, or nothing (the voice's own)");
        else
            c.language = value;
    } else if (key == "caller_id" || key == "fallback_number") {
        phone(key == "caller_id" ? c.caller_id : c.fallback_number);
    } else if (key == "ring") {
        if (value == "together") c.ring = Ring::together;
        else if (value == "in-turn") c.ring = Ring::in_turn;
        else error(section, key, "expected together (everyone at a level at once) or in-turn (one after another)");
    } else if (key == "severity" || key == "answered_severity") {
        if (value != "critical" && value != "error" && value != "warning" && value != "info")
            error(section, key, "expected critical, error, warning or info");
        (key == "severity" ? c.severity : c.answered_severity) = value;
    } else if (key == "greeting_audio" || key == "hold_audio" || key == "voicemail_prompt_audio") {
        if (auto ok = check_audio_url(value); !ok) error(section, key, ok.error());
        (key == "greeting_audio" ? c.greeting_audio : key == "hold_audio" ? c.hold_audio : c.voicemail_prompt_audio) = value;
    } else if (key == "call_alert") {
        if (value == "off") c.call_alert = CallAlert::off;
        else if (value == "answered") c.call_alert = CallAlert::answered;
        else if (value == "always") c.call_alert = CallAlert::always;
        else error(section, key, "expected off, answered (an alert once an engineer accepts) or always (from the first ring)");
    } else {
        return hours_key(section, key, value, c);
    }
    return true;
}

}  // namespace pdcf::ini
