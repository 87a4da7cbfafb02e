// What the call-flow tests share: the ops route, a caller's start, three
// levels on call, and the state a callback URL carries, read back as
// Twilio's request would bring it.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "call/flow.hpp"
#include "core/form.hpp"
#include "xml.hpp"

namespace pdcf::flow_tests {

using nlohmann::json;

inline Route route(Ring ring = Ring::together, std::string fallback = "", std::string routing_key = "RKEY")
{
    Route r;
    r.name = "ops";
    r.number = "+14155550100";
    r.target = "PEP1";
    r.call.title = "Platform";
    r.call.greeting = "Connecting you to {name}.";
    r.call.ring = ring;
    r.call.fallback_number = std::move(fallback);
    r.call.routing_key = std::move(routing_key);
    return r;
}

inline const FlowUrls urls{"https://ops.example.com/pd-call-forward"};

inline CallState start()
{
    CallState s;
    s.route = "ops";
    s.from = "+14155559876";
    s.to = "+14155550100";
    s.started = 1000;
    return s;
}

inline Snapshot three_levels()
{
    Snapshot s;
    s.levels = {{1, {{"Ada Lovelace", "+14155550101"}, {"Alan Turing", "+14155550104"}}},
                {2, {{"Grace Hopper", "+14155550102"}}},
                {3, {{"Linus", "+14155550103"}}}};
    return s;
}

inline Params params(std::initializer_list<std::pair<const char *, const char *>> list)
{
    Params p;
    for (auto &[k, v] : list) p.push_back({k, v});
    return p;
}

// The state a callback URL in `twiml` carries, parsed back, as Twilio
// requests it on the caller's leg: with start()'s From and To, unless the
// request carries none (the recording status callback).
inline CallState state_in(const std::string &url, bool twilio_numbers = true)
{
    Params twilio;
    if (twilio_numbers) twilio = {{"From", start().from}, {"To", start().to}};
    return state_parse(form_decode(url.substr(url.find('?') + 1)).value_or({}), twilio);
}

// Every URL in `twiml` that Twilio requests back.
inline std::vector<std::string> callback_urls(const std::string &twiml)
{
    XmlDoc x(twiml);
    BOOST_TEST_REQUIRE(x.ok(), x.error());
    std::vector<std::string> all;
    for (const char *a : {"action", "url", "recordingStatusCallback", "transcribeCallback", "statusCallback"})
        for (auto &u : x.all(std::string("//@") + a)) all.push_back(u);
    return all;
}

}  // namespace pdcf::flow_tests
