// Test helper: canned PagerDuty answers by path, in the official shapes,
// and a record of what was asked.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pagerduty/pagerduty.hpp"

struct FakePagerDuty {
    std::map<std::string, pdcf::HttpReply> replies;  // by path+query, else by path
    std::vector<std::string> requests;

    pdcf::HttpReply get(const std::string &path_and_query)
    {
        requests.push_back(path_and_query);
        if (auto it = replies.find(path_and_query); it != replies.end()) return it->second;
        if (auto it = replies.find(path_and_query.substr(0, path_and_query.find('?'))); it != replies.end())
            return it->second;
        return {404, R"({"error":{"message":"Not Found","code":2100}})", ""};
    }
    pdcf::Fetch fetch()
    {
        return [this](const std::string &p) { return get(p); };
    }

    // One /oncalls answer for any query.
    void oncalls(const std::vector<std::string> &entries, bool more = false)
    {
        replies["/oncalls"] = {200, page(entries, more), ""};
    }
    // One /schedules/{id}/users answer for any since and until.
    void schedule_users(const std::string &schedule, const std::vector<std::string> &users)
    {
        std::string list;
        for (const auto &u : users) list += (list.empty() ? "" : ",") + u;
        replies["/schedules/" + schedule + "/users"] = {200, R"({"users": [)" + list + "]}", ""};
    }
    void phones(const std::string &user, const std::vector<std::string> &methods)
    {
        std::string list;
        for (const auto &m : methods) list += (list.empty() ? "" : ",") + m;
        replies["/users/" + user + "/contact_methods"] = {200, R"({"contact_methods": [)" + list + "]}", ""};
    }

    // An on-call begun before any test's clock (the handlers' is 5000 s
    // into 1970), as every entry /oncalls gives for the present has.
    static std::string entry(int level, const std::string &user, const std::string &name)
    {
        return R"({"escalation_policy": {"id": "PEP1", "type": "escalation_policy_reference", "summary": "Ops"},)"
               R"("escalation_level": )" + std::to_string(level) +
               R"(, "schedule": null, "user": {"id": ")" + user + R"(", "type": "user_reference", "summary": ")" + name +
               R"("}, "start": "1970-01-01T00:00:00Z", "end": null})";
    }
    // A User object, as GET /schedules/{id}/users lists them.
    static std::string user(const std::string &id, const std::string &name)
    {
        return R"({"id": ")" + id + R"(", "type": "user", "summary": ")" + name + R"(", "name": ")" + name +
               R"(", "email": "x@example.com", "time_zone": "Etc/UTC", "role": "user"})";
    }
    static std::string page(const std::vector<std::string> &entries, bool more = false)
    {
        std::string list;
        for (const auto &e : entries) list += (list.empty() ? "" : ",") + e;
        return R"({"oncalls": [)" + list + R"(], "limit": 100, "offset": 0, "more": )" + (more ? "true" : "false") +
               R"(, "total": null})";
    }
    static std::string phone(const std::string &national, const std::string &label = "Mobile", int country = 1)
    {
        return R"({"id": "PC1", "type": "phone_contact_method", "summary": ")" + label + R"(", "label": ")" + label +
               R"(", "country_code": )" + std::to_string(country) + R"(, "address": ")" + national +
               R"(", "blacklisted": false})";
    }
};
