#include "call/flow_result.hpp"

#include "call/hunt.hpp"
#include "config/hours.hpp"
#include "core/limits.hpp"
#include "core/placeholders.hpp"

namespace pdcf {

std::string FlowUrls::of(const std::string &path, const std::string &query) const
{
    return script + path + (query.empty() ? "" : "?" + query);
}

std::string FlowUrls::of(const std::string &path, const CallState &state, Numbers numbers) const
{
    std::size_t used = script.size() + path.size() + 1;
    return of(path, state_query(state, numbers, used < limits::max_callback_url ? limits::max_callback_url - used : 0));
}

Voice voice_of(const CallSettings &call) { return {call.voice, call.language}; }

std::string say_text(const Route &route, const CallState &st, const std::string &text,
                     const std::vector<std::string> &names, const std::string &time_zone)
{
    Placeholders values = {{"{title}", route.call.title}, {"{caller}", spoken_number(st.from)}};
    for (auto &v : name_placeholders(names)) values.push_back(std::move(v));
    // The engineer's time when the call came in, as vend/phoneduty said it.
    if (text.find("{local_time}") != std::string::npos)
        values.push_back({"{local_time}", spoken_time(time_zone.empty() ? st.time_zone : time_zone,
                                                      route.call.hours.zone, st.started, route.call.language)});
    return fill(text, values);
}

FlowResult twiml_only(std::string twiml, Outcome outcome)
{
    FlowResult r;
    r.twiml = std::move(twiml);
    r.outcome = outcome;
    return r;
}

std::string empty_response() { return Twiml().str(); }

}  // namespace pdcf
