#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "call/flow.hpp"
#include "call/hunt.hpp"
#include "core/limits.hpp"
#include "../call/flow_support.hpp"
#include "files.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::flow_tests;

BOOST_AUTO_TEST_SUITE(flow)

BOOST_AUTO_TEST_CASE(tried_names_limit_at_and_over)
{
    CallState s = start();
    for (std::size_t i = 0; i < pdcf::limits::max_tried_names; ++i) s.tried.push_back("P" + std::to_string(i));
    BOOST_TEST(state_in("x?" + state_query(s, Numbers::in_url, limits::max_callback_url), false).tried.size() == pdcf::limits::max_tried_names);
    s.tried.push_back("one too many");
    CallState back = state_in("x?" + state_query(s, Numbers::in_url, limits::max_callback_url), false);
    BOOST_TEST(back.tried.size() == pdcf::limits::max_tried_names);
    BOOST_TEST(back.tried.back() == "P" + std::to_string(pdcf::limits::max_tried_names - 1));

    s.tried = {std::string(pdcf::limits::max_tried_name, 'a'), std::string(pdcf::limits::max_tried_name + 1, 'b')};
    back = state_in("x?" + state_query(s, Numbers::in_url, limits::max_callback_url), false);
    BOOST_TEST(back.tried[0] == s.tried[0]);
    BOOST_TEST(back.tried[1] == std::string(pdcf::limits::max_tried_name, 'b'));
}

BOOST_AUTO_TEST_CASE(callback_urls_fit_the_web_servers)
{
    // Ten on-calls at each of three levels with long non-ASCII names, a
    // caller whose From is a long SIP address: every URL stays within the
    // limit, the names go first (counted), and the hunt goes on.
    Snapshot big;
    std::string long_name;
    while (long_name.size() < 200) long_name += "ÅÆØ";
    for (int level = 1; level <= 3; ++level) {
        Level l{level, {}};
        for (int i = 0; i < 10; ++i)
            l.callees.push_back({std::to_string(level) + long_name + std::to_string(i),
                                 "+141555502" + std::to_string(level) + std::to_string(i)});
        big.levels.push_back(l);
    }
    CallState s = start();
    s.from = "sip:" + std::string(6000, 'a') + "@example.com";
    Route r = route(Ring::together, "", "RKEY");
    r.call.transcribe = true;
    FlowResult first = flow_incoming(r, urls, s, big);
    BOOST_TEST(first.dialed.size() == 10u);
    std::vector<std::string> seen = callback_urls(first.twiml);
    CallState after = state_in(callback_urls(first.twiml).at(0));
    BOOST_TEST(after.level == 1);
    FlowResult second = flow_next(r, urls, after, big, 1);
    BOOST_TEST(second.level == 2);
    after = state_in(callback_urls(second.twiml).at(0));
    BOOST_TEST(after.level == 2);
    BOOST_TEST(after.tried.size() + after.more_tried == 20u);
    BOOST_TEST(after.more_tried > 0);
    FlowResult third = flow_next(r, urls, after, big, 1);
    after = state_in(callback_urls(third.twiml).at(0));
    FlowResult end = flow_next(r, urls, after, big, 1);
    BOOST_TEST(end.outcome == Outcome::voicemail);
    for (const auto &t : {first.twiml, second.twiml, third.twiml, end.twiml})
        for (const auto &u : callback_urls(t)) {
            seen.push_back(u);
            BOOST_TEST(u.size() <= limits::max_callback_url, u.size() << " bytes: " << u.substr(0, 120));
        }
    BOOST_TEST(seen.size() >= 8u);
    // The alert still counts everyone tried.
    CallState last = state_in(callback_urls(end.twiml).at(0));
    BOOST_TEST(last.tried.size() + last.more_tried == 30u);
    FlowResult gone = flow_caller_gone(r, last, "CA1", 2000);
    BOOST_REQUIRE(gone.alert.has_value());
    json e = json::parse(gone.alert->body);
    BOOST_TEST(e["payload"]["custom_details"]["tried_more"].get<int>() == last.more_tried);
}

BOOST_AUTO_TEST_CASE(numbers_stay_out_of_urls_whose_requests_carry_them)
{
    // The <Dial> and <Record> actions are requested on the caller's leg
    // with its From and To; the recording status callback carries neither.
    Route r = route();
    r.call.transcribe = true;
    XmlDoc dial(flow_incoming(r, urls, start(), three_levels()).twiml);
    const std::string action = dial.eval("string(/Response/Dial/@action)");
    BOOST_TEST(action.find("from=") == std::string::npos, action);
    BOOST_TEST(action.find("5559876") == std::string::npos, action);
    XmlDoc vm(flow_voicemail(r, urls, start()).twiml);
    BOOST_TEST(vm.eval("string(/Response/Record/@action)").find("from=") == std::string::npos);
    CallState status = state_in(vm.eval("string(/Response/Record/@recordingStatusCallback)"), false);
    BOOST_TEST(status.from == start().from);
    BOOST_TEST(status.to == start().to);
    CallState transcribed = state_in(vm.eval("string(/Response/Record/@transcribeCallback)"), false);
    BOOST_TEST(transcribed.from == start().from);
    // Twilio does not say whose number the engineer's leg has for From
    // (with caller_id, surely not the caller's): the whisper's caller
    // travels in the screen's URL, with or without it.
    for (const char *caller_id : {"", "+14155550100"}) {
        r.call.caller_id = caller_id;
        XmlDoc x(flow_incoming(r, urls, start(), three_levels()).twiml);
        BOOST_TEST(x.eval("string(/Response/Dial/Number[1]/@url)").find("from=%2B14155559876") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(state_round_trips_through_the_url)
{
    CallState s = start();
    s.route = "a&b=c";
    s.loop = 2;
    s.level = 3;
    s.index = 1;
    s.fallback = true;
    s.tried = {"Zoë O'Brien & Co", "Grace"};
    CallState back = state_in("x?" + state_query(s, Numbers::in_url, limits::max_callback_url), false);
    BOOST_TEST(back.route == s.route);
    BOOST_TEST(back.from == s.from);
    BOOST_TEST(back.to == s.to);
    BOOST_TEST(back.started == s.started);
    BOOST_TEST(back.loop == 2);
    BOOST_TEST(back.level == 3);
    BOOST_TEST(back.index == 1);
    BOOST_TEST(back.fallback);
    BOOST_TEST(back.tried == s.tried);
    // Nonsense is ignored, not trusted.
    CallState odd = state_in("x?loop=0&level=-5&index=zz&t=1e9");
    BOOST_TEST(odd.loop == 1);
    BOOST_TEST(odd.level == 0);
    BOOST_TEST(odd.index == -1);
    BOOST_TEST(odd.started == 0);
}

BOOST_AUTO_TEST_CASE(a_repeat_callers_window_travels_with_the_call)
{
    CallState s = start();
    BOOST_TEST(alert_query(s).empty());  // a call of its own: the URLs as ever
    s.first_call = "CA0001";
    s.calls = 3;
    BOOST_TEST(alert_query(s) == "&first=CA0001&calls=3");
    CallState back = state_in("x?" + state_query(s, Numbers::from_twilio, limits::max_callback_url));
    BOOST_TEST(back.first_call == "CA0001");
    BOOST_TEST(back.calls == 3);
    // What is not a CallSid, or no count, is not taken.
    CallState odd = state_in("x?first=CA%2F..%2Fx&calls=0");
    BOOST_TEST(odd.first_call.empty());
    BOOST_TEST(odd.calls == 1);
}

BOOST_AUTO_TEST_CASE(a_time_zone_in_the_url_is_a_zone_name_or_nothing)
{
    auto parsed = [](const std::string &query) { return state_parse(form_decode(query).value_or({}), {}).time_zone; };
    BOOST_TEST(parsed("route=ops&tz=America%2FLos_Angeles") == "America/Los_Angeles");
    BOOST_TEST(parsed("route=ops&tz=Etc%2FGMT%2B5") == "Etc/GMT+5");
    BOOST_TEST(parsed("route=ops&tz=..%2F..%2Fetc%2Fpasswd").empty());
    BOOST_TEST(parsed("route=ops&tz=" + std::string(65, 'A')).empty());
    BOOST_TEST(parsed("route=ops&tz=A%0AB").empty());
}

BOOST_AUTO_TEST_SUITE_END()
