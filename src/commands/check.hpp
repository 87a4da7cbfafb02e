// pd-call-forward --check: the operator's view, before a real caller's.
// Validates the configuration, then asks PagerDuty, route by route, who a
// call would reach now, and prints a table.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "call/context.hpp"
#include "config/config.hpp"
#include "pagerduty/pagerduty.hpp"

namespace pdcf {

struct CheckRow {
    std::string route;
    std::string number;   // the Twilio number, or "(any other)"
    std::string target;   // "escalation policy PABC123 (Platform)"
    std::string on_call;  // who would be dialed, or "-"
    std::string dials;    // their numbers, masked
    std::string problem;  // "-" when none
    bool ok = false;      // the route reaches its own on-call
};

// One route's row: `target` is PagerDuty's answer to GET of the policy or
// schedule itself, `found` the first level on call as PagerDuty names it
// (not asked when the target is unknown); the lines' own numbers are
// skipped here, as a call skips them.  Pure.
CheckRow check_row(const Route &route, const HttpReply &target, const Snapshot &found);

// A `dial` route's row: its numbers, masked; PagerDuty is not asked.
CheckRow check_dial_row(const Route &route);

// The rows as an aligned table with a header line.  Pure.
std::string check_table(const std::vector<CheckRow> &rows);

// A menu, its prompt and a line per key (and for no key, the default)
// saying where it leads and, for a route, what its row says now: who is on
// call, the numbers dialed, the problem.  `routes` are the route rows.
// Pure.
std::string check_menu(const Menu &menu, const std::vector<CheckRow> &routes);

// The lines that keep hours (after_hours set), a row each: their hours,
// what answers at `now` (seconds since 1970) and when that next changes,
// in the line's time zone; empty when none keeps hours.  Pure but for the
// time zone database.
std::string check_hours(const Config &config, long long now);

// Prints the report to `out` (the routes, then each menu) and returns the
// exit status: 0 only if the configuration is valid and every route
// reaches its own on-call.  Asks
// PagerDuty even where the cache is fresh, and keeps what it says there.
// `ahead` seconds: also the readiness of the shifts to come
// (readiness.hpp), `notify` raising its alert; its findings make it 1.
int check_run(const Context &context, std::FILE *out, long long ahead = 0, bool notify = false);

}  // namespace pdcf
