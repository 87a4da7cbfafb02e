// What the cache and sources tests share: a cache over a fake PagerDuty,
// with a wall clock the test moves, and entries as another hand would
// write them.
#pragma once

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "fake_pagerduty.hpp"
#include "files.hpp"
#include "pagerduty/cache.hpp"
#include "pagerduty/pagerduty.hpp"
#include "pagerduty/sources.hpp"

namespace pdcf::cache_tests {

using namespace std::chrono_literals;
using F = FakePagerDuty;

// A cache over a fake PagerDuty, with a wall clock the test moves.
struct Fixture {
    TempDir dir;
    Cache cache{dir.path + "/cache"};
    PagerDutySettings pd;
    F fake;
    long long now = 1'800'000'000;  // 2027-01-15
    SourceSettings settings;

    Fixture()
    {
        BOOST_REQUIRE(bool(cache.prepare()));
        pd.oncall_ttl = 60s;
        pd.contact_ttl = 3600s;
        pd.stale_max = 86400s;
        settings.pagerduty = &pd;
        settings.cache = &cache;
        settings.clock = [] { return std::chrono::steady_clock::now(); };
        settings.epoch_seconds = [this] { return now; };
        fake.oncalls({F::entry(1, "PU1", "Ada Lovelace")});
        fake.phones("PU1", {F::phone("4155550101")});
    }

    Snapshot ask(CacheMode mode = CacheMode::use)
    {
        OnCallSources s = cached_sources(settings, fake.fetch(), std::chrono::steady_clock::now() + 5s, mode);
        return pagerduty_snapshot(s, TargetKind::escalation_policy, "PEP1", "", nullptr);
    }
    std::vector<std::string> dialed(const Snapshot &s)
    {
        std::vector<std::string> out;
        for (const auto &l : s.levels)
            for (const auto &c : l.callees) out.push_back(c.number);
        return out;
    }
};

inline std::string entry_with_end(const std::string &end)
{
    return R"({"escalation_level": 1, "user": {"id": "PU1", "type": "user_reference", "summary": "Ada Lovelace"},)"
           R"( "start": "2027-01-15T00:00:00Z", "end": )" + end + "}";
}

// Bob's shift on level 1, from `start` (a JSON string) on.
inline std::string bob_from(const std::string &start)
{
    return R"({"escalation_level": 1, "user": {"id": "PU2", "type": "user_reference", "summary": "Bob"},)"
           R"( "start": )" + start + R"(, "end": null})";
}

// An entry as another hand would write it: Mallory (PU9) on call, with a
// phone of her own.
inline const std::string mallory_oncalls =
    R"({"known_until": 4000000000, "oncalls": [{"level": 1, "user_id": "PU9", "name": "Mallory", "end": ""}]})";
inline const std::string mallory_phones = R"([{"number": "+19005550199", "label": "Mobile", "sms": false, "state": "usable"}])";

inline void plant(const std::string &path, const std::string &value, long long fetched_at, long long fresh_until)
{
    nlohmann::json doc = {{"fetched_at", fetched_at}, {"fresh_until", fresh_until}, {"value", value}};
    std::ofstream(path) << doc.dump();
}

}  // namespace pdcf::cache_tests
