// Asking PagerDuty who to dial: GET /oncalls (all pages), then
// GET /users/{id}/contact_methods for the people of the lowest level.
// The HTTP request itself is passed in (see http_client.hpp), so this
// module is tested against canned answers.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config.hpp"

namespace pdcf {

struct HttpReply {
    int status = 0;     // 0: no HTTP answer (timeout, refused, TLS...)
    std::string body;
    std::string error;  // why there is no answer, when status is 0
};

// GET `path_and_query` (starting with '/') from the PagerDuty API.
using Fetch = std::function<HttpReply(const std::string &path_and_query)>;

struct Callee {
    std::string name;
    std::string number;  // E.164
};

struct Lookup {
    std::vector<Callee> callees;     // ring these together; empty: nobody to dial
    int level = 0;                   // their escalation level
    std::string problem;             // anything unusual, for the log
    bool pagerduty_failed = false;   // PagerDuty did not answer usefully
    int requests = 0;
};

Lookup pagerduty_lookup(const Fetch &fetch, TargetKind kind, const std::string &target, const std::string &prefer_label);

// Never dial the number that was called: a PagerDuty phone set to the
// team's own line would ring this program again, in a loop.  Drops such
// callees from `lookup` and says so in its problem.
void lookup_skip_number(Lookup &lookup, const std::string &called);

// The problem as the log gives it: "pagerduty: ..." when PagerDuty failed.
std::string lookup_reason(const Lookup &lookup);

// "GET /oncalls: HTTP 401 (Unauthorized): check [pagerduty] token"
std::string pagerduty_describe_failure(const std::string &path_and_query, const HttpReply &reply);

}  // namespace pdcf
