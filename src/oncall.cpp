#include "oncall.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <nlohmann/json.hpp>

#include "limits.hpp"
#include "phone.hpp"

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

bool equal_ignoring_case(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// Parses a list answer: the document, or nothing and `error` when it is
// not JSON or has no array `key`.
std::optional<json> parse_list(std::string_view text, const char *key, std::string &error)
{
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
        error = "not JSON";
        return std::nullopt;
    }
    if (!doc.is_object() || !doc.contains(key) || !doc[key].is_array()) {
        error = std::string("JSON without the \"") + key + "\" array";
        return std::nullopt;
    }
    return doc;
}

}  // namespace

OncallPage oncall_parse_page(std::string_view text)
{
    OncallPage page;
    auto doc = parse_list(text, "oncalls", page.error);
    if (!doc) return page;
    const json &list = (*doc)["oncalls"];
    page.listed = list.size();
    for (const json &item : list) {
        if (!item.is_object()) {
            ++page.skipped;
            continue;
        }
        OnCall entry;
        auto level = item.find("escalation_level");
        auto user = item.find("user");
        if (level == item.end() || !level->is_number_integer() || user == item.end() || !user->is_object()) {
            ++page.skipped;
            continue;
        }
        long long lv = level->get<long long>();
        entry.user_id = string_field(*user, "id");
        if (lv < 1 || lv > 1000 || !is_pagerduty_id(entry.user_id)) {
            ++page.skipped;
            continue;
        }
        entry.level = static_cast<int>(lv);
        entry.name = string_field(*user, "summary");
        if (entry.name.empty()) entry.name = string_field(*user, "name");
        if (entry.name.empty()) entry.name = entry.user_id;
        entry.end = string_field(item, "end");
        page.entries.push_back(std::move(entry));
    }
    auto more = doc->find("more");
    page.more = more != doc->end() && more->is_boolean() && more->get<bool>();
    return page;
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

PhonesResult contact_phones(std::string_view text)
{
    PhonesResult result;
    auto doc = parse_list(text, "contact_methods", result.error);
    if (!doc) return result;
    for (const json &m : (*doc)["contact_methods"]) {
        if (!m.is_object() || string_field(m, "type") != "phone_contact_method") continue;
        auto blacklisted = m.find("blacklisted");
        if (blacklisted != m.end() && blacklisted->is_boolean() && blacklisted->get<bool>()) continue;
        auto cc = m.find("country_code");
        if (cc == m.end() || !cc->is_number_integer()) continue;
        auto number = e164_from_pagerduty(cc->get<long long>(), string_field(m, "address"));
        if (!number) continue;
        result.phones.push_back({*number, string_field(m, "label")});
    }
    return result;
}

std::optional<Phone> phone_choose(const std::vector<Phone> &phones, std::string_view prefer_label)
{
    if (phones.empty()) return std::nullopt;
    if (!prefer_label.empty())
        for (const Phone &p : phones)
            if (equal_ignoring_case(p.label, prefer_label)) return p;
    return phones.front();
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

}  // namespace pdcf
