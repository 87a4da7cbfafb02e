#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "call/flow.hpp"
#include "call/hunt.hpp"
#include "core/limits.hpp"
#include "files.hpp"
#include "flow_support.hpp"
#include "xml.hpp"

using namespace pdcf;
using namespace pdcf::flow_tests;

BOOST_AUTO_TEST_SUITE(flow)

BOOST_AUTO_TEST_CASE(next_level_after_no_answer)
{
    CallState s = start();
    s.level = 1;
    s.tried = {"Ada Lovelace", "Alan Turing"};
    FlowResult r = flow_next(route(), urls, s, three_levels(), 1);
    check_golden("flow-next-level.xml", r.twiml);
    BOOST_TEST(r.outcome == Outcome::dial);
    BOOST_TEST(r.level == 2);
    BOOST_TEST(r.dialed == std::vector<std::string>{"+14155550102"});
    XmlDoc x(r.twiml);
    BOOST_TEST(x.eval("string(/Response/Say)") == "Still trying to reach the on-call engineer. Please hold.");
    CallState after = state_in(x.eval("string(/Response/Dial/@action)"));
    BOOST_TEST(after.tried == (std::vector<std::string>{"Ada Lovelace", "Alan Turing", "Grace Hopper"}));
}

BOOST_AUTO_TEST_CASE(a_number_already_dialed_in_the_loop_is_skipped)
{
    Snapshot s = three_levels();
    s.levels[1].callees = {{"Ada on level 2", "+14155550101"}};  // the same phone again
    CallState after1 = start();
    after1.level = 1;
    FlowResult r = flow_next(route(), urls, after1, s, 1);
    BOOST_TEST(r.level == 3);
    BOOST_TEST(r.dialed == std::vector<std::string>{"+14155550103"});
}

BOOST_AUTO_TEST_CASE(in_turn_walks_a_level_then_the_next)
{
    CallState s = start();
    s.level = 1;
    s.index = 0;
    FlowResult r = flow_next(route(Ring::in_turn), urls, s, three_levels(), 1);
    BOOST_TEST(r.dialed == std::vector<std::string>{"+14155550104"});
    CallState after = state_in(XmlDoc(r.twiml).eval("string(/Response/Dial/@action)"));
    BOOST_TEST(after.level == 1);
    BOOST_TEST(after.index == 1);
    r = flow_next(route(Ring::in_turn), urls, after, three_levels(), 1);
    BOOST_TEST(r.dialed == std::vector<std::string>{"+14155550102"});
}

BOOST_AUTO_TEST_CASE(a_declined_pickup_rings_the_rest_of_its_level_again)
{
    // Ada's phone is off: her carrier's voicemail picks up after one ring,
    // the screen declines it, and Alan's phone was hung up at that moment.
    CallState s = start();
    s.level = 1;
    s.tried = {"Ada Lovelace", "Alan Turing"};
    BOOST_TEST(flow_level_callees(route(), three_levels().levels, s).size() == 2u);
    auto again = flow_ring_rest(route(), urls, s, three_levels(), {"+14155550101"});
    BOOST_TEST_REQUIRE(again.has_value());
    BOOST_TEST(again->dialed == std::vector<std::string>{"+14155550104"});
    BOOST_TEST(again->level == 1);
    BOOST_TEST(again->reason == "the first phone to pick up at level 1 declined (Ada Lovelace); ringing the rest of the level again");
    XmlDoc x(again->twiml);
    CallState after = state_in(x.eval("string(/Response/Dial/@action)"));
    BOOST_TEST(after.level == 1);
    BOOST_TEST(after.loop == 1);
    BOOST_TEST(after.tried == s.tried);
    // The screen of the new ring knows its round and level, to mark the
    // next phone that picks up.
    BOOST_TEST(x.eval("string(/Response/Dial/Number/@url)") ==
               "https://ops.example.com/pd-call-forward/voice/screen?route=ops&from=%2B14155559876&to=%2B14155550100"
               "&t=1000&loop=1&picked=1&level=1&name=Alan%20Turing");

    // Nobody left, nobody marked (the spool cannot say), or not a
    // together-ring: the hunt moves on as before.
    BOOST_TEST(!flow_ring_rest(route(), urls, s, three_levels(), {"+14155550101", "+14155550104"}));
    BOOST_TEST(!flow_ring_rest(route(), urls, s, three_levels(), {}));
    BOOST_TEST(!flow_ring_rest(route(Ring::in_turn), urls, s, three_levels(), {"+14155550101"}));
    CallState fb = s;
    fb.fallback = true;
    BOOST_TEST(!flow_ring_rest(route(), urls, fb, three_levels(), {"+14155550101"}));

    // Rung again once for Ada's pickup: the same marks again (a phone that
    // picks up but whose mark is never made) do not ring it a third time.
    BOOST_TEST(after.picked == 1);
    BOOST_TEST(!flow_ring_rest(route(), urls, after, three_levels(), {"+14155550101"}));
}

BOOST_AUTO_TEST_CASE(the_level_rung_leaves_out_who_rang_below)
{
    Snapshot snap = three_levels();
    snap.levels[1].callees.push_back({"Ada Lovelace", "+14155550101"});  // also at level 2
    CallState s = start();
    s.level = 2;
    auto rung = flow_level_callees(route(), snap.levels, s);
    BOOST_TEST_REQUIRE(rung.size() == 1u);
    BOOST_TEST(rung[0].name == "Grace Hopper");
}

BOOST_AUTO_TEST_CASE(loops_go_round_again)
{
    CallState s = start();
    s.level = 3;
    FlowResult r = flow_next(route(), urls, s, three_levels(), 2);
    BOOST_TEST(r.outcome == Outcome::dial);
    BOOST_TEST(r.level == 1);
    CallState after = state_in(XmlDoc(r.twiml).eval("string(/Response/Dial/@action)"));
    BOOST_TEST(after.loop == 2);
    after.level = 3;
    BOOST_TEST(flow_next(route(), urls, after, three_levels(), 2).outcome == Outcome::voicemail);
}

BOOST_AUTO_TEST_CASE(caller_number_read_digit_by_digit)
{
    BOOST_TEST(spoken_number("+14155559876") == "1 4 1 5 5 5 5 9 8 7 6");
    BOOST_TEST(spoken_number("anonymous") == "an unknown number");
    BOOST_TEST(spoken_number("") == "an unknown number");
}

BOOST_AUTO_TEST_SUITE_END()
