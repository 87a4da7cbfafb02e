#include "pagerduty/oncall.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/ascii.hpp"
#include "core/limits.hpp"
#include "core/phone.hpp"

namespace pdcf {

using nlohmann::json;

namespace {

std::string string_field(const json &object, const char *key)
{
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

bool is_pagerduty_id(const std::string &s)
{
    return !s.empty() && s.size() <= 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

// Parses a list answer: the document, unless it is not JSON or has no
// array at `key` (a path such as "schedule/final_schedule/entries").
Result<json> parse_list(std::string_view text, const char *key)
{
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) return fail("not JSON");
    const json::json_pointer at(std::string("/") + key);
    if (!doc.is_object() || !doc.contains(at) || !doc[at].is_array())
        return fail(std::string("JSON without the \"") + key + "\" array");
    return doc;
}

// The id and display name of a user (a UserReference of /oncalls or a
// User of /schedules/{id}/users); false when the id cannot go into a URL.
bool read_user(const json &user, OnCall &entry)
{
    entry.user_id = string_field(user, "id");
    if (!is_pagerduty_id(entry.user_id)) return false;
    entry.name = string_field(user, "summary");
    entry.time_zone = string_field(user, "time_zone");
    if (entry.name.empty()) entry.name = string_field(user, "name");
    if (entry.name.empty()) entry.name = entry.user_id;
    return true;
}

// One entry of /oncalls: a user at an escalation level.
std::optional<OnCall> oncall_entry(const json &item)
{
    auto level = item.find("escalation_level");
    auto user = item.find("user");
    if (level == item.end() || !level->is_number_integer() || user == item.end() || !user->is_object())
        return std::nullopt;
    long long lv = level->get<long long>();
    OnCall entry;
    if (lv < 1 || lv > 1000 || !read_user(*user, entry)) return std::nullopt;
    entry.level = static_cast<int>(lv);
    entry.start = string_field(item, "start");
    entry.end = string_field(item, "end");
    return entry;
}

// One User of /schedules/{id}/users.  A schedule has no levels of its own
// (they belong to the policies that use it): everyone on it now is one
// level.
std::optional<OnCall> schedule_user(const json &item)
{
    OnCall entry;
    entry.level = 1;
    if (!read_user(item, entry)) return std::nullopt;
    return entry;
}

// One rendered entry of a schedule's final layer: who, from when to when.
std::optional<OnCall> schedule_entry(const json &item)
{
    auto user = item.find("user");
    auto entry = user != item.end() && user->is_object() ? schedule_user(*user) : std::nullopt;
    if (!entry) return entry;
    entry->start = string_field(item, "start");
    entry->end = string_field(item, "end");
    return entry;
}

// The entries of the list `key` that `one` can read; the others counted.
Result<OncallPage> page_of(std::string_view text, const char *key, std::optional<OnCall> (*one)(const json &),
                           json *doc_out = nullptr)
{
    auto doc = parse_list(text, key);
    if (!doc) return fail(doc.error());
    OncallPage page;
    const json &list = (*doc)[json::json_pointer(std::string("/") + key)];
    page.listed = list.size();
    for (const json &item : list) {
        auto entry = item.is_object() ? one(item) : std::nullopt;
        if (entry) page.entries.push_back(std::move(*entry));
        else ++page.skipped;
    }
    if (doc_out) *doc_out = std::move(*doc);
    return page;
}

}  // namespace

Result<OncallPage> oncall_parse_page(std::string_view text)
{
    json doc;
    auto page = page_of(text, "oncalls", oncall_entry, &doc);
    if (!page) return page;
    auto more = doc.find("more");
    page->more = more != doc.end() && more->is_boolean() && more->get<bool>();
    return page;
}

Result<OncallPage> schedule_users_parse(std::string_view text) { return page_of(text, "users", schedule_user); }

Result<OncallPage> schedule_entries_parse(std::string_view text)
{
    return page_of(text, "schedule/final_schedule/rendered_schedule_entries", schedule_entry);
}

std::vector<std::vector<OnCall>> oncall_levels(const std::vector<OnCall> &entries)
{
    std::map<int, std::vector<OnCall>> by_level;
    for (const OnCall &e : entries) {
        auto &people = by_level[e.level];
        bool seen = std::any_of(people.begin(), people.end(), [&](const OnCall &p) { return p.user_id == e.user_id; });
        if (!seen && people.size() < limits::max_dial_numbers) people.push_back(e);
    }
    std::vector<std::vector<OnCall>> levels;
    for (auto &[level, people] : by_level) levels.push_back(std::move(people));
    return levels;
}

namespace {

// Each state and its name, as the log and the cache write it: one list
// for both ways.
constexpr std::pair<PhoneState, const char *> phone_states[] = {
    {PhoneState::usable, "usable"},
    {PhoneState::blacklisted, "blacklisted"},
    {PhoneState::disabled, "disabled"},
    {PhoneState::invalid_number, "without a valid number"},
};
static_assert(std::size(phone_states) == static_cast<std::size_t>(PhoneState::invalid_number) + 1,
              "a name for each state, invalid_number last");

}  // namespace

const char *to_string(PhoneState state)
{
    for (const auto &[s, name] : phone_states)
        if (s == state) return name;
    return "?";
}

Result<std::vector<Phone>> contact_phones(std::string_view text)
{
    std::vector<Phone> phones;
    auto doc = parse_list(text, "contact_methods");
    if (!doc) return fail(doc.error());
    auto flag = [](const json &m, const char *key) -> std::optional<bool> {
        auto it = m.find(key);
        if (it == m.end() || !it->is_boolean()) return std::nullopt;
        return it->get<bool>();
    };
    for (const json &m : (*doc)["contact_methods"]) {
        const std::string type = m.is_object() ? string_field(m, "type") : "";
        if (type != "phone_contact_method" && type != "sms_contact_method") continue;
        Phone phone{"", string_field(m, "label"), type == "sms_contact_method"};
        auto cc = m.find("country_code");
        std::optional<std::string> number;
        if (cc != m.end() && cc->is_number_integer())
            number = e164_from_pagerduty(cc->get<long long>(), string_field(m, "address"));
        // PhoneContactMethod: `blacklisted` means PagerDuty sends it
        // nothing; `enabled` false means the phone cannot receive
        // notifications.  Both are read-only and PagerDuty's own example
        // leaves `enabled` out, so only an explicit false disables.
        if (flag(m, "blacklisted").value_or(false))
            phone.state = PhoneState::blacklisted;
        else if (!flag(m, "enabled").value_or(true))
            phone.state = PhoneState::disabled;
        else if (!number)
            phone.state = PhoneState::invalid_number;
        if (number) phone.number = *number;
        phones.push_back(std::move(phone));
    }
    return phones;
}

std::optional<Phone> phone_choose(const std::vector<Phone> &phones, std::string_view prefer_label, Medium medium)
{
    auto choose = [&](bool sms) -> std::optional<Phone> {
        std::optional<Phone> first;
        for (const Phone &p : phones) {
            if (p.sms != sms || p.state != PhoneState::usable) continue;
            if (!prefer_label.empty() && ascii_iequal(p.label, prefer_label)) return p;
            if (!first) first = p;
        }
        return first;
    };
    if (medium == Medium::text)
        if (auto sms = choose(true)) return sms;
    return choose(false);
}

std::string phones_unusable(const std::vector<Phone> &phones, Medium medium)
{
    std::string out;
    for (PhoneState state : {PhoneState::disabled, PhoneState::blacklisted, PhoneState::invalid_number}) {
        // A call cannot use an SMS method, whatever its state.
        auto n = std::count_if(phones.begin(), phones.end(), [&](const Phone &p) {
            return p.state == state && (medium == Medium::text || !p.sms);
        });
        if (n > 0) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + to_string(state);
    }
    return out;
}

std::optional<int> policy_num_loops(std::string_view text)
{
    json doc = json::parse(text, nullptr, false);
    if (!doc.is_object() || !doc.contains("escalation_policy") || !doc["escalation_policy"].is_object())
        return std::nullopt;
    const json &policy = doc["escalation_policy"];
    auto loops = policy.find("num_loops");
    if (loops == policy.end() || !loops->is_number_integer()) return std::nullopt;
    long long n = loops->get<long long>();
    if (n < 0 || n > 1000) return std::nullopt;
    return static_cast<int>(n);
}

std::optional<long long> earliest_end(const std::vector<OnCall> &entries)
{
    std::optional<long long> earliest;
    for (const auto &e : entries) {
        if (e.end.empty()) continue;
        auto t = parse_rfc3339(e.end);
        if (t && (!earliest || *t < *earliest)) earliest = t;
    }
    return earliest;
}

std::vector<OnCall> oncalls_at(const std::vector<OnCall> &entries, long long at)
{
    auto before = [](const std::string &time, long long t, bool otherwise) {
        auto parsed = parse_rfc3339(time);
        return parsed ? *parsed <= t : otherwise;
    };
    std::vector<OnCall> on;
    for (const auto &e : entries) {
        const bool begun = e.start.empty() || before(e.start, at, true);
        const bool ended = !e.end.empty() && before(e.end, at, false);
        if (begun && !ended) on.push_back(e);
    }
    return on;
}

namespace {

// A list as the cache keeps it: a JSON array, one object an item.
template <class T>
std::string list_to_json(const std::vector<T> &items, json (*one)(const T &))
{
    json list = json::array();
    for (const auto &item : items) list.push_back(one(item));
    return list.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The list back, or nothing when any item is not one `one` takes: a cache
// entry is believed whole or not at all.
template <class T>
std::optional<std::vector<T>> list_from_json(const json &list, std::optional<T> (*one)(const json &))
{
    if (!list.is_array()) return std::nullopt;
    std::vector<T> out;
    for (const auto &item : list) {
        auto read = item.is_object() ? one(item) : std::nullopt;
        if (!read) return std::nullopt;
        out.push_back(std::move(*read));
    }
    return out;
}

json oncall_json(const OnCall &e)
{
    return {{"level", e.level},          {"user_id", e.user_id}, {"name", e.name},
            {"start", e.start},          {"end", e.end},         {"time_zone", e.time_zone}};
}

std::optional<OnCall> oncall_from(const json &item)
{
    if (!item.contains("level") || !item["level"].is_number_integer()) return std::nullopt;
    OnCall e;
    e.level = item["level"].get<int>();
    e.user_id = string_field(item, "user_id");
    e.name = string_field(item, "name");
    e.start = string_field(item, "start");
    e.end = string_field(item, "end");
    e.time_zone = string_field(item, "time_zone");
    if (e.level < 1 || !is_pagerduty_id(e.user_id)) return std::nullopt;
    return e;
}

json phone_json(const Phone &p)
{
    return {{"number", p.number}, {"label", p.label}, {"sms", p.sms}, {"state", to_string(p.state)}};
}

std::optional<Phone> phone_from(const json &item)
{
    auto sms = item.find("sms");
    Phone p{string_field(item, "number"), string_field(item, "label"), sms != item.end() && sms->is_boolean() && sms->get<bool>()};
    // Without a state the entry was written before unusable methods were
    // kept, and may hold a phone that is off: not ours to trust.
    const std::string state = string_field(item, "state");
    auto known = std::find_if(std::begin(phone_states), std::end(phone_states),
                              [&](const auto &named) { return state == named.second; });
    if (known == std::end(phone_states)) return std::nullopt;
    p.state = known->first;
    // A usable method has an E.164 number, one without a valid number
    // none; the others may have either.
    bool has_number = !p.number.empty();
    if ((has_number && !is_e164(p.number)) || (p.state == PhoneState::usable && !has_number) ||
        (p.state == PhoneState::invalid_number && has_number))
        return std::nullopt;
    return p;
}

}  // namespace

std::string oncalls_to_json(const KnownOncalls &known)
{
    return R"({"known_until":)" + std::to_string(known.known_until) +
           R"(,"oncalls":)" + list_to_json(known.entries, oncall_json) + "}";
}

std::optional<KnownOncalls> oncalls_from_json(std::string_view text)
{
    json doc = json::parse(text, nullptr, false);
    // The earlier form, a bare list: who was on call when it was fetched.
    if (doc.is_array()) {
        auto entries = list_from_json(doc, oncall_from);
        if (!entries) return std::nullopt;
        return KnownOncalls{std::move(*entries), 0};
    }
    if (!doc.is_object() || !doc.contains("known_until") || !doc["known_until"].is_number_integer() ||
        !doc.contains("oncalls"))
        return std::nullopt;
    auto entries = list_from_json(doc["oncalls"], oncall_from);
    if (!entries) return std::nullopt;
    return KnownOncalls{std::move(*entries), doc["known_until"].get<long long>()};
}

std::string phones_to_json(const std::vector<Phone> &phones) { return list_to_json(phones, phone_json); }

std::optional<std::vector<Phone>> phones_from_json(std::string_view text)
{
    return list_from_json(json::parse(text, nullptr, false), phone_from);
}

}  // namespace pdcf
