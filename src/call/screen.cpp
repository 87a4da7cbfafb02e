#include "call/screen.hpp"

#include "core/escape.hpp"
#include "core/limits.hpp"
#include "core/phone.hpp"

namespace pdcf {

namespace {

// How many times the screen is said: once, and once more after a key that
// means nothing.
constexpr int screen_attempts = 2;

std::string mark(const char *what, int loop, int level, const std::string &number)
{
    std::string digits;
    for (char c : number)
        if (c >= '0' && c <= '9' && digits.size() < 15) digits += c;
    return std::string(what) + "-" + std::to_string(loop) + "-" + std::to_string(level) + "-" + digits;
}

}  // namespace

std::string pickup_mark(int loop, int level, const std::string &number) { return mark("picked-up", loop, level, number); }

std::string passed_mark(int loop, int level, const std::string &number) { return mark("passed", loop, level, number); }

std::string accepted_mark(const CallState &state)
{
    return mark("accepted", state.loop, state.level, "") + std::to_string(state.picked) + (state.fallback ? "f" : "");
}

std::string screen_query(const Route &route, const CallState &state, const std::string &name)
{
    // The whisper's {caller} travels in the URL: Twilio documents only
    // ParentCallSid and To on the engineer's leg, not whose number its
    // From is (the caller ID shown, which caller_id may set to the line's
    // own).
    // The line's number and the call's start, for the call's alert: on the
    // engineer's leg Twilio's To is the engineer's phone.
    return "route=" + url_component(route.name) + "&from=" +
           url_component(utf8_prefix(state.from, limits::max_caller_in_url)) + "&to=" +
           url_component(utf8_prefix(state.to, limits::max_caller_in_url)) + "&t=" + std::to_string(state.started) +
           "&loop=" + std::to_string(state.loop) + (state.picked > 0 ? "&picked=" + std::to_string(state.picked) : "") +
           (state.fallback ? "&fb=1" : "") +
           "&level=" + std::to_string(state.level) +
           (name.empty() ? "" : "&name=" + url_component(utf8_prefix(name, limits::max_name_in_url))) +
           (state.time_zone.empty() || route.call.whisper.find("{local_time}") == std::string::npos
                ? "" : "&tz=" + url_component(state.time_zone)) +
           alert_query(state);
}

FlowResult flow_screen(const Route &route, const FlowUrls &urls, const CallState &state, const std::string &name,
                       int attempt)
{
    const CallSettings &call = route.call;
    GatherOptions options;
    options.timeout = call.screen_timeout;
    options.action = urls.of("/voice/screen-result", screen_query(route, state, name) + "&try=" + std::to_string(attempt));
    // ask_reason: the caller's own words first, then who calls and the keys.
    options.play = state.reason_url;
    Twiml twiml;
    twiml.gather(options, voice_of(call), say_text(route, state, call.whisper)).hangup();
    return twiml_only(twiml.str(), Outcome::screen);
}

FlowResult flow_screen_result(const Route &route, const FlowUrls &urls, const CallState &state, const std::string &name,
                              const Params &twilio, int attempt)
{
    const std::string key = form_value(twilio, "Digits");
    // An empty answer lets Twilio join the two calls.
    if (key == "1") return twiml_only(empty_response(), Outcome::accepted);
    Twiml twiml;
    twiml.hangup();
    if (key == "2") {
        FlowResult r = twiml_only(twiml.str(), Outcome::passed);
        r.reason = "passed the call on";
        return r;
    }
    // An empty Digits is no choice: Twilio's documentation does not say
    // when the action comes without a key ('#' alone may end the input),
    // and a voicemail box's tone must never keep the screen going.  Nor is
    // a second key that means nothing.
    if (!key.empty() && attempt < screen_attempts) {
        FlowResult r = flow_screen(route, urls, state, name, attempt + 1);
        r.reason = "key " + key + " means nothing; the screen again";
        return r;
    }
    FlowResult r = twiml_only(twiml.str(), Outcome::declined);
    r.reason = "no 1 or 2 pressed";
    return r;
}

}  // namespace pdcf
