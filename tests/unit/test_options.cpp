#include <boost/test/unit_test.hpp>

#include <vector>

#include "options.hpp"

using namespace pdcf;

namespace {
Options parse(std::vector<std::string> args)
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
    BOOST_TEST(options_config_path(parse({"-c", "/a.ini"}), "/env.ini") == "/a.ini");
    BOOST_TEST(options_config_path(parse({"--config", "/b.ini"}), nullptr) == "/b.ini");
    BOOST_TEST(options_config_path(parse({"--config=/c.ini"}), nullptr) == "/c.ini");
    BOOST_TEST(options_config_path(parse({}), "/env.ini") == "/env.ini");
    BOOST_TEST(options_config_path(parse({}), "") == "/etc/pd-call-forward/pd-call-forward.ini");
    BOOST_TEST(options_config_path(parse({}), nullptr) == "/etc/pd-call-forward/pd-call-forward.ini");
}

BOOST_AUTO_TEST_CASE(help_version_and_errors)
{
    BOOST_TEST(parse({"--help"}).help);
    BOOST_TEST(parse({"-h"}).help);
    BOOST_TEST(parse({"--version"}).version);
    BOOST_TEST(parse({"-c"}).error == "-c needs a file name");
    BOOST_TEST(parse({"--bogus"}).error == "unknown argument: --bogus");
}

BOOST_AUTO_TEST_SUITE_END()
