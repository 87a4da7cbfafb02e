#include <boost/test/unit_test.hpp>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/limits.hpp"
#include "pagerduty/resolver.hpp"

using namespace pdcf;
using namespace std::chrono_literals;

namespace {

// The address found, or "" when none was.
std::string address_of(const Result<Resolver::Found> &found) { return found ? found->address : ""; }

TimePoint in(std::chrono::milliseconds ms) { return std::chrono::steady_clock::now() + ms; }

// A resolver the test answers for: each lookup waits until the test lets
// it through, then finds what the test said.  Shared with the lookup
// threads, which may outlive a test case that let them go at its end.
struct Dns {
    std::mutex mutex;
    std::condition_variable changed;
    bool answering = true;
    Result<Resolver::Addresses> answer = Resolver::Addresses{"192.0.2.1"};
    int lookups = 0;   // started
    int finished = 0;
    TimePoint now = std::chrono::steady_clock::now();  // the resolver's clock

    TimePoint clock()
    {
        std::lock_guard<std::mutex> l(mutex);
        return now;
    }
    void advance(std::chrono::milliseconds by)
    {
        std::lock_guard<std::mutex> l(mutex);
        now += by;
    }

    void hold()
    {
        std::lock_guard<std::mutex> l(mutex);
        answering = false;
    }
    void answer_with(Result<Resolver::Addresses> a)
    {
        {
            std::lock_guard<std::mutex> l(mutex);
            answer = std::move(a);
            answering = true;
        }
        changed.notify_all();
    }
    int started()
    {
        std::lock_guard<std::mutex> l(mutex);
        return lookups;
    }
    // Whether `n` lookups have started, their threads given time to.
    bool saw_started(int n)
    {
        std::unique_lock<std::mutex> l(mutex);
        return changed.wait_for(l, 10s, [&] { return lookups >= n; });
    }
    // Waits until `n` lookups have finished.
    void wait_finished(int n)
    {
        std::unique_lock<std::mutex> l(mutex);
        changed.wait(l, [&] { return finished >= n; });
    }
};

struct Fixture {
    std::shared_ptr<Dns> dns = std::make_shared<Dns>();
    Resolver resolver{[dns = dns](const std::string &) {
                          std::unique_lock<std::mutex> l(dns->mutex);
                          ++dns->lookups;
                          dns->changed.notify_all();
                          dns->changed.wait(l, [&] { return dns->answering; });
                          ++dns->finished;
                          dns->changed.notify_all();
                          return dns->answer;
                      },
                      [dns = dns] { return dns->clock(); }, limits::dns_refresh};

    ~Fixture() { dns->answer_with(dns->answer); }  // no lookup left waiting
};

// Whether the resolver comes to give `expected` for api.example: a lookup
// the test let through is taken in by its thread a moment later.
bool eventually(Resolver &resolver, const std::string &expected)
{
    for (int i = 0; i < 1000; ++i) {
        if (address_of(resolver.address("api.example", in(10000ms))) == expected) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(resolver)

BOOST_FIXTURE_TEST_CASE(the_first_lookup_is_waited_for, Fixture)
{
    auto a = resolver.address("api.example", in(10000ms));
    BOOST_TEST(address_of(a) == "192.0.2.1");
    BOOST_TEST(a.error().empty());
    BOOST_TEST(dns->started() == 1);
    // Known now: no second lookup while it is young.
    BOOST_TEST(address_of(resolver.address("api.example", in(10000ms))) == "192.0.2.1");
    BOOST_TEST(dns->started() == 1);
}

BOOST_FIXTURE_TEST_CASE(a_resolver_that_does_not_answer_costs_the_deadline_only, Fixture)
{
    dns->hold();
    auto a = resolver.address("api.example", in(50ms));
    BOOST_TEST(address_of(a).empty());
    BOOST_TEST(a.error().rfind("DNS did not answer for api.example within ", 0) == 0u, a.error());
    BOOST_TEST(a.error().find("([pagerduty] timeout") != std::string::npos, a.error());
    // A second request waits for the same lookup, not a new one.
    BOOST_TEST(address_of(resolver.address("api.example", in(50ms))).empty());
    BOOST_TEST(dns->started() == 1);
    // When it answers at last, the next request has the address (waiting,
    // if it comes that soon, for the answer to be taken in).
    dns->answer_with(Resolver::Addresses{"192.0.2.7"});
    dns->wait_finished(1);
    BOOST_TEST(address_of(resolver.address("api.example", in(10000ms))) == "192.0.2.7");
}

BOOST_FIXTURE_TEST_CASE(the_last_good_address_serves_while_a_new_lookup_hangs, Fixture)
{
    BOOST_TEST(address_of(resolver.address("api.example", in(10000ms))) == "192.0.2.1");
    dns->hold();
    dns->advance(limits::dns_refresh);
    // Due for a new lookup: it starts, and the request goes on at once with
    // the address known (the lookup is still held when it returns).
    auto a = resolver.address("api.example", in(10000ms));
    BOOST_TEST(address_of(a) == "192.0.2.1");
    BOOST_TEST(a.error().empty());
    BOOST_TEST(dns->saw_started(2));
    BOOST_TEST(address_of(resolver.address("api.example", in(10000ms))) == "192.0.2.1");
    BOOST_TEST(dns->started() == 2);  // one lookup at a time
    // The new lookup's answer is used once it has been taken in.
    dns->answer_with(Resolver::Addresses{"192.0.2.9"});
    BOOST_TEST(eventually(resolver, "192.0.2.9"));
}

BOOST_FIXTURE_TEST_CASE(a_failed_lookup_keeps_the_last_good_address, Fixture)
{
    BOOST_TEST(address_of(resolver.address("api.example", in(10000ms))) == "192.0.2.1");
    dns->answer_with(fail("Temporary failure in name resolution"));
    dns->advance(limits::dns_refresh);
    BOOST_TEST(address_of(resolver.address("api.example", in(10000ms))) == "192.0.2.1");
    dns->wait_finished(2);
    BOOST_TEST(address_of(resolver.address("api.example", in(10000ms))) == "192.0.2.1");
    BOOST_TEST(dns->started() == 2);  // and not asked again before another period
}

BOOST_FIXTURE_TEST_CASE(a_name_that_does_not_resolve_says_why, Fixture)
{
    dns->answer_with(fail("Name or service not known"));
    auto a = resolver.address("api.example", in(10000ms));
    BOOST_TEST(address_of(a).empty());
    BOOST_TEST(a.error() == "cannot resolve api.example: Name or service not known");
}

BOOST_FIXTURE_TEST_CASE(an_unreachable_address_gives_way_to_the_next, Fixture)
{
    dns->answer_with(Resolver::Addresses{"2001:db8::1", "192.0.2.1"});
    auto a = resolver.address("api.example", in(10000ms));
    BOOST_TEST(address_of(a) == "2001:db8::1");
    BOOST_TEST(a->others == 1u);
    resolver.unreachable("api.example", "2001:db8::1");
    a = resolver.address("api.example", in(10000ms));
    BOOST_TEST(address_of(a) == "192.0.2.1");
    BOOST_TEST(a->others == 1u);
    resolver.unreachable("api.example", "192.0.2.1");
    BOOST_TEST(address_of(resolver.address("api.example", in(10000ms))) == "2001:db8::1");
    BOOST_TEST(dns->started() == 1);
}

BOOST_AUTO_TEST_CASE(the_system_lookup_finds_numeric_addresses)
{
    // /etc/hosts names localhost, so no nameserver is asked.
    auto a = Resolver::system_lookup("localhost");
    BOOST_TEST(bool(a), a.error());
    for (const auto &address : a.value_or({})) BOOST_TEST((address == "127.0.0.1" || address == "::1"), address);
}

BOOST_AUTO_TEST_SUITE_END()
