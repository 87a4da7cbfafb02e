#include "config/parser.hpp"

#include <algorithm>

#include "config/config_value.hpp"
#include "config/route.hpp"
#include "core/placeholders.hpp"
#include "core/limits.hpp"
#include "core/phone.hpp"

namespace pdcf::ini {

namespace {

// A key as the generated prompt says it: "star"; '#' is "pound" to North
// Americans and "hash" to everyone else.
std::string spoken_key(char key, const std::string &language)
{
    if (key == '*') return "star";
    if (key == '#') return language == "en-US" || language == "en-CA" ? "pound" : "hash";
    return std::string(1, key);
}

// The [call] keys that only make sense where someone is dialed or texted:
// a menu hands its calls and texts to routes, which use their own.
bool route_only(const std::string &key)
{
    static const char *const keys[] = {"greeting",        "fallback_greeting", "hold_message",   "dial_timeout",
                                       "caller_id",       "fallback_number",   "ring",           "max_loops",
                                       "screening",       "screen_timeout",    "whisper",        "sms_forward",
                                       "sms_reply",       "sms_unavailable",   "sms_alert",      "call_alert",
                                       "answered_severity", "resolve_on_hangup", "repeat_window", "caller_limit",
                                       "record_calls", "recording_notice", "ask_reason", "reason_prompt",
                                       "reason_max_length", "greeting_audio", "hold_audio", "menu_choice"};
    return std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
}

// "1".."9", "0", "*", "#" (or "star", "hash"): the key, else '\0'.
char menu_key(const std::string &key)
{
    if (key == "star") return '*';
    if (key == "hash") return '#';
    if (key.size() == 1 && std::string_view("0123456789*#").find(key[0]) != std::string_view::npos) return key[0];
    return '\0';
}

// The order a menu offers its keys in: 1 to 9, then 0, *, #.
int key_rank(char key) { return std::string_view("1234567890*#").find(key); }

// `text` said in `call`'s voice after the parts so far: in the last part
// when that has the same voice and language.
void add_part(std::vector<PromptPart> &parts, std::string_view text, const CallSettings &call)
{
    text = trim(text);
    if (text.empty()) return;
    if (!parts.empty() && parts.back().voice == call.voice && parts.back().language == call.language)
        parts.back().text += " " + std::string(text);
    else
        parts.push_back({std::string(text), call.voice, call.language});
}

// The prompt by voice: the menu's own words in its voice, each choice in
// its route's (`choices`, the same as `choice_parts` in one string).
std::vector<PromptPart> prompt_parts(const Menu &m, const std::string &prompt, const std::vector<PromptPart> &choice_parts,
                                     const std::string &choices)
{
    const std::string template_text = prompt.empty() ? "{choices}" : prompt;
    const Placeholders title = {{"{title}", m.call.title}};
    std::vector<PromptPart> parts;
    const std::size_t at = template_text.find("{choices}");
    if (at == std::string::npos) {
        add_part(parts, fill(template_text, title), m.call);
        return parts;
    }
    add_part(parts, fill(template_text.substr(0, at), title), m.call);
    for (const auto &p : choice_parts) {
        CallSettings voice;
        voice.voice = p.voice;
        voice.language = p.language;
        add_part(parts, p.text, voice);
    }
    add_part(parts, fill(template_text.substr(at + 9), {{"{choices}", choices}, {"{title}", m.call.title}}), m.call);
    return parts;
}

}  // namespace

// menu_retries or menu_timeout.
void Parser::menu_number(const std::string &section, const std::string &key, const std::string &value, Menu &menu)
{
    bool retries = key == "menu_retries";
    int low = retries ? 0 : limits::min_menu_timeout, high = retries ? limits::max_menu_retries : limits::max_menu_timeout;
    auto n = parse_int(value);
    if (!n || *n < low || *n > high)
        error(section, key, std::string("expected ") + (retries ? "a number of repeats" : "whole seconds") + " from " +
                                std::to_string(low) + " to " + std::to_string(high));
    else
        (retries ? menu.retries : menu.timeout) = static_cast<int>(*n);
}

void Parser::menu(const std::string &section, const pt::ptree &tree)
{
    Menu menu;
    menu.name = section.substr(menu_prefix.size());
    menu.call = r_.config.call;
    if (!is_name(menu.name))
        error(section, "", "expected a menu name of letters, digits, '-' and '_', such as [menu:main]");
    auto choice = [&](const std::string &key, const std::string &value, char k) {
        if (value != "voicemail" && !is_name(value))
            error(section, key, "expected a route name (of a [route:NAME] section) or voicemail");
        return MenuEntry{k, value == "voicemail" ? "" : value};
    };
    for (const auto &[key, node] : tree) {
        std::string value = unquote(trim(node.data()));
        if (char k = menu_key(key)) {
            for (const auto &e : menu.entries)
                if (e.key == k) error(section, key, std::string("key ") + k + " is set twice");
            menu.entries.push_back(choice(key, value, k));
        } else if (key == "number") {
            if (!is_e164(value)) error(section, key, "expected the Twilio number in E.164 form, such as +14155550100");
            menu.number = value;
        } else if (key == "prompt") {
            if (auto ok = check_placeholders(value, {"{choices}", "{title}"}); !ok) error(section, key, ok.error());
            if (value.empty()) error(section, key, "expected what the caller hears, or leave the key out for the default");
            menu.prompt = value;
        } else if (key == "menu_prompt_audio") {
            if (auto ok = check_audio_url(value); !ok) error(section, key, ok.error());
            menu.prompt_audio = value;
        } else if (key == "invalid_message") {
            if (auto ok = check_placeholders(value, {"{title}"}); !ok) error(section, key, ok.error());
            menu.invalid_message = value;
        } else if (key == "menu_retries" || key == "menu_timeout") {
            menu_number(section, key, value, menu);
        } else if (key == "default") {
            menu.fallback = choice(key, value, '\0');
        } else if (key == "routing_key" || key == "routing_key_file") {
            continue;
        } else if (route_only(key)) {
            error(section, key,
                  "only for routes: a menu dials and texts nobody itself (set it in the routes it leads to)");
        } else if (!call_key(section, key, value, menu.call)) {
            error(section, key,
                  "unknown key (expected number, prompt, menu_prompt_audio, 0-9, *, #, default, menu_retries, menu_timeout, "
                  "invalid_message, or a [call] key for the menu's own voicemail)");
        }
    }
    routing_key(section, tree, menu.call);
    settle_voice(section, menu.call);
    settle_hours(menu.call);
    if (menu.call.title.empty()) menu.call.title = menu.name;
    if (menu.entries.empty()) error(section, "", "no choices; add keys such as 1 = ROUTE and 2 = ROUTE");
    std::stable_sort(menu.entries.begin(), menu.entries.end(),
                     [](const MenuEntry &a, const MenuEntry &b) { return key_rank(a.key) < key_rank(b.key); });
    r_.config.menus.push_back(std::move(menu));
}

// Once every route is known: each entry names one, and the prompt is made.
// A route without a number that a menu leads to is reached through the
// menu, so one published number can serve every team behind it; the same
// for a route that takes another's calls after hours.
void Parser::menu_checks()
{
    for (auto &r : r_.config.routes)
        for (const auto &m : r_.config.menus) {
            bool named = m.fallback.route == r.name;
            for (const auto &e : m.entries) named = named || e.route == r.name;
            if (named && r.number.empty()) r.behind_menu = true;
        }
    // So is one that another route or menu sends its calls to after hours,
    // and one its own callers reach.
    for (auto &r : r_.config.routes) {
        bool named = false;
        for (const auto &o : r_.config.routes) named = named || o.call.after_hours == r.name;
        for (const auto &m : r_.config.menus) named = named || m.call.after_hours == r.name;
        if ((named || !r.from_callers.empty()) && r.number.empty()) r.behind_menu = true;
    }
    auto route_of = [&](const std::string &name) { return route_find(r_.config, name); };
    for (auto &m : r_.config.menus) {
        const std::string section = std::string(menu_prefix) + m.name;
        bool voicemail = m.fallback.route.empty();
        std::string choices;
        std::vector<PromptPart> choice_parts;
        const auto offer = [&](const std::string &text, const CallSettings &voice) {
            choices += (choices.empty() ? "" : " ") + text;
            add_part(choice_parts, text, voice);
        };
        for (const auto &e : m.entries) {
            // The key as written, for the error's line: '#' is always "hash" by now.
            std::string key = e.key == '#' ? "hash" : std::string(1, e.key);
            if (e.key == '*' && ini_line(index_, section, "*") == 0) key = "star";
            if (e.route.empty()) {
                voicemail = true;
                offer("To leave a message, press " + spoken_key(e.key, spoken_language(m.call.voice, m.call.language)) + ".",
                      m.call);
            } else if (const Route *r = route_of(e.route)) {
                // In the route's own voice and language ("Para español,
                // oprima 2.") when it sets one; else in the menu's.
                const bool own = sets_any(std::string(route_prefix) + r->name, {"voice", "language"});
                const CallSettings &voice = own ? r->call : m.call;
                const std::string spoken = spoken_key(e.key, spoken_language(voice.voice, voice.language));
                offer(fill(r->call.menu_choice, {{"{title}", r->call.title}, {"{key}", spoken}}), voice);
            } else {
                error(section, key, "no [route:" + e.route + "]; expected a route name or voicemail");
            }
        }
        if (!m.fallback.route.empty() && !route_of(m.fallback.route))
            error(section, "default", "no [route:" + m.fallback.route + "]; expected a route name or voicemail");
        m.prompt_parts = prompt_parts(m, m.prompt, choice_parts, choices);
        m.prompt = fill(m.prompt.empty() ? "{choices}" : m.prompt, {{"{choices}", choices}, {"{title}", m.call.title}});
        m.invalid_message = fill(m.invalid_message, {{"{title}", m.call.title}});
        if (voicemail && m.call.routing_key.empty())
            warning(section, "",
                    "no routing_key: its voicemail is off, so a caller who chooses it (or nothing) hears "
                    "unavailable_message");
        for (const auto &r : r_.config.routes)
            if (r.name == m.name)
                error(section, "", "a route is also called " + m.name + "; give the menu another name");
    }
}

}  // namespace pdcf::ini
