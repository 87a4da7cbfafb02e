// The roster: the compact description of who is on call that tests write,
// expanded once, when loaded, into the objects PagerDuty's REST API v2
// serves. Shapes follow PagerDuty's OpenAPI file: Oncall with UserReference,
// ScheduleReference and EscalationPolicyReference; PhoneContactMethod and
// EmailContactMethod; Pagination.
#include "standin.hpp"

#include <algorithm>
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

bool listed(const std::vector<std::string> &wanted, const std::string &id)
{
    return wanted.empty() || std::find(wanted.begin(), wanted.end(), id) != wanted.end();
}

bool matches(const RosterOnCall &oncall, const OnCallQuery &query)
{
    // PagerDuty documents a literal "null" in schedule_ids[] as asking for
    // on-calls that come from no schedule.
    const std::string schedule = oncall.schedule_id.value_or("null");
    return listed(query.policy_ids, oncall.policy_id) && listed(query.schedule_ids, schedule) &&
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
        for (const auto &[id, user] : doc["users"].items())
            roster.contact_methods[id] = expand_contact_methods(id, user);

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
    if (doc.contains("schedules"))
        for (const auto &[id, entry] : doc["schedules"].items()) {
            const std::string name = name_or(schedule_names, id, "Schedule ");
            Json schedule = reference("schedule", "schedules", id, name);
            schedule["type"] = "schedule";
            schedule["name"] = name;
            schedule["time_zone"] = "Etc/UTC";
            roster.schedules[id] = std::move(schedule);
        }

    if (doc.contains("oncalls")) {
        const Json &oncalls = doc["oncalls"];
        if (!oncalls.is_array()) throw InputError("oncalls must be an array");
        for (std::size_t i = 0; i < oncalls.size(); ++i)
            roster.oncalls.push_back(expand_oncall(oncalls[i], "oncalls[" + std::to_string(i) + "]",
                                                   user_names, policy_names, schedule_names));
    }
    return roster;
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
