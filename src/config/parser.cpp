#include "config/parser.hpp"

#include <sstream>

#include <boost/property_tree/ini_parser.hpp>

#include "config/config_value.hpp"
#include "core/limits.hpp"
#include "core/phone.hpp"

namespace pdcf {

namespace ini {

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
        std::string file = beside_config(unquote(trim(*file_value)));
        r_.config.secret_files.push_back(file);
        auto content = read_file_(file, limits::max_secret_file);
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

namespace {

// `dial`: "+14155550000, +14155550001", commas or spaces between, each a
// whole E.164 number, as many as one <Dial> rings.
Result<std::vector<std::string>> dial_list_parse(std::string_view text)
{
    auto list = caller_list_parse(text);
    if (!list) return fail(list.error());
    // The shortest numbers in use (Niue's, Tokelau's) have 7 digits with
    // the country code; fewer is a prefix, which allow_callers takes but a
    // <Dial> cannot ring.
    constexpr std::size_t min_digits = 7;
    for (const auto &n : *list)
        if (!is_e164(n) || n.size() < 1 + min_digits)
            return fail("\"" + n + "\" is not a whole number; expected E.164, such as +14155550100");
    if (list->empty()) return fail("expected the numbers to ring, such as +14155550100, +14155550101");
    if (list->size() > limits::max_dial_numbers)
        return fail("more than " + std::to_string(limits::max_dial_numbers) + " numbers (Twilio rings at most that many at once)");
    return list;
}

}  // namespace

// A relative name is taken from the config file's directory.
std::string Parser::beside_config(const std::string &file) const
{
    if (file.empty() || file.front() == '/') return file;
    std::size_t slash = path_.rfind('/');
    return slash == std::string::npos ? file : path_.substr(0, slash + 1) + file;
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
            if (auto ok = check_url(value, true); !ok) error(s, key, ok.error());
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
            if (auto ok = check_url(value, true); !ok) error(s, key, ok.error());
            pd.events_url = value;
        } else if (key == "spool_dir" || key == "cache_dir") {
            if (value.empty() || value.front() != '/') error(s, key, "expected an absolute directory name");
            (key == "spool_dir" ? pd.spool_dir : pd.cache_dir) = strip_trailing_slash(value);
        } else if (key == "oncall_ttl" || key == "contact_ttl" || key == "stale_max" || key == "refresh_idle") {
            long high = key == "oncall_ttl"    ? limits::max_oncall_ttl
                        : key == "contact_ttl" ? limits::max_contact_ttl
                        : key == "stale_max"   ? limits::max_stale
                                               : limits::max_refresh_idle;
            auto n = parse_int(value);
            if (!n || *n > high)
                error(s, key, "expected whole seconds from 0 to " + std::to_string(high));
            else
                (key == "oncall_ttl"    ? pd.oncall_ttl
                 : key == "contact_ttl" ? pd.contact_ttl
                 : key == "stale_max"   ? pd.stale_max
                                        : pd.refresh_idle) = std::chrono::seconds(*n);
        } else {
            error(s, key,
                  "unknown key (expected token, token_file, api_url, timeout, prefer_label, ca_file, events_url, "
                  "spool_dir, cache_dir, oncall_ttl, contact_ttl, stale_max or refresh_idle)");
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
            if (auto ok = check_url(value, false); !ok) error(s, key, ok.error());
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
    settle_hours(r_.config.call);
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
        } else if (key == "callers") {
            auto list = caller_list_parse(value);
            if (!list) error(section, key, list.error());
            route.from_callers = list.value_or({});
            if (route.from_callers.empty() && list) error(section, key, "expected the callers' numbers or prefixes, such as +1415555, +44207");
        } else if (key == "dial") {
            ++targets;
            route.kind = TargetKind::numbers;
            auto numbers = dial_list_parse(value);
            if (!numbers) error(section, key, numbers.error());
            route.dial = numbers.value_or({});
        } else if (key != "routing_key" && key != "routing_key_file" && !call_key(section, key, value, route.call)) {
            error(section, key,
                  "unknown key (expected number, escalation_policy, schedule, dial, callers, or a [call] key)");
        }
    }
    routing_key(section, tree, route.call);
    settle_voice(section, route.call);
    settle_hours(route.call);
    if (route.call.title.empty()) route.call.title = route.name;
    if (targets == 0)
        error(section, "", "missing escalation_policy or schedule (the PagerDuty id to ask), or dial (numbers to ring)");
    if (targets > 1) error(section, "schedule", "set one of escalation_policy, schedule and dial, not two");
    r_.config.routes.push_back(std::move(route));
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
    r_.config.server.metrics_allow = {*address_prefix("127.0.0.0/8"), *address_prefix("::1")};
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
        } else if (name == "server") {
            server(node);
        } else if (name.compare(0, route_prefix.size(), route_prefix) == 0) {
            route(name, node);
        } else if (name.compare(0, menu_prefix.size(), menu_prefix) == 0) {
            menu(name, node);
        } else if (node.empty() && !node.data().empty()) {
            error("", name,
                  "key outside any section; put it under [pagerduty], [twilio], [call], [server], [route:NAME] or "
                  "[menu:NAME]");
        } else {
            error(name, "",
                  "unknown section (expected [pagerduty], [twilio], [call], [server], [route:NAME] or [menu:NAME])");
        }
    }
    cross_checks();
}

}  // namespace ini

ConfigResult config_parse(std::string_view text, const std::string &path, const FileReader &read_file)
{
    ConfigResult result;
    ini::Parser(text, path, read_file, result).run();
    return result;
}

}  // namespace pdcf
