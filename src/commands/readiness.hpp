// pd-call-forward --check --ahead 7d [--notify]: every on-call shift of the
// coming days that nobody could be put through to, and every time a level
// has nobody, found while there is still daylight to fix them.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "alerts/alert.hpp"
#include "call/context.hpp"
#include "config/config.hpp"
#include "pagerduty/pagerduty.hpp"

namespace pdcf {

// A shift nobody could be put through to, or a time a level has nobody.
struct Finding {
    std::string route;
    int level = 0;
    long long start = 0;  // within the window looked at
    long long end = 0;
    std::string who;      // empty for a gap, or when PagerDuty failed
    std::string problem;  // "no phone contact method", "nobody on call", ...
};

// What PagerDuty said of each person's phones, by user id.
using PhonesByUser = std::map<std::string, PhonesAnswer>;

// The findings of one route for [since, until), in start order: each shift
// whose person has no phone to dial (none; only blacklisted, disabled or
// invalid ones; only a line's own number), and each stretch in which level
// 1, or a level that has anyone in the window, has nobody.  `shifts` as
// fetch_shifts gave them; not `complete` (PagerDuty had more pages than
// are read): no gaps, since the rest may fill them.  `levels`: how many
// the policy has, so one nobody is on all week is seen too.  Pure.
std::vector<Finding> readiness_findings(const Route &route, const std::vector<OnCall> &shifts,
                                        const PhonesByUser &phones, long long since, long long until,
                                        bool complete = true, int levels = 1);

// The findings as a table, times in each route's time zone (UTC without
// one), or a line saying there are none.  Pure but for the zone database.
std::string readiness_table(const Config &config, const std::vector<Finding> &findings, long long since, long long until);

// The day's alert listing them (`day` "2026-12-01" makes its dedup_key:
// one alert a day, however often it is run), through `call`'s routing key.
// Pure.
Alert readiness_alert(const Config &config, const CallSettings &call, const std::string &day,
                      const std::vector<Finding> &findings, long long seconds_ahead);

// Asks PagerDuty for every route's shifts and phones, prints the table to
// `out`, and with `notify` delivers the alert when there is a finding;
// returns 1 when there is one (or the alert could not be raised), else 0.
int readiness_run(const Context &context, long long seconds_ahead, bool notify, std::FILE *out);

}  // namespace pdcf
