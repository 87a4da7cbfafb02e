// The command line, pd-call-forward(8).
#pragma once

#include <string>

#include "core/result.hpp"

namespace pdcf {

constexpr const char *default_config_path = "/etc/pd-call-forward/pd-call-forward.ini";
constexpr const char *config_env = "PD_CALL_FORWARD_CONFIG";

enum class Command {
    serve,      // what a web server starts: CGI or FastCGI
    check,      // --check: the config and every route, now
    test_call,  // --test-call TO: the answer a call would get now
    flush,      // --flush: send the alerts waiting in the spool
    refresh,    // --refresh: ask PagerDuty for what the cache needs soon
    calls,      // --calls: the call history
};

struct Options {
    Command command = Command::serve;
    std::string config;     // -c/--config; empty when not given
    std::string test_to;    // --test-call TO: a Twilio number or a route name
    std::string test_from;  // --from FROM
    std::string test_at;    // --at "YYYY-MM-DD HH:MM": the call's time, in the line's time_zone
    long long ahead = 0;    // --check --ahead: seconds of shifts to look at; 0: none
    bool notify = false;    // --check --ahead --notify: the day's alert of what was found
    long long since = 86400;  // --calls --since: seconds back
    bool json = false;        // --calls --json
    bool help = false;
    bool version = false;
};

// "7d", "36h": seconds, from 1 hour to limits::max_readiness_ahead.
Result<long long> ahead_parse(const std::string &text);

// "24h", "7d", "90m": seconds, up to limits::max_calls_since.
Result<long long> since_parse(const std::string &text);

// The options, or a usage error to print before the usage.
Result<Options> options_parse(int argc, char **argv);

std::string options_usage();

// -c FILE, else $PD_CALL_FORWARD_CONFIG (`env_value`, may be null), else
// the default path.
std::string options_config_path(const Options &options, const char *env_value);

}  // namespace pdcf
