#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

#include <sys/stat.h>

#include "base_config.hpp"
#include "config/config.hpp"
#include "config_support.hpp"
#include "core/limits.hpp"

using namespace pdcf;
using namespace pdcf::config_tests;

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(minimal_file_and_defaults)
{
    auto r = parse(base);
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    const Config &c = r.config;
    BOOST_TEST(c.pagerduty.token == "pd-secret");
    BOOST_TEST(c.pagerduty.api_url == "https://api.pagerduty.com");
    BOOST_TEST(c.pagerduty.timeout.count() == 5000);
    BOOST_TEST(c.twilio.auth_tokens == std::vector<std::string>{"tw-secret"});
    BOOST_TEST(c.twilio.validate_signature);
    BOOST_REQUIRE_EQUAL(c.routes.size(), 1u);
    BOOST_TEST(c.routes[0].name == "ops");
    BOOST_TEST(c.routes[0].number == "+14155550100");
    BOOST_TEST(c.routes[0].target == "PABC123");
    BOOST_TEST((c.routes[0].kind == TargetKind::escalation_policy));
    BOOST_TEST(c.routes[0].call.voice == "Polly.Joanna");
    BOOST_TEST(c.routes[0].call.language == "");
    BOOST_TEST(c.routes[0].call.dial_timeout == 25);
    BOOST_TEST(r.warnings.empty());
}

BOOST_AUTO_TEST_CASE(every_error_is_reported_at_once)
{
    auto r = parse("[pagerduty]\ntimeout = x\n[twilio]\nauth_token = y\n[call]\ndial_timeout = 1\n[route:a]\nnumber = 1\n");
    BOOST_TEST(r.errors.size() == 5u);  // token, timeout, dial_timeout, number, target
    BOOST_TEST(contains(r.summary(), "(and 4 more)"));
}

BOOST_AUTO_TEST_CASE(secrets_never_in_messages)
{
    auto r = parse("[pagerduty]\ntoken = sekrit-pd\ntimeout = x\n[twilio]\nauth_token = sekrit-tw\n[route:a]\nescalation_policy = P1\n");
    for (const auto &e : r.errors) {
        BOOST_TEST(!contains(e.str(), "sekrit"));
    }
}

BOOST_AUTO_TEST_CASE(load_names_the_missing_file)
{
    auto r = config_load("/nonexistent/pd-call-forward.ini");
    BOOST_TEST(only_error(r) == "/nonexistent/pd-call-forward.ini: cannot read the configuration file: No such file or directory");
}

BOOST_AUTO_TEST_CASE(config_and_secret_file_size_limits)
{
    char dir[] = "/tmp/pdcf-config-XXXXXX";
    BOOST_REQUIRE(mkdtemp(dir));
    std::string d = dir;
    const std::string text = "[pagerduty]\ntoken_file = pd-token\n[twilio]\nauth_token_file = tw\n[route:a]\nschedule = P1\n"
                             "routing_key_file = tw\n";
    auto write = [&](const std::string &name, const std::string &content, mode_t mode) {
        std::ofstream(d + "/" + name) << content;
        chmod((d + "/" + name).c_str(), mode);
    };
    // Padded with a comment to exactly the limit, then one byte more.
    std::string at = text + ";" + std::string(limits::max_config_file - text.size() - 2, 'x') + "\n";
    BOOST_REQUIRE_EQUAL(at.size(), limits::max_config_file);
    write("tw", "tw-token", 0600);
    write("pd-token", std::string(limits::max_secret_file, 't'), 0600);
    write("pd.ini", at, 0600);
    auto r = config_load(d + "/pd.ini");
    BOOST_TEST(r.ok(), r.summary());
    write("pd.ini", at + "x", 0600);
    r = config_load(d + "/pd.ini");
    BOOST_TEST(contains(only_error(r), "larger than 262144 bytes"));
    write("pd.ini", text, 0600);
    write("pd-token", std::string(limits::max_secret_file + 1, 't'), 0600);
    r = config_load(d + "/pd.ini");
    BOOST_TEST(contains(only_error(r), "larger than 4096 bytes"));
    std::system(("rm -rf '" + d + "'").c_str());
}

BOOST_AUTO_TEST_CASE(load_reads_secret_files_beside_the_config)
{
    char dir[] = "/tmp/pdcf-config-XXXXXX";
    BOOST_REQUIRE(mkdtemp(dir));
    std::string d = dir;
    std::ofstream(d + "/pd.ini") << "[pagerduty]\ntoken_file = pd-token\n[twilio]\nauth_token_file = tw\n[route:a]\nschedule = P1\nrouting_key = k\n";
    std::ofstream(d + "/pd-token") << "pd-from-file\n";
    std::ofstream(d + "/tw") << "tw-from-file";
    chmod((d + "/pd.ini").c_str(), 0640);
    chmod((d + "/pd-token").c_str(), 0640);
    chmod((d + "/tw").c_str(), 0600);
    auto r = config_load(d + "/pd.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.pagerduty.token == "pd-from-file");
    BOOST_TEST(r.config.twilio.auth_tokens[0] == "tw-from-file");
    BOOST_TEST(r.warnings.empty());
    for (const char *f : {"/pd.ini", "/pd-token", "/tw"}) std::remove((d + f).c_str());
    std::remove(dir);
}

BOOST_AUTO_TEST_CASE(load_warns_about_secrets_every_user_can_read)
{
    char dir[] = "/tmp/pdcf-config-XXXXXX";
    BOOST_REQUIRE(mkdtemp(dir));
    std::string d = dir;
    std::ofstream(d + "/pd.ini") << "[pagerduty]\ntoken_file = pd-token\n[twilio]\nauth_token = inline\n[route:a]\nschedule = P1\nrouting_key = k\n";
    std::ofstream(d + "/pd-token") << "pd-from-file\n";
    chmod((d + "/pd.ini").c_str(), 0644);
    chmod((d + "/pd-token").c_str(), 0604);
    auto r = config_load(d + "/pd.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_REQUIRE_EQUAL(r.warnings.size(), 2u);
    BOOST_TEST(r.warnings[0].str() == d + "/pd.ini: holds a secret and every user can read it; make it readable only "
                                           "by the program's user or group (chmod o-rwx " + d + "/pd.ini)");
    BOOST_TEST(contains(r.warnings[1].str(), d + "/pd-token: holds a secret"));
    chmod((d + "/pd.ini").c_str(), 0640);
    chmod((d + "/pd-token").c_str(), 0600);
    BOOST_TEST(config_load(d + "/pd.ini").warnings.empty());
    for (const char *f : {"/pd.ini", "/pd-token"}) std::remove((d + f).c_str());
    std::remove(dir);
}

BOOST_AUTO_TEST_CASE(configs_written_for_alice_keep_working)
{
    // Only a language, as for the old default voice alice: a voice that
    // speaks it.
    auto r = parse(routes + "[call]\nlanguage = de-DE\n", "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.call.voice == "Polly.Hans");
    BOOST_TEST(r.config.routes[0].call.voice == "Polly.Hans");
    BOOST_TEST(r.config.routes[0].call.language == "de-DE");
    r = parse(routes + "[route:fr]\nnumber = +14155550113\nescalation_policy = PFR\nlanguage = fr-CA\n", "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.routes.back().call.voice == "Polly.Chantal");
    BOOST_TEST(r.config.routes[0].call.voice == "Polly.Joanna");
    // The old example's [call] voice = alice, language = en-US, and a route
    // that picks a German Polly voice: the inherited en-US was meant for
    // alice, not for it.
    r = parse(routes + "[call]\nvoice = alice\nlanguage = en-US\n[route:de]\nnumber = +4930555000\n"
                       "escalation_policy = PDE\nvoice = Polly.Marlene\n", "/x.ini");
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.routes.back().call.language == "");
    BOOST_TEST(r.config.routes[0].call.language == "en-US");  // alice needs it
    BOOST_TEST(spoken_language(r.config.routes.back().call.voice, r.config.routes.back().call.language) == "de-DE");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(base_config)

// The unit and fuzz tests build their configurations on one base: a key
// set must land in its section, replacing the base's own, or the tests
// would run on another configuration than they say.
BOOST_AUTO_TEST_CASE(set_key_replaces_adds_and_makes_sections)
{
    using testing::set_key;
    std::string c = set_key(testing::base_config, "pagerduty", "timeout", "5");
    c = set_key(c, "route:ops", "max_loops", "2");
    c = set_key(c, "route:db", "ring", "in-turn");
    c = set_key(c, "menu:main", "number", "+14155550150");
    c = set_key(c, "menu:main", "1", "ops");
    ConfigResult r = parse(c);
    BOOST_TEST_REQUIRE(r.ok(), r.summary());
    BOOST_TEST(r.config.pagerduty.timeout.count() == 5000);
    BOOST_REQUIRE_EQUAL(r.config.routes.size(), 2u);
    BOOST_TEST(r.config.routes[0].call.max_loops == 2);
    BOOST_TEST(r.config.routes[0].call.fallback_number == "+14155550199");
    BOOST_TEST((r.config.routes[1].call.ring == Ring::in_turn));
    BOOST_REQUIRE_EQUAL(r.config.menus.size(), 1u);
    BOOST_TEST(r.config.menus[0].number == "+14155550150");
    BOOST_TEST(parse(testing::base_config).ok());
}

BOOST_AUTO_TEST_SUITE_END()
