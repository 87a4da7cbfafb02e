#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "call/context.hpp"
#include "fake_pagerduty.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(context)

BOOST_AUTO_TEST_CASE(without_sources_the_api_is_asked_within_the_deadline)
{
    FakePagerDuty pd;
    pd.oncalls({FakePagerDuty::entry(1, "PU1", "Ada Lovelace")});
    pd.phones("PU1", {FakePagerDuty::phone("4155550101")});
    std::vector<TimePoint> deadlines;
    Context ctx;
    ctx.epoch_seconds = [] { return 1'800'000'000LL; };
    ctx.pagerduty = [&](const std::string &path, TimePoint deadline) {
        deadlines.push_back(deadline);
        return pd.get(path);
    };
    const TimePoint deadline = TimePoint{} + 1h;
    Snapshot s = pagerduty_first_level(sources_for(ctx, deadline, CacheMode::use), TargetKind::escalation_policy,
                                       "PEP1", "");
    BOOST_TEST(first_level(s).callees.size() == 1u);
    BOOST_TEST(deadlines.size() == 2u);
    for (TimePoint d : deadlines) BOOST_TEST((d == deadline));
}

BOOST_AUTO_TEST_CASE(the_contexts_own_sources_are_used_with_the_mode)
{
    Context ctx;
    std::vector<CacheMode> asked;
    ctx.sources = [&](TimePoint, CacheMode mode) {
        asked.push_back(mode);
        OnCallSources s;
        s.oncalls = [](TargetKind, const std::string &) { return OncallsAnswer{}; };
        s.phones = [](const std::vector<std::string> &) { return std::vector<PhonesAnswer>{}; };
        return s;
    };
    (void)sources_for(ctx, TimePoint{}, CacheMode::refresh);
    BOOST_TEST((asked == std::vector<CacheMode>{CacheMode::refresh}));
}

BOOST_AUTO_TEST_CASE(no_client_is_a_failure_not_a_crash)
{
    Context ctx;
    Snapshot s = pagerduty_first_level(sources_for(ctx, TimePoint{}, CacheMode::use), TargetKind::escalation_policy,
                                       "PEP1", "");
    BOOST_TEST(s.oncalls_failed);
    BOOST_TEST(snapshot_reason(s) == "pagerduty: GET /oncalls: no PagerDuty client");
}

BOOST_AUTO_TEST_SUITE_END()
