// The configuration the unit and fuzz tests start from, and the one way
// they change it: two lines, ops asking an escalation policy and db a
// schedule, as most sites have them.  The golden TwiML of the unit tests
// is written against it as it is.
#pragma once

#include <string>

namespace pdcf::testing {

inline const std::string base_config = R"([pagerduty]
token = pd-token
timeout = 3
[twilio]
auth_token = 12345
[call]
greeting = Connecting you to {name}.
[route:ops]
number = +14155550100
escalation_policy = PEP1
fallback_number = +14155550199
routing_key = RKEY
title = Platform
[route:db]
number = +14155550111
schedule = PSDB
unavailable_message = Nobody is on the database line.
)";

// `config` with `key = value` in [section]: the key's line replaced where
// the section has it, else added at the section's end; a section it lacks
// is added at the end.  (An INI file may not name a key twice.)
inline std::string set_key(std::string config, const std::string &section, const std::string &key,
                           const std::string &value)
{
    const std::string line = key + " = " + value + "\n";
    const std::string header = "[" + section + "]\n";
    std::size_t start = config.find(header);
    if (start == std::string::npos) {
        if (!config.empty() && config.back() != '\n') config += '\n';
        return config + header + line;
    }
    start += header.size();
    std::size_t end = config.find("\n[", start - 1);
    end = end == std::string::npos ? config.size() : end + 1;
    for (std::size_t at = start; at < end;) {
        std::size_t eol = config.find('\n', at);
        eol = eol == std::string::npos ? config.size() : eol + 1;
        const std::string current = config.substr(at, eol - at);
        if (current.rfind(key + " =", 0) == 0 || current.rfind(key + "=", 0) == 0)
            return config.replace(at, eol - at, line);
        at = eol;
    }
    return config.insert(end, line);
}

}  // namespace pdcf::testing
