#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <string>

#include "commands/test_call.hpp"
#include "core/form.hpp"
#include "handler_fixture.hpp"

using namespace pdcf;
using namespace pdcf::handler_tests;

namespace {

// What a FILE* got, as a string.
struct Captured {
    char *text = nullptr;
    std::size_t size = 0;
    std::FILE *file = open_memstream(&text, &size);
    ~Captured()
    {
        if (file) std::fclose(file);
        std::free(text);
    }
    std::string str()
    {
        std::fflush(file);
        return std::string(text, size);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(test_call)

BOOST_AUTO_TEST_CASE(test_call_request_by_number_and_by_route)
{
    Config c;
    Route ops;
    ops.name = "ops";
    ops.number = "+14155550100";
    ops.kind = TargetKind::escalation_policy;
    ops.target = "PEP1";
    c.routes.push_back(ops);
    Request r = test_call_request(c, "+14155550100", "+14155559876");
    BOOST_TEST(r.trusted);
    BOOST_TEST(r.method == "POST");
    BOOST_TEST(r.path_info == "/voice");
    BOOST_TEST(r.query_string == "");
    auto form = form_decode(r.body);
    BOOST_REQUIRE(form);
    BOOST_TEST(form_value(*form, "To") == "+14155550100");
    BOOST_TEST(form_value(*form, "From") == "+14155559876");
    BOOST_TEST(r.content_length == std::to_string(r.body.size()));

    r = test_call_request(c, "ops", "");
    BOOST_TEST(r.query_string == "route=ops");
    form = form_decode(r.body);
    BOOST_TEST(form_value(*form, "To") == "+14155550100");
    BOOST_TEST(form_value(*form, "From") == "anonymous");
}

BOOST_AUTO_TEST_CASE(a_test_call_prints_the_twiml_and_the_log_line_and_says_whether_it_dials)
{
    Fixture f;
    Captured out, log;
    BOOST_TEST(test_call_run(f.ctx, "+14155550100", "+14155559876", out.file, log.file) == 0);
    BOOST_TEST(out.str().find("<Dial") != std::string::npos, out.str());
    BOOST_TEST(log.str().find("outcome=dial") != std::string::npos, log.str());
    BOOST_TEST(log.str().find("call_sid=CA00000000000000000000000000000000") != std::string::npos, log.str());

    // Nobody to dial and no fallback: it says so by its exit status.
    f.pd.schedule_users("PSDB", {});
    Captured none_out, none_log;
    BOOST_TEST(test_call_run(f.ctx, "db", "", none_out.file, none_log.file) == 1);
    BOOST_TEST(none_log.str().find("outcome=unavailable") != std::string::npos, none_log.str());
}

BOOST_AUTO_TEST_SUITE_END()
