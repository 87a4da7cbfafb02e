#include <boost/test/unit_test.hpp>

#include "commands/refresh.hpp"
#include "core/limits.hpp"
#include "files.hpp"
#include "pagerduty/cache_support.hpp"

using namespace pdcf;
using namespace pdcf::cache_tests;

namespace {

// --refresh over the cache tests' cache and fake PagerDuty, for two routes
// of one policy and one that dials fixed numbers.
struct RefreshFixture : Fixture {
    ConfigResult config;
    Context ctx;

    RefreshFixture()
    {
        config.config.pagerduty = pd;
        for (const char *name : {"ops", "desk", "night"}) {
            Route r;
            r.name = name;
            r.kind = std::string(name) == "desk" ? TargetKind::numbers : TargetKind::escalation_policy;
            r.target = std::string(name) == "desk" ? "" : "PEP1";
            config.config.routes.push_back(r);
        }
        settings.pagerduty = &config.config.pagerduty;
        ctx.config = &config;
        ctx.clock = settings.clock;
        ctx.sources = [this](TimePoint deadline, CacheMode mode) {
            return cached_sources(settings, fake.fetch(), deadline, mode);
        };
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(refresh_command)

BOOST_AUTO_TEST_CASE(every_policy_once_whether_or_not_a_call_used_it)
{
    RefreshFixture f;
    Captured out;
    BOOST_TEST(refresh_run(f.ctx, true, out.file) == 0);
    BOOST_TEST(out.str() == "escalation policy PEP1 (routes ops, night): refreshed, 2 requests\n");
    Captured again;
    f.now += 10;
    BOOST_TEST(refresh_run(f.ctx, true, again.file) == 0);
    BOOST_TEST(again.str() == "escalation policy PEP1 (routes ops, night): fresh until after the next run; nothing asked\n");
    // Due before the next run (every 30 s): asked now, not after expiry.
    Captured due;
    f.now += 60 - 10 - limits::refresh_every - refresh_lead(60, f.pd.timeout);
    BOOST_TEST(refresh_run(f.ctx, true, due.file) == 0);
    BOOST_TEST(due.str() == "escalation policy PEP1 (routes ops, night): refreshed, 1 request\n");
}

BOOST_AUTO_TEST_CASE(one_another_process_refreshes_is_left_to_it_and_said)
{
    RefreshFixture f;
    Cache::Lock held = f.cache.try_lock("oncalls-escalation_policy-PEP1");
    Captured out;
    BOOST_TEST(refresh_run(f.ctx, true, out.file) == 0);
    BOOST_TEST(out.str() == "escalation policy PEP1 (routes ops, night): another process is refreshing it; nothing asked\n");
    BOOST_TEST(f.fake.requests.empty());
}

BOOST_AUTO_TEST_CASE(a_failure_or_no_cache_exits_1)
{
    RefreshFixture f;
    f.fake.replies["/oncalls"] = {401, R"({"error":{"message":"Unauthorized","code":2006}})", "", -1};
    Captured out;
    BOOST_TEST(refresh_run(f.ctx, true, out.file) == 1);
    BOOST_TEST(out.str().find("failed: GET /oncalls: HTTP 401 (Unauthorized): check [pagerduty] token;") !=
                   std::string::npos,
               out.str());
    Captured none;
    BOOST_TEST(refresh_run(f.ctx, false, none.file) == 1);
    BOOST_TEST(none.str().find("nothing refreshed: [pagerduty] cache_dir") == 0u, none.str());
}

BOOST_AUTO_TEST_SUITE_END()
