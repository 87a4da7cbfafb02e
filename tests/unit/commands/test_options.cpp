#include <boost/test/unit_test.hpp>

#include <vector>

#include "commands/options.hpp"

using namespace pdcf;

namespace {
Result<Options> parse(std::vector<std::string> args)
{
    args.insert(args.begin(), "pd-call-forward");
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(a.data());
    return options_parse(static_cast<int>(argv.size()), argv.data());
}
}  // namespace

BOOST_AUTO_TEST_SUITE(options)

BOOST_AUTO_TEST_CASE(config_file_precedence)
{
    BOOST_TEST(options_config_path(*parse({"-c", "/a.ini"}), "/env.ini") == "/a.ini");
    BOOST_TEST(options_config_path(*parse({"--config", "/b.ini"}), nullptr) == "/b.ini");
    BOOST_TEST(options_config_path(*parse({"--config=/c.ini"}), nullptr) == "/c.ini");
    BOOST_TEST(options_config_path(*parse({}), "/env.ini") == "/env.ini");
    BOOST_TEST(options_config_path(*parse({}), "") == "/etc/pd-call-forward/pd-call-forward.ini");
    BOOST_TEST(options_config_path(*parse({}), nullptr) == "/etc/pd-call-forward/pd-call-forward.ini");
}

BOOST_AUTO_TEST_CASE(help_version_and_errors)
{
    BOOST_TEST(parse({"--help"})->help);
    BOOST_TEST(parse({"-h"})->help);
    BOOST_TEST(parse({"--version"})->version);
    BOOST_TEST(parse({"-c"}).error() == "-c needs a value");
    BOOST_TEST(parse({"--bogus"}).error() == "unknown argument: --bogus");
}

BOOST_AUTO_TEST_CASE(operator_commands)
{
    Options o = *parse({"--check", "-c", "/a.ini"});
    BOOST_TEST((o.command == Command::check));
    BOOST_TEST(o.config == "/a.ini");
    o = *parse({"--test-call", "+14155550100", "--from", "+14155559876"});
    BOOST_TEST((o.command == Command::test_call));
    BOOST_TEST(o.test_to == "+14155550100");
    BOOST_TEST(o.test_from == "+14155559876");
    o = *parse({"--test-call=ops", "--from=+1"});
    BOOST_TEST(o.test_to == "ops");
    BOOST_TEST(o.test_from == "+1");
    BOOST_TEST((parse({})->command == Command::serve));
    BOOST_TEST(parse({"--test-call"}).error() == "--test-call needs a value");
    BOOST_TEST(parse({"--test-call="}).error() == "--test-call needs the called number (E.164), a route name or a menu name");
    BOOST_TEST(parse({"--from", "+1"}).error() == "--from goes with --test-call");
    BOOST_TEST(parse({"--check", "--at", "2026-12-24 10:00"}).error() == "--at goes with --test-call");
    o = *parse({"--check", "--ahead", "7d", "--notify"});
    BOOST_TEST(o.ahead == 7 * 86400);
    BOOST_TEST(o.notify);
    BOOST_TEST(parse({"--check", "--ahead=36h"})->ahead == 36 * 3600);
    BOOST_TEST(parse({"--check", "--ahead", "91d"}).error() == "--ahead: expected days or hours such as 7d or 36h, at most 90d");
    BOOST_TEST(parse({"--check", "--ahead", "7"}).error() == "--ahead: expected days or hours such as 7d or 36h, at most 90d");
    BOOST_TEST(parse({"--check", "--ahead", "0h"}).error() == "--ahead: expected days or hours such as 7d or 36h, at most 90d");
    BOOST_TEST(parse({"--ahead", "7d"}).error() == "--ahead goes with --check");
    BOOST_TEST(parse({"--check", "--notify"}).error() == "--notify goes with --check --ahead");
    BOOST_TEST(parse({"--test-call", "ops", "--at", "2026-12-24 10:00"})->test_at == "2026-12-24 10:00");
    BOOST_TEST(parse({"--test-call=ops", "--at=2026-12-24 10:00"})->test_at == "2026-12-24 10:00");
    BOOST_TEST(parse({"--check", "--test-call", "ops"}).error() == "--check, --test-call, --flush, --refresh and --calls cannot be combined");
    // Two commands is the error, whether or not the second has its value.
    BOOST_TEST(parse({"--check", "--test-call"}).error() == "--check, --test-call, --flush, --refresh and --calls cannot be combined");
    BOOST_TEST(parse({"--flush", "-c"}).error() == "-c needs a value");
    BOOST_TEST((parse({"--flush", "-c", "/a.ini"})->command == Command::flush));
    BOOST_TEST((parse({"--refresh"})->command == Command::refresh));
    BOOST_TEST(parse({"--refresh", "--flush"}).error() == "--check, --test-call, --flush, --refresh and --calls cannot be combined");
}

BOOST_AUTO_TEST_CASE(calls_since_and_json)
{
    Options o = *parse({"--calls"});
    BOOST_TEST((o.command == Command::calls));
    BOOST_TEST(o.since == 86400);
    BOOST_TEST(!o.json);
    o = *parse({"--calls", "--since", "7d", "--json"});
    BOOST_TEST(o.since == 7 * 86400);
    BOOST_TEST(o.json);
    BOOST_TEST(parse({"--calls", "--since=90m"})->since == 90 * 60);
    BOOST_TEST(parse({"--since", "2h", "--calls"})->since == 2 * 3600);
    const std::string expected = "--since: expected days, hours or minutes such as 24h, 7d or 90m, at most 366d";
    for (const char *bad : {"24", "0h", "367d", "h", "", "1w", "-1h"})
        BOOST_TEST(parse({"--calls", "--since", bad}).error() == expected, bad);
    BOOST_TEST(parse({"--check", "--since", "1h"}).error() == "--since goes with --calls");
    BOOST_TEST(parse({"--json"}).error() == "--json goes with --calls");
    BOOST_TEST(parse({"--calls", "--flush"}).error() == "--check, --test-call, --flush, --refresh and --calls cannot be combined");
    BOOST_TEST(options_usage().find("--calls [--since 24h] [--json]") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
