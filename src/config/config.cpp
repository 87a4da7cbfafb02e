#include "config/config.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <sys/stat.h>

#include <boost/property_tree/ini_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include "config/config_value.hpp"
#include "core/ascii.hpp"
#include "core/limits.hpp"
#include "core/phone.hpp"
#include "core/placeholders.hpp"
#include "core/small_file.hpp"

namespace pdcf {

namespace pt = boost::property_tree;
using namespace ini;

std::string ConfigProblem::str() const
{
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line);
    s += ": ";
    if (!where.empty()) s += where + ": ";
    return s + message;
}

std::string ConfigResult::summary() const
{
    if (errors.empty()) return {};
    std::string s = errors.front().str();
    if (errors.size() > 1) s += " (and " + std::to_string(errors.size() - 1) + " more)";
    return s;
}

namespace {

constexpr std::string_view route_prefix = "route:";
constexpr std::string_view menu_prefix = "menu:";

// read_ini takes every line that starts with '#' for a comment, so a
// menu's "# = ROUTE" would vanish without a word.  In [menu:...] sections
// such a line becomes "hash = ROUTE" before parsing; the line count stays.
std::string menu_hash_keys(std::string_view text)
{
    std::string out;
    bool in_menu = false;
    for (std::size_t pos = 0; pos <= text.size();) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        std::string_view t = trim(line);
        if (t.size() >= 2 && t.front() == '[' && t.back() == ']')
            in_menu = trim(t.substr(1, t.size() - 2)).substr(0, menu_prefix.size()) == menu_prefix;
        if (in_menu && !t.empty() && t.front() == '#' && trim(t.substr(1)).substr(0, 1) == "=")
            out += "hash " + std::string(trim(t.substr(1)));
        else
            out += line;
        if (end < text.size()) out += '\n';
        pos = end + 1;
    }
    return out;
}

// Boost.PropertyTree keeps no line numbers, and read_ini drops sections
// without keys, so the text is also indexed here, in one pass: the line of
// every [section] header (key "") and of every key.
struct IniLine {
    int line;
    std::string_view section;
    std::string_view key;
};

std::vector<IniLine> ini_index(std::string_view text)
{
    std::vector<IniLine> index;
    std::string_view current;
    int lineno = 0;
    for (std::size_t pos = 0; pos <= text.size();) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = trim(text.substr(pos, end - pos));
        ++lineno;
        pos = end + 1;
        if (line.empty() || line.front() == ';' || line.front() == '#') continue;
        if (line.size() >= 2 && line.front() == '[' && line.back() == ']') {
            current = trim(line.substr(1, line.size() - 2));
            index.push_back({lineno, current, {}});
        } else if (std::size_t eq = line.find('='); eq != std::string_view::npos) {
            index.push_back({lineno, current, trim(line.substr(0, eq))});
        }
    }
    return index;
}

// The line of `key` in [section], or of the header when `key` is empty;
// 0 when it is not in the file.
int ini_line(const std::vector<IniLine> &index, std::string_view section, std::string_view key)
{
    for (const auto &l : index)
        if (l.section == section && l.key == key) return l.line;
    return 0;
}

class Parser {
public:
    Parser(std::string_view text, const std::string &path, const SecretReader &read_secret, ConfigResult &result)
        : text_(menu_hash_keys(text)), index_(ini_index(text_)), path_(path), read_secret_(read_secret), r_(result)
    {
        r_.config.path = path;
    }

    void run();

private:
    void error(const std::string &section, const std::string &key, const std::string &message)
    {
        add(r_.errors, section, key, message);
    }
    void warning(const std::string &section, const std::string &key, const std::string &message)
    {
        add(r_.warnings, section, key, message);
    }
    void add(std::vector<ConfigProblem> &to, const std::string &section, const std::string &key, const std::string &message)
    {
        ConfigProblem p;
        p.file = path_;
        p.line = ini_line(index_, section, key);
        if (p.line == 0 && !key.empty()) p.line = ini_line(index_, section, "");
        p.where = section.empty() ? key : "[" + section + "]" + (key.empty() ? "" : " " + key);
        p.message = message;
        to.push_back(std::move(p));
    }

    std::string secret(const std::string &section, const pt::ptree &tree, const std::string &key, bool required);
    bool call_key(const std::string &section, const std::string &key, const std::string &value, CallSettings &call);
    void routing_key(const std::string &section, const pt::ptree &tree, CallSettings &call);
    void pagerduty(const pt::ptree &tree);
    void twilio(const pt::ptree &tree);
    void call(const pt::ptree &tree);
    void route(const std::string &section, const pt::ptree &tree);
    void menu(const std::string &section, const pt::ptree &tree);
    void menu_checks();
    void settle_voice(const std::string &section, CallSettings &call) const;
    void voice_checks(const std::string &section, const CallSettings &call);
    void transcription_checks(const std::string &section, const CallSettings &call);
    bool sets_any(const std::string &section, std::initializer_list<const char *> keys) const;
    void cross_checks();

    std::string text_;
    std::vector<IniLine> index_;
    const std::string &path_;
    const SecretReader &read_secret_;
    ConfigResult &r_;
    bool have_pagerduty_ = false;
    bool have_twilio_ = false;
};

// `key` inline or `key_file`: exactly one of them.
std::string Parser::secret(const std::string &section, const pt::ptree &tree, const std::string &key, bool required)
{
    auto inline_value = tree.get_optional<std::string>(key);
    auto file_value = tree.get_optional<std::string>(key + "_file");
    if (inline_value && file_value) {
        error(section, key + "_file", "set either " + key + " or " + key + "_file, not both");
        return {};
    }
    std::string value;
    if (inline_value) {
        value = unquote(trim(*inline_value));
        if (value.empty()) error(section, key, "expected the secret, found an empty value");
        r_.config.inline_secrets = true;
    } else if (file_value) {
        std::string file = unquote(trim(*file_value));
        if (!file.empty() && file.front() != '/') {
            std::size_t slash = path_.rfind('/');
            if (slash != std::string::npos) file = path_.substr(0, slash + 1) + file;
        }
        r_.config.secret_files.push_back(file);
        auto content = read_secret_(file);
        if (!content) {
            error(section, key + "_file", "cannot read " + file + ": " + content.error());
            return {};
        }
        value = std::string(trim(*content));
        if (value.empty()) error(section, key + "_file", file + " is empty; expected the secret on one line");
    } else if (required) {
        error(section, "", "missing " + key + " (or " + key + "_file)");
        return {};
    }
    if (has_control(value)) {
        error(section, inline_value ? key : key + "_file", "the secret must be one line of printable characters");
        return {};
    }
    return value;
}

// A [call] key, in [call] or a route.  Returns false if `key` is not one.
bool Parser::call_key(const std::string &section, const std::string &key, const std::string &value, CallSettings &c)
{
    auto text = [&](std::string &field, const std::vector<std::string_view> &placeholders) {
        if (auto e = check_placeholders(value, placeholders); !e.empty()) error(section, key, e);
        field = value;
    };
    auto number_in = [&](int &field, int low, int high, const char *what) {
        auto n = parse_int(value);
        if (!n || *n < low || *n > high)
            error(section, key, std::string("expected ") + what + " from " + std::to_string(low) + " to " + std::to_string(high));
        else
            field = static_cast<int>(*n);
    };
    auto flag = [&](bool &field) {
        auto b = parse_bool(value);
        if (!b) error(section, key, "expected yes or no");
        else field = *b;
    };
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

    if (key == "greeting") text(c.greeting, {"{name}", "{first_name}", "{title}"});
    else if (key == "fallback_greeting") text(c.fallback_greeting, {"{title}"});
    else if (key == "hold_message") text(c.hold_message, {"{title}"});
    else if (key == "unavailable_message") text(c.unavailable_message, {"{title}"});
    else if (key == "whisper") text(c.whisper, {"{title}", "{caller}"});
    else if (key == "voicemail_prompt") text(c.voicemail_prompt, {"{title}"});
    else if (key == "voicemail_closing") text(c.voicemail_closing, {"{title}"});
    else if (key == "rejected_message") text(c.rejected_message, {"{title}"});
    else if (key == "sms_reply") text(c.sms_reply, {"{name}", "{first_name}", "{title}"});
    else if (key == "sms_unavailable") text(c.sms_unavailable, {"{title}"});
    else if (key == "sms_forward") {
        text(c.sms_forward, {"{title}", "{caller}", "{text}"});
        if (value.find("{text}") == std::string::npos)
            error(section, key, "expected {text} in it, where the message goes");
    } else if (key == "allow_callers") {
        callers(c.callers.allow);
    } else if (key == "block_callers") {
        callers(c.callers.block);
    } else if (key == "allow_anonymous") {
        bool b = true;
        flag(b);
        c.callers.allow_anonymous = b;
    } else if (key == "sms_alert") {
        flag(c.sms_alert);
    } else if (key == "title") {
        if (value.empty() || has_control(value)) error(section, key, "expected the line's name, such as Platform");
        text(c.title, {});
    } else if (key == "voice") {
        // Checked with the language once the section is read (voice_checks).
        c.voice = value;
        c.voice_written = true;
    } else if (key == "language") {
        if (!value.empty() && !is_language(value))
            error(section, key, "expected a language tag such as en-US or de-DE, or nothing (the voice's own)");
        else
            c.language = value;
    } else if (key == "dial_timeout") {
        number_in(c.dial_timeout, limits::min_dial_timeout, limits::max_dial_timeout, "whole seconds");
    } else if (key == "caller_id") {
        phone(c.caller_id);
    } else if (key == "fallback_number") {
        phone(c.fallback_number);
    } else if (key == "ring") {
        if (value == "together") c.ring = Ring::together;
        else if (value == "in-turn") c.ring = Ring::in_turn;
        else error(section, key, "expected together (everyone at a level at once) or in-turn (one after another)");
    } else if (key == "max_loops") {
        number_in(c.max_loops, 1, limits::max_loops, "a number of rounds");
    } else if (key == "screening") {
        flag(c.screening);
    } else if (key == "screen_timeout") {
        number_in(c.screen_timeout, limits::min_screen_timeout, limits::max_screen_timeout, "whole seconds");
    } else if (key == "voicemail_max_length") {
        number_in(c.voicemail_max_length, limits::min_voicemail_length, limits::max_voicemail_length, "whole seconds");
    } else if (key == "transcribe") {
        flag(c.transcribe);
    } else if (key == "transcription_wait") {
        number_in(c.transcription_wait, limits::min_transcription_wait, limits::max_transcription_wait, "whole seconds");
    } else if (key == "missed_call_wait") {
        number_in(c.missed_call_wait, limits::min_missed_call_wait, limits::max_missed_call_wait, "whole seconds");
    } else if (key == "alert_missed_calls") {
        flag(c.alert_missed_calls);
    } else if (key == "severity") {
        if (value != "critical" && value != "error" && value != "warning" && value != "info")
            error(section, key, "expected critical, error, warning or info");
        c.severity = value;
    } else {
        return false;
    }
    return true;
}

// routing_key or routing_key_file, in [call] or a route: the Events API
// integration key voicemail and missed-call alerts go to.
void Parser::routing_key(const std::string &section, const pt::ptree &tree, CallSettings &c)
{
    std::string key = secret(section, tree, "routing_key", false);
    if (!key.empty()) c.routing_key = key;
}

void Parser::pagerduty(const pt::ptree &tree)
{
    const std::string s = "pagerduty";
    auto &pd = r_.config.pagerduty;
    pd.token = secret(s, tree, "token", true);
    for (const auto &[key, node] : tree) {
        std::string value = unquote(trim(node.data()));
        if (key == "token" || key == "token_file") {
            continue;
        } else if (key == "api_url") {
            if (auto e = check_url(value, true); !e.empty()) error(s, key, e);
            pd.api_url = strip_trailing_slash(value);
        } else if (key == "timeout") {
            auto t = parse_seconds(value);
            if (!t || *t < limits::min_pagerduty_timeout || *t > limits::max_pagerduty_timeout)
                error(s, key, "expected seconds from 0.1 to 12 (Twilio waits at most 15 s for the answer)");
            else
                pd.timeout = *t;
        } else if (key == "prefer_label") {
            pd.prefer_label = value;
        } else if (key == "ca_file") {
            pd.ca_file = value;
        } else if (key == "events_url") {
            if (auto e = check_url(value, true); !e.empty()) error(s, key, e);
            pd.events_url = value;
        } else if (key == "spool_dir" || key == "cache_dir") {
            if (value.empty() || value.front() != '/') error(s, key, "expected an absolute directory name");
            (key == "spool_dir" ? pd.spool_dir : pd.cache_dir) = strip_trailing_slash(value);
        } else if (key == "oncall_ttl" || key == "contact_ttl" || key == "stale_max") {
            long high = key == "oncall_ttl" ? limits::max_oncall_ttl
                        : key == "contact_ttl" ? limits::max_contact_ttl : limits::max_stale;
            auto n = parse_int(value);
            if (!n || *n > high)
                error(s, key, "expected whole seconds from 0 to " + std::to_string(high));
            else
                (key == "oncall_ttl" ? pd.oncall_ttl : key == "contact_ttl" ? pd.contact_ttl : pd.stale_max) =
                    std::chrono::seconds(*n);
        } else {
            error(s, key,
                  "unknown key (expected token, token_file, api_url, timeout, prefer_label, ca_file, events_url, "
                  "spool_dir, cache_dir, oncall_ttl, contact_ttl or stale_max)");
        }
    }
}

void Parser::twilio(const pt::ptree &tree)
{
    const std::string s = "twilio";
    auto &tw = r_.config.twilio;
    for (const auto &[key, node] : tree) {
        std::string value = unquote(trim(node.data()));
        if (key == "validate_signature") {
            auto b = parse_bool(value);
            if (!b) error(s, key, "expected yes or no");
            else tw.validate_signature = *b;
        } else if (key == "public_url") {
            if (auto e = check_url(value, false); !e.empty()) error(s, key, e);
            tw.public_url = strip_trailing_slash(value);
        } else {
            bool secret_key = false;
            for (const char *name : {"auth_token", "secondary_auth_token", "shared_key", "secondary_shared_key"})
                secret_key = secret_key || key == name || key == std::string(name) + "_file";
            if (!secret_key)
                error(s, key,
                      "unknown key (expected auth_token, auth_token_file, secondary_auth_token, "
                      "secondary_auth_token_file, shared_key, shared_key_file, secondary_shared_key, "
                      "secondary_shared_key_file, validate_signature or public_url)");
        }
    }
    for (const char *name : {"shared_key", "secondary_shared_key"}) {
        std::string key = secret(s, tree, name, false);
        if (!key.empty()) tw.shared_keys.push_back(key);
    }
    // With a shared key alone, Twilio must sign every URL with it (a
    // Webhook Rule for each): the Auth Token then need not be on this host.
    std::string primary = secret(s, tree, "auth_token", tw.validate_signature && tw.shared_keys.empty());
    std::string secondary = secret(s, tree, "secondary_auth_token", false);
    if (!primary.empty()) tw.auth_tokens.push_back(primary);
    if (!secondary.empty()) tw.auth_tokens.push_back(secondary);
    if (!tw.validate_signature)
        warning(s, "validate_signature",
                "signature checking is off: anyone who finds the URL can place calls through it");
}

void Parser::call(const pt::ptree &tree)
{
    routing_key("call", tree, r_.config.call);
    for (const auto &[key, node] : tree)
        if (key != "routing_key" && key != "routing_key_file" &&
            !call_key("call", key, unquote(trim(node.data())), r_.config.call))
            error("call", key, "unknown key (see pd-call-forward.ini(5) for the [call] keys)");
    settle_voice("call", r_.config.call);
}

void Parser::route(const std::string &section, const pt::ptree &tree)
{
    Route route;
    route.name = section.substr(route_prefix.size());
    route.call = r_.config.call;  // [call] is read first, so these are its values
    if (!is_name(route.name))
        error(section, "", "expected a route name of letters, digits, '-' and '_', such as [route:ops]");
    int targets = 0;
    for (const auto &[key, node] : tree) {
        std::string value = unquote(trim(node.data()));
        if (key == "number") {
            if (!is_e164(value)) error(section, key, "expected the Twilio number in E.164 form, such as +14155550100");
            route.number = value;
        } else if (key == "escalation_policy" || key == "schedule") {
            ++targets;
            route.kind = key == "schedule" ? TargetKind::schedule : TargetKind::escalation_policy;
            route.target = value;
            if (!is_pagerduty_id(value)) error(section, key, "expected a PagerDuty id such as PABC123");
        } else if (key != "routing_key" && key != "routing_key_file" && !call_key(section, key, value, route.call)) {
            error(section, key, "unknown key (expected number, escalation_policy, schedule, or a [call] key)");
        }
    }
    routing_key(section, tree, route.call);
    settle_voice(section, route.call);
    if (route.call.title.empty()) route.call.title = route.name;
    if (targets == 0) error(section, "", "missing escalation_policy or schedule (the PagerDuty id to ask)");
    if (targets > 1) error(section, "schedule", "set either escalation_policy or schedule, not both");
    r_.config.routes.push_back(std::move(route));
}

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
                                       "sms_reply",       "sms_unavailable",   "sms_alert"};
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
            if (auto e = check_placeholders(value, {"{choices}", "{title}"}); !e.empty()) error(section, key, e);
            if (value.empty()) error(section, key, "expected what the caller hears, or leave the key out for the default");
            menu.prompt = value;
        } else if (key == "invalid_message") {
            if (auto e = check_placeholders(value, {"{title}"}); !e.empty()) error(section, key, e);
            menu.invalid_message = value;
        } else if (key == "menu_retries" || key == "menu_timeout") {
            bool retries = key == "menu_retries";
            int low = retries ? 0 : limits::min_menu_timeout, high = retries ? limits::max_menu_retries : limits::max_menu_timeout;
            auto n = parse_int(value);
            if (!n || *n < low || *n > high)
                error(section, key, std::string("expected ") + (retries ? "a number of repeats" : "whole seconds") +
                                        " from " + std::to_string(low) + " to " + std::to_string(high));
            else
                (retries ? menu.retries : menu.timeout) = static_cast<int>(*n);
        } else if (key == "default") {
            menu.fallback = choice(key, value, '\0');
        } else if (key == "routing_key" || key == "routing_key_file") {
            continue;
        } else if (route_only(key)) {
            error(section, key,
                  "only for routes: a menu dials and texts nobody itself (set it in the routes it leads to)");
        } else if (!call_key(section, key, value, menu.call)) {
            error(section, key,
                  "unknown key (expected number, prompt, 0-9, *, #, default, menu_retries, menu_timeout, "
                  "invalid_message, or a [call] key for the menu's own voicemail)");
        }
    }
    routing_key(section, tree, menu.call);
    settle_voice(section, menu.call);
    if (menu.call.title.empty()) menu.call.title = menu.name;
    if (menu.entries.empty()) error(section, "", "no choices; add keys such as 1 = ROUTE and 2 = ROUTE");
    std::stable_sort(menu.entries.begin(), menu.entries.end(),
                     [](const MenuEntry &a, const MenuEntry &b) { return key_rank(a.key) < key_rank(b.key); });
    r_.config.menus.push_back(std::move(menu));
}

// Once every route is known: each entry names one, and the prompt is made.
// A route without a number that a menu leads to is reached through the
// menu, so one published number can serve every team behind it.
void Parser::menu_checks()
{
    for (auto &r : r_.config.routes)
        for (const auto &m : r_.config.menus) {
            bool named = m.fallback.route == r.name;
            for (const auto &e : m.entries) named = named || e.route == r.name;
            if (named && r.number.empty()) r.behind_menu = true;
        }
    auto title_of = [&](const std::string &route) -> const std::string * {
        for (const auto &r : r_.config.routes)
            if (r.name == route) return &r.call.title;
        return nullptr;
    };
    for (auto &m : r_.config.menus) {
        const std::string section = std::string(menu_prefix) + m.name;
        bool voicemail = m.fallback.route.empty();
        const std::string spoken = spoken_language(m.call.voice, m.call.language);
        std::string choices;
        for (const auto &e : m.entries) {
            // The key as written, for the error's line: '#' is always "hash" by now.
            std::string key = e.key == '#' ? "hash" : std::string(1, e.key);
            if (e.key == '*' && ini_line(index_, section, "*") == 0) key = "star";
            if (e.route.empty()) {
                voicemail = true;
                choices += std::string(choices.empty() ? "" : " ") + "To leave a message, press " + spoken_key(e.key, spoken) + ".";
            } else if (const std::string *title = title_of(e.route)) {
                choices += std::string(choices.empty() ? "" : " ") + "For " + *title + ", press " + spoken_key(e.key, spoken) + ".";
            } else {
                error(section, key, "no [route:" + e.route + "]; expected a route name or voicemail");
            }
        }
        if (!m.fallback.route.empty() && !title_of(m.fallback.route))
            error(section, "default", "no [route:" + m.fallback.route + "]; expected a route name or voicemail");
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

void Parser::cross_checks()
{
    menu_checks();
    voice_checks("call", r_.config.call);
    transcription_checks("call", r_.config.call);
    for (const auto &r : r_.config.routes) {
        voice_checks(std::string(route_prefix) + r.name, r.call);
        transcription_checks(std::string(route_prefix) + r.name, r.call);
    }
    for (const auto &m : r_.config.menus) {
        voice_checks(std::string(menu_prefix) + m.name, m.call);
        transcription_checks(std::string(menu_prefix) + m.name, m.call);
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
}

void Parser::run()
{
    pt::ptree tree;
    std::istringstream in{std::string(text_)};
    try {
        pt::read_ini(in, tree);
    } catch (const pt::ini_parser_error &e) {
        ConfigProblem p;
        p.file = path_;
        p.line = static_cast<int>(e.line());
        p.message = e.message() + " (expected [section] headers and key = value lines)";
        r_.errors.push_back(std::move(p));
        return;
    }
    // read_ini drops sections without keys; put them back, so an empty
    // [route:x] is reported instead of silently ignored.
    for (const auto &l : index_)
        if (l.key.empty() && tree.find(std::string(l.section)) == tree.not_found())
            tree.push_back({std::string(l.section), pt::ptree()});
    // [call] first, so routes inherit its values whatever the file's order.
    if (auto c = tree.get_child_optional("call")) call(*c);
    for (const auto &[name, node] : tree) {
        if (name == "pagerduty") {
            have_pagerduty_ = true;
            pagerduty(node);
        } else if (name == "twilio") {
            have_twilio_ = true;
            twilio(node);
        } else if (name == "call") {
            continue;
        } else if (name.compare(0, route_prefix.size(), route_prefix) == 0) {
            route(name, node);
        } else if (name.compare(0, menu_prefix.size(), menu_prefix) == 0) {
            menu(name, node);
        } else if (node.empty() && !node.data().empty()) {
            error("", name,
                  "key outside any section; put it under [pagerduty], [twilio], [call], [route:NAME] or [menu:NAME]");
        } else {
            error(name, "", "unknown section (expected [pagerduty], [twilio], [call], [route:NAME] or [menu:NAME])");
        }
    }
    cross_checks();
}

}  // namespace

ConfigResult config_parse(std::string_view text, const std::string &path, const SecretReader &read_secret)
{
    ConfigResult result;
    Parser(text, path, read_secret, result).run();
    return result;
}

ConfigResult config_load(const std::string &path)
{
    auto text = read_small_file(path, limits::max_config_file);
    if (!text) {
        ConfigResult result;
        result.config.path = path;
        result.errors.push_back({path, 0, "", "cannot read the configuration file: " + text.error()});
        return result;
    }
    SecretReader reader = [](const std::string &file) { return read_small_file(file, limits::max_secret_file); };
    ConfigResult result = config_parse(*text, path, reader);

    std::vector<std::string> holding_secrets = result.config.secret_files;
    if (result.config.inline_secrets) holding_secrets.insert(holding_secrets.begin(), path);
    for (const auto &file : holding_secrets) {
        struct stat st;
        if (stat(file.c_str(), &st) == 0 && (st.st_mode & S_IROTH))
            result.warnings.push_back({file, 0, "",
                                       "holds a secret and every user can read it; make it readable only by the "
                                       "program's user or group (chmod o-rwx " + file + ")"});
    }
    return result;
}

}  // namespace pdcf
