#include "commands/options.hpp"

#include <optional>
#include <string_view>

#include "core/ascii.hpp"
#include "core/limits.hpp"

namespace pdcf {

namespace {

// "--name VALUE" or "--name=VALUE" (and "-c VALUE"): nullopt when `arg` is
// not the option, else its value or a usage error.
std::optional<Result<std::string>> take_value(std::string_view arg, std::string_view shortname, std::string_view name,
                                              int argc, char **argv, int &i)
{
    if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=')
        return std::string(arg.substr(name.size() + 1));
    if (arg != name && (shortname.empty() || arg != shortname)) return std::nullopt;
    if (i + 1 >= argc) return fail(std::string(arg) + " needs a value");
    return std::string(argv[++i]);
}

// The commands that take no value of their own.
std::optional<Command> plain_command(std::string_view arg)
{
    if (arg == "--check") return Command::check;
    if (arg == "--flush") return Command::flush;
    if (arg == "--refresh") return Command::refresh;
    if (arg == "--calls") return Command::calls;
    return std::nullopt;
}

// An option given without the command it goes with, or a command without
// what it needs; "" when all fit.
struct Given {
    bool from, at, ahead, since;
};

std::string misplaced(const Options &o, Given given)
{
    if (given.from && o.command != Command::test_call) return "--from goes with --test-call";
    if (given.at && o.command != Command::test_call) return "--at goes with --test-call";
    if (given.ahead && o.command != Command::check) return "--ahead goes with --check";
    if ((given.since || o.json) && o.command != Command::calls)
        return std::string(given.since ? "--since" : "--json") + " goes with --calls";
    if (o.notify && !given.ahead) return "--notify goes with --check --ahead";
    if (o.command == Command::test_call && o.test_to.empty())
        return "--test-call needs the called number (E.164), a route name or a menu name";
    return "";
}

}  // namespace

Result<long long> ahead_parse(const std::string &text)
{
    const char unit = text.empty() ? '\0' : text.back();
    auto n = parse_decimal(std::string_view(text).substr(0, text.empty() ? 0 : text.size() - 1), 1, 1LL << 30);
    const long long seconds = !n ? 0 : unit == 'd' ? *n * 86400 : unit == 'h' ? *n * 3600 : 0;
    if (seconds < 3600 || seconds > limits::max_readiness_ahead)
        return fail("--ahead: expected days or hours such as 7d or 36h, at most " +
                    std::to_string(limits::max_readiness_ahead / 86400) + "d");
    return seconds;
}

Result<long long> since_parse(const std::string &text)
{
    const char unit = text.empty() ? '\0' : text.back();
    auto n = parse_decimal(std::string_view(text).substr(0, text.empty() ? 0 : text.size() - 1), 1, 1LL << 30);
    const long long seconds = !n ? 0 : unit == 'd' ? *n * 86400 : unit == 'h' ? *n * 3600 : unit == 'm' ? *n * 60 : 0;
    if (seconds <= 0 || seconds > limits::max_calls_since)
        return fail("--since: expected days, hours or minutes such as 24h, 7d or 90m, at most " +
                    std::to_string(limits::max_calls_since / 86400) + "d");
    return seconds;
}

Result<Options> options_parse(int argc, char **argv)
{
    Options o;
    std::string error;
    bool from_given = false, at_given = false, ahead_given = false, since_given = false;
    auto command = [&](Command c) {
        if (o.command != Command::serve && o.command != c) error = "--check, --test-call, --flush, --refresh and --calls cannot be combined";
        o.command = c;
    };
    // An option's value, or "" with its usage error said.
    auto value_of = [&](const Result<std::string> &taken) {
        if (!taken) error = taken.error();
        return taken.value_or("");
    };
    for (int i = 1; i < argc && error.empty(); ++i) {
        std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            o.help = true;
        } else if (arg == "-V" || arg == "--version") {
            o.version = true;
        } else if (auto c = plain_command(arg)) {
            command(*c);
        } else if (arg == "--json") {
            o.json = true;
        } else if (auto since = take_value(arg, "", "--since", argc, argv, i)) {
            auto seconds = since_parse(value_of(*since));
            if (!seconds && error.empty()) error = seconds.error();
            o.since = seconds.value_or(o.since);
            since_given = true;
        } else if (auto config = take_value(arg, "-c", "--config", argc, argv, i)) {
            o.config = value_of(*config);
        } else if (auto to = take_value(arg, "", "--test-call", argc, argv, i)) {
            o.test_to = value_of(*to);
            // Combined with another command, that is the error to say.
            command(Command::test_call);
        } else if (auto from = take_value(arg, "", "--from", argc, argv, i)) {
            o.test_from = value_of(*from);
            from_given = true;
        } else if (auto ahead = take_value(arg, "", "--ahead", argc, argv, i)) {
            auto seconds = ahead_parse(value_of(*ahead));
            if (!seconds && error.empty()) error = seconds.error();
            o.ahead = seconds.value_or(0);
            ahead_given = true;
        } else if (arg == "--notify") {
            o.notify = true;
        } else if (auto at = take_value(arg, "", "--at", argc, argv, i)) {
            o.test_at = value_of(*at);
            at_given = true;
        } else {
            error = "unknown argument: " + std::string(arg);
        }
    }
    if (error.empty()) error = misplaced(o, {from_given, at_given, ahead_given, since_given});
    if (!error.empty()) return fail(error);
    return o;
}

std::string options_usage()
{
    return "usage: pd-call-forward [-c FILE]\n"
           "       pd-call-forward --check [--ahead DAYS [--notify]] [-c FILE]\n"
           "       pd-call-forward --test-call TO [--from FROM] [--at TIME] [-c FILE]\n"
           "       pd-call-forward --flush [-c FILE]\n"
           "       pd-call-forward --refresh [-c FILE]\n"
           "       pd-call-forward --calls [--since 24h] [--json] [-c FILE]\n"
           "       pd-call-forward --help | --version\n"
           "\n"
           "Answers Twilio's incoming-call and incoming-message webhooks with TwiML\n"
           "that dials (or texts) whoever is on call in PagerDuty.  Run it from a\n"
           "web server: as a FastCGI program (spawn-fcgi, mod_fcgid, a systemd\n"
           "socket) or as a CGI program; the mode is detected when it starts.\n"
           "\n"
           "  -c, --config FILE  configuration file (else $PD_CALL_FORWARD_CONFIG,\n"
           "                     else /etc/pd-call-forward/pd-call-forward.ini)\n"
           "  --check            check the configuration and ask PagerDuty who each\n"
           "                     route reaches now; exit 0 only if every route\n"
           "                     reaches its own on-call\n"
           "  --ahead 7d         with --check: also every on-call shift of the next\n"
           "                     7 days (or 36h; at most 90d) that nobody could be\n"
           "                     put through to, and every gap; exit 1 if any\n"
           "  --notify           with --ahead: raise one PagerDuty alert a day\n"
           "                     listing what was found\n"
           "  --test-call TO     print the TwiML a call to TO (a Twilio number, a\n"
           "                     route name or a menu name) would get now, and its\n"
           "                     log line\n"
           "  --from FROM        the caller's number for --test-call\n"
           "  --at TIME          --test-call at \"YYYY-MM-DD HH:MM\" in the line's\n"
           "                     time_zone (UTC without one) instead of now: its\n"
           "                     hours, and PagerDuty's on-call then\n"
           "  --flush            send the alerts waiting in the spool (for cron);\n"
           "                     exit 0 when none is left waiting\n"
           "  --refresh          ask PagerDuty now for every route's on-call and\n"
           "                     phones that stop being fresh before the next run\n"
           "                     (for cron or the timer, every 30 s, in CGI mode)\n"
           "  --calls            the calls of the last day, newest first: time, line,\n"
           "                     caller (masked), outcome, who answered, how long,\n"
           "                     which alert; run it as the program's user\n"
           "  --since 24h        with --calls: of the last 24h (or 90m, 7d)\n"
           "  --json             with --calls: as a JSON array\n"
           "  -h, --help         show this help\n"
           "  -V, --version      show the version\n"
           "\n"
           "See pd-call-forward(8) and pd-call-forward.ini(5).\n";
}

std::string options_config_path(const Options &options, const char *env_value)
{
    if (!options.config.empty()) return options.config;
    if (env_value && *env_value) return env_value;
    return default_config_path;
}

}  // namespace pdcf
