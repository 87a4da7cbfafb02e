// The roster: the compact description of who is on call that tests write,
// expanded once, when loaded, into the objects PagerDuty's REST API v2
// serves. Shapes follow PagerDuty's OpenAPI file: Oncall with UserReference,
// ScheduleReference and EscalationPolicyReference; PhoneContactMethod and
// EmailContactMethod; Pagination; User.
//
// Schedules follow PagerDuty's model: an on-call is "a contiguous unit of
// time for which a User will be on call for a given Escalation Policy", so
// GET /oncalls lists only what the roster's policies produce, while
// GET /schedules/{id}/users lists whoever is on the schedule's shifts,
// whether or not a policy uses it.
#include "standin.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <limits>
#include <set>

namespace standin {

namespace {

const std::string api_base = "https://api.pagerduty.com";
const std::string web_base = "https://example.pagerduty.com";

// An on-call whose start the roster leaves out began "a while ago"; a fixed
// time keeps answers the same from run to run.
const char long_ago[] = "2020-01-01T00:00:00Z";

const std::set<std::string> roster_keys = {"page_size", "oncalls", "users",
                                           "escalation_policies", "schedules"};

// Keys of a roster on-call that we expand; any other key is passed through.
const std::set<std::string> oncall_keys = {"escalation_policy", "level", "user",
                                           "schedule", "start", "end"};

// Keys of a roster schedule and of one of its shifts.
const std::set<std::string> schedule_keys = {"name", "shifts"};
const std::set<std::string> shift_keys = {"user", "start", "end"};

std::string require_string(const Json &object, const char *key, const std::string &where)
{
    if (!object.contains(key) || !object[key].is_string() || object[key].get<std::string>().empty())
        throw InputError(where + "." + key + " must be a non-empty string");
    return object[key].get<std::string>();
}

// A string, null, or (when `absent` is given) missing; anything else is a
// mistake in the roster.
Json string_or_null(const Json &object, const char *key, const std::string &where, const Json &absent)
{
    if (!object.contains(key)) return absent;
    const Json &value = object[key];
    if (!value.is_string() && !value.is_null())
        throw InputError(where + "." + key + " must be a string or null");
    return value;
}

// id -> name from one of the roster's optional lookup sections.
std::map<std::string, std::string> names_in(const Json &doc, const char *section)
{
    std::map<std::string, std::string> names;
    if (!doc.contains(section)) return names;
    const Json &entries = doc[section];
    if (!entries.is_object()) throw InputError(std::string(section) + " must be an object keyed by id");
    for (const auto &[id, entry] : entries.items()) {
        const std::string where = std::string(section) + "." + id;
        if (!entry.is_object()) throw InputError(where + " must be an object");
        if (entry.contains("name")) names[id] = require_string(entry, "name", where);
    }
    return names;
}

std::string name_or(const std::map<std::string, std::string> &names, const std::string &id,
                    const std::string &fallback_prefix)
{
    auto found = names.find(id);
    return found != names.end() ? found->second : fallback_prefix + id;
}

Json reference(const std::string &type, const std::string &collection, const std::string &id,
               const std::string &summary)
{
    Json ref = Json::object();
    ref["id"] = id;
    ref["type"] = type + "_reference";
    ref["summary"] = summary;
    ref["self"] = api_base + "/" + collection + "/" + id;
    ref["html_url"] = web_base + "/" + collection + "/" + id;
    return ref;
}

bool is_phone_type(const std::string &type)
{
    // PhoneContactMethod covers both voice and SMS.
    return type == "phone_contact_method" || type == "sms_contact_method";
}

Json expand_contact_methods(const std::string &user_id, const Json &user)
{
    Json methods = Json::array();
    if (!user.contains("contact_methods")) return methods;
    const Json &given = user["contact_methods"];
    const std::string where = "users." + user_id + ".contact_methods";
    if (!given.is_array()) throw InputError(where + " must be an array");

    for (std::size_t i = 0; i < given.size(); ++i) {
        const Json &entry = given[i];
        const std::string here = where + "[" + std::to_string(i) + "]";
        if (!entry.is_object()) throw InputError(here + " must be an object");
        const std::string type = require_string(entry, "type", here);
        const std::string id = entry.contains("id") && entry["id"].is_string()
                                   ? entry["id"].get<std::string>()
                                   : "PC" + std::to_string(i + 1) + user_id;

        Json method = Json::object();
        method["id"] = id;
        method["type"] = type;
        method["summary"] = entry.contains("label") ? entry["label"] : Json(nullptr);
        method["self"] = api_base + "/users/" + user_id + "/contact_methods/" + id;
        method["html_url"] = nullptr;
        // The roster wins over everything generated: tests use that to serve
        // odd or broken contact methods on purpose.
        for (const auto &[key, value] : entry.items()) method[key] = value;
        // No `enabled` unless the roster gives one: PagerDuty's
        // PhoneContactMethod example has none, so a client must take its
        // absence as a phone that works.
        if (is_phone_type(type) && !method.contains("blacklisted")) method["blacklisted"] = false;
        if (type == "email_contact_method" && !method.contains("send_short_email"))
            method["send_short_email"] = false;
        methods.push_back(std::move(method));
    }
    return methods;
}

RosterOnCall expand_oncall(const Json &entry, const std::string &where,
                           const std::map<std::string, std::string> &user_names,
                           const std::map<std::string, std::string> &policy_names,
                           const std::map<std::string, std::string> &schedule_names)
{
    if (!entry.is_object()) throw InputError(where + " must be an object");
    RosterOnCall oncall;
    oncall.policy_id = require_string(entry, "escalation_policy", where);
    oncall.user_id = require_string(entry, "user", where);
    if (!entry.contains("level") || !entry["level"].is_number_integer() || entry["level"].get<long long>() < 1)
        throw InputError(where + ".level must be an integer >= 1");

    // Key order follows the Oncall example in PagerDuty's OpenAPI file.
    Json body = Json::object();
    body["user"] = reference("user", "users", oncall.user_id, name_or(user_names, oncall.user_id, "User "));
    if (entry.contains("schedule")) {
        const Json schedule = string_or_null(entry, "schedule", where, nullptr);
        if (schedule.is_string()) {
            oncall.schedule_id = schedule.get<std::string>();
            body["schedule"] = reference("schedule", "schedules", *oncall.schedule_id,
                                         name_or(schedule_names, *oncall.schedule_id, "Schedule "));
        } else {
            body["schedule"] = nullptr;
        }
    }
    body["escalation_policy"] = reference("escalation_policy", "escalation_policies", oncall.policy_id,
                                          name_or(policy_names, oncall.policy_id, "Escalation policy "));
    body["escalation_level"] = entry["level"];
    body["start"] = string_or_null(entry, "start", where, long_ago);
    body["end"] = string_or_null(entry, "end", where, nullptr);
    for (const auto &[key, value] : entry.items())
        if (!oncall_keys.count(key)) body[key] = value;
    oncall.body = std::move(body);
    return oncall;
}

// A User object, keys in the order of the OpenAPI example; its email is
// that of the user's first email contact method, else made up (the schema
// requires one).
Json user_object(const std::string &id, const std::string &name, const Json &methods)
{
    std::string email;
    for (const auto &m : methods)
        if (m.value("type", "") == "email_contact_method" && m.contains("address") && m["address"].is_string()) {
            email = m["address"].get<std::string>();
            break;
        }
    if (email.empty()) {
        for (char c : id) email += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        email += "@example.com";
    }
    Json user = reference("user", "users", id, name);
    user["type"] = "user";
    user["name"] = name;
    user["email"] = email;
    user["time_zone"] = "Etc/UTC";
    user["role"] = "user";
    user["invitation_sent"] = false;
    Json refs = Json::array();
    for (const auto &m : methods) {
        Json ref = Json::object();
        ref["id"] = m["id"];
        ref["type"] = m.value("type", "") + "_reference";
        ref["summary"] = m["summary"];
        ref["self"] = m["self"];
        refs.push_back(std::move(ref));
    }
    user["contact_methods"] = std::move(refs);
    user["notification_rules"] = Json::array();
    user["teams"] = Json::array();
    return user;
}

// A shift's start or end as the roster gives it: a date-time, or (end
// only) null or absent for a shift that never ends.
std::optional<long long> shift_time(const Json &shift, const char *key, const std::string &where,
                                    const std::string &absent)
{
    const Json value = string_or_null(shift, key, where, absent.empty() ? Json(nullptr) : Json(absent));
    if (value.is_null()) return std::nullopt;
    auto t = parse_date_time(value.get<std::string>());
    if (!t) throw InputError(where + "." + key + " must be an RFC 3339 date-time");
    return t;
}

std::vector<Shift> expand_shifts(const Json &schedule, const std::string &where)
{
    std::vector<Shift> shifts;
    if (!schedule.contains("shifts")) return shifts;
    const Json &given = schedule["shifts"];
    if (!given.is_array()) throw InputError(where + ".shifts must be an array");
    for (std::size_t i = 0; i < given.size(); ++i) {
        const std::string here = where + ".shifts[" + std::to_string(i) + "]";
        const Json &entry = given[i];
        if (!entry.is_object()) throw InputError(here + " must be an object");
        for (const auto &[key, value] : entry.items())
            if (!shift_keys.count(key)) throw InputError("unknown key \"" + key + "\" in " + here);
        Shift shift;
        shift.user_id = require_string(entry, "user", here);
        auto start = shift_time(entry, "start", here, long_ago);
        if (!start) throw InputError(here + ".start must be an RFC 3339 date-time");
        shift.start = *start;
        shift.end = shift_time(entry, "end", here, "");
        if (shift.end && *shift.end <= shift.start) throw InputError(here + ".end must come after its start");
        shifts.push_back(std::move(shift));
    }
    return shifts;
}

bool listed(const std::vector<std::string> &wanted, const std::string &id)
{
    return wanted.empty() || std::find(wanted.begin(), wanted.end(), id) != wanted.end();
}

// A roster on-call's start or end; a null start began long ago, a null
// end never comes.
long long oncall_time(const Json &body, const char *key, long long none)
{
    const Json &v = body[key];
    auto t = v.is_string() ? parse_date_time(v.get<std::string>()) : std::nullopt;
    return t.value_or(none);
}

bool matches(const RosterOnCall &oncall, const OnCallQuery &query)
{
    // PagerDuty documents a literal "null" in schedule_ids[] as asking for
    // on-calls that come from no schedule.
    const std::string schedule = oncall.schedule_id.value_or("null");
    const bool overlaps = oncall_time(oncall.body, "start", std::numeric_limits<long long>::min()) <= query.until &&
                          oncall_time(oncall.body, "end", std::numeric_limits<long long>::max()) > query.since;
    return overlaps && listed(query.policy_ids, oncall.policy_id) && listed(query.schedule_ids, schedule) &&
           listed(query.user_ids, oncall.user_id);
}

}  // namespace

Roster parse_roster(const Json &doc)
{
    if (!doc.is_object()) throw InputError("a roster must be a JSON object");
    // A misspelt section would otherwise quietly give an empty roster.
    for (const auto &[key, value] : doc.items())
        if (!roster_keys.count(key)) throw InputError("unknown roster key \"" + key + "\"");

    Roster roster;
    roster.page_size = static_cast<int>(
        integer_field(doc, "page_size", 1, limits::max_page_limit, limits::max_page_limit));

    const auto user_names = names_in(doc, "users");
    const auto policy_names = names_in(doc, "escalation_policies");
    const auto schedule_names = names_in(doc, "schedules");

    if (doc.contains("users"))
        for (const auto &[id, user] : doc["users"].items()) {
            roster.contact_methods[id] = expand_contact_methods(id, user);
            roster.users[id] = user_object(id, name_or(user_names, id, "User "), roster.contact_methods[id]);
            // A user's own time zone (PagerDuty's User.time_zone), else UTC.
            if (user.is_object() && user.contains("time_zone") && user["time_zone"].is_string())
                roster.users[id]["time_zone"] = user["time_zone"];
        }

    // EscalationPolicy and Schedule objects, keys in the order of the
    // OpenAPI examples.
    if (doc.contains("escalation_policies"))
        for (const auto &[id, entry] : doc["escalation_policies"].items()) {
            const std::string name = name_or(policy_names, id, "Escalation policy ");
            Json policy = reference("escalation_policy", "escalation_policies", id, name);
            policy["type"] = "escalation_policy";
            policy["name"] = name;
            policy["num_loops"] = integer_field(entry, "num_loops", 0, 9, 0);
            policy["on_call_handoff_notifications"] = "if_has_services";
            policy["escalation_rules"] = Json::array();
            roster.escalation_policies[id] = std::move(policy);
        }
    auto add_schedule = [&](const std::string &id) {
        if (roster.schedules.count(id)) return;
        const std::string name = name_or(schedule_names, id, "Schedule ");
        Json schedule = reference("schedule", "schedules", id, name);
        schedule["type"] = "schedule";
        schedule["name"] = name;
        schedule["time_zone"] = "Etc/UTC";
        roster.schedules[id] = std::move(schedule);
        roster.shifts[id];
    };
    if (doc.contains("schedules"))
        for (const auto &[id, entry] : doc["schedules"].items()) {
            const std::string where = "schedules." + id;
            for (const auto &[key, value] : entry.items())
                if (!schedule_keys.count(key)) throw InputError("unknown key \"" + key + "\" in " + where);
            add_schedule(id);
            roster.shifts[id] = expand_shifts(entry, where);
        }

    if (doc.contains("oncalls")) {
        const Json &oncalls = doc["oncalls"];
        if (!oncalls.is_array()) throw InputError("oncalls must be an array");
        for (std::size_t i = 0; i < oncalls.size(); ++i) {
            const std::string where = "oncalls[" + std::to_string(i) + "]";
            RosterOnCall oncall = expand_oncall(oncalls[i], where, user_names, policy_names, schedule_names);
            // PagerDuty names only schedules that exist, and a policy's
            // on-call from a schedule is that schedule's shift.
            if (oncall.schedule_id) {
                add_schedule(*oncall.schedule_id);
                Shift shift;
                shift.user_id = oncall.user_id;
                // A null start began at any time before; a null end never comes.
                auto start = shift_time(oncall.body, "start", where, long_ago);
                shift.start = start.value_or(std::numeric_limits<long long>::min());
                shift.end = shift_time(oncall.body, "end", where, "");
                roster.shifts[*oncall.schedule_id].push_back(std::move(shift));
            }
            roster.oncalls.push_back(std::move(oncall));
        }
    }
    return roster;
}

std::optional<long long> parse_date_time(const std::string &t)
{
    // RFC 3339 section 5.6: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM).
    auto digits = [&](std::size_t at, std::size_t n) -> std::optional<int> {
        if (at + n > t.size()) return std::nullopt;
        int value = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (!std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
            value = value * 10 + (t[i] - '0');
        }
        return value;
    };
    auto at = [&](std::size_t i, const char *choices) {
        return i < t.size() && std::strchr(choices, t[i]) != nullptr;
    };
    auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
    auto hour = digits(11, 2), minute = digits(14, 2), second = digits(17, 2);
    if (!year || !month || !day || !hour || !minute || !second || !at(4, "-") || !at(7, "-") ||
        !at(10, "Tt") || !at(13, ":") || !at(16, ":"))
        return std::nullopt;
    if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;
    std::size_t i = 19;
    if (at(i, ".")) {
        ++i;
        const std::size_t first = i;
        while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
        if (i == first) return std::nullopt;
    }
    long long offset = 0;
    if (at(i, "Zz")) {
        ++i;
    } else if (at(i, "+-")) {
        auto oh = digits(i + 1, 2), om = digits(i + 4, 2);
        if (!oh || !om || !at(i + 3, ":") || *oh > 23 || *om > 59) return std::nullopt;
        offset = (t[i] == '-' ? -1 : 1) * (*oh * 3600LL + *om * 60LL);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != t.size()) return std::nullopt;
    std::tm tm{};
    tm.tm_year = *year - 1900;
    tm.tm_mon = *month - 1;
    tm.tm_mday = *day;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    tm.tm_sec = *second;
    // timegm normalises an impossible date (February 30th) into another:
    // compare back to refuse it.
    const std::tm asked = tm;
    const long long seconds = static_cast<long long>(timegm(&tm));
    if (tm.tm_mday != asked.tm_mday || tm.tm_mon != asked.tm_mon) return std::nullopt;
    return seconds - offset;
}

namespace {

// As PagerDuty writes date-times: UTC, whole seconds.
std::string format_date_time(long long t)
{
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

}  // namespace

Json schedule_rendered(const Roster &roster, const std::string &schedule, long long since, long long until)
{
    Json entries = Json::array();
    auto found = roster.shifts.find(schedule);
    if (found != roster.shifts.end())
        for (const Shift &shift : found->second) {
            if (!(shift.start < until && (!shift.end || *shift.end > since))) continue;
            auto user = roster.users.find(shift.user_id);
            Json entry = Json::object();
            entry["start"] = format_date_time(std::max(shift.start, since));
            entry["end"] = format_date_time(shift.end ? std::min(*shift.end, until) : until);
            entry["user"] = reference("user", "users", shift.user_id,
                                      user != roster.users.end() ? user->second.value("name", shift.user_id) : shift.user_id);
            entries.push_back(std::move(entry));
        }
    std::sort(entries.begin(), entries.end(), [](const Json &a, const Json &b) { return a["start"] < b["start"]; });
    Json schedule_object = roster.schedules.at(schedule);
    schedule_object["final_schedule"] = {{"name", "Final Schedule"}, {"rendered_schedule_entries", std::move(entries)}};
    Json answer = Json::object();
    answer["schedule"] = std::move(schedule_object);
    return answer;
}

Json schedule_users(const Roster &roster, const std::string &schedule, long long since, long long until)
{
    Json users = Json::array();
    std::set<std::string> seen;
    auto found = roster.shifts.find(schedule);
    if (found != roster.shifts.end())
        for (const Shift &shift : found->second) {
            // A shift [start, end) overlaps the range [since, until].
            const bool overlaps = shift.start <= until && (!shift.end || *shift.end > since);
            if (!overlaps || !seen.insert(shift.user_id).second) continue;
            auto user = roster.users.find(shift.user_id);
            users.push_back(user != roster.users.end()
                                ? user->second
                                : user_object(shift.user_id, "User " + shift.user_id, Json::array()));
        }
    Json answer = Json::object();
    answer["users"] = std::move(users);
    return answer;
}

Json oncalls_page(const Roster &roster, const OnCallQuery &query)
{
    std::vector<const Json *> matching;
    for (const auto &oncall : roster.oncalls)
        if (matches(oncall, query)) matching.push_back(&oncall.body);

    const int limit = std::min({query.limit, limits::max_page_limit, roster.page_size});
    const std::size_t first = static_cast<std::size_t>(
        std::min<long long>(query.offset, static_cast<long long>(matching.size())));
    const std::size_t last = std::min(matching.size(), first + static_cast<std::size_t>(limit));

    Json page = Json::object();
    page["oncalls"] = Json::array();
    for (std::size_t i = first; i < last; ++i) page["oncalls"].push_back(*matching[i]);
    page["limit"] = limit;
    page["offset"] = query.offset;
    page["more"] = last < matching.size();
    page["total"] = query.want_total ? Json(matching.size()) : Json(nullptr);
    return page;
}

}  // namespace standin
