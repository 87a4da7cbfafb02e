// What the configuration tests share: a minimal file, two routes to put a
// menu in front of, and secret files that live in memory.
#pragma once

#include <map>
#include <string>

#include <boost/test/unit_test.hpp>

#include "config/config.hpp"

namespace pdcf::config_tests {

inline const std::string base = R"([pagerduty]
token = pd-secret
[twilio]
auth_token = tw-secret
[route:ops]
number = +14155550100
escalation_policy = PABC123
routing_key = RKEY
)";

// Secret files by name, as config_parse reads them here.
inline std::map<std::string, std::string> secret_files;

inline ConfigResult parse(const std::string &text, const std::string &path = "/etc/pdcf/pd.ini")
{
    return config_parse(text, path, [](const std::string &file, std::size_t) -> Result<std::string> {
        auto it = secret_files.find(file);
        if (it == secret_files.end()) return fail("No such file or directory");
        return it->second;
    });
}

// The one error of `r`, as printed.
inline std::string only_error(const ConfigResult &r)
{
    BOOST_TEST_REQUIRE(r.errors.size() == 1u, "errors: " << r.errors.size() << (r.errors.empty() ? "" : " first: " + r.errors[0].str()));
    return r.errors[0].str();
}

inline bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

// Two routes and room for a menu from line 15 on.
inline const std::string routes = R"([pagerduty]
token = t
[twilio]
auth_token = a
[route:ops]
number = +14155550100
escalation_policy = PEP1
title = Platform
routing_key = RKEY
[route:db]
number = +14155550111
schedule = PSDB
title = Database
routing_key = RKEY
)";

inline ConfigResult with_menu(const std::string &menu) { return parse(routes + menu, "/x.ini"); }

inline const Menu &first_menu(const ConfigResult &r)
{
    BOOST_TEST_REQUIRE(r.config.menus.size() >= 1u);
    return r.config.menus[0];
}

inline std::string keys_of(const Menu &m)
{
    std::string s;
    for (const auto &e : m.entries) s += e.key;
    return s;
}

}  // namespace pdcf::config_tests
