#include "call/reason.hpp"

#include "core/ascii.hpp"
#include "core/limits.hpp"
#include "twilio/twiml.hpp"

namespace pdcf {

FlowResult flow_ask_reason(const Route &route, const FlowUrls &urls, const CallState &state)
{
    const CallSettings &call = route.call;
    RecordOptions options;
    options.action = urls.of("/voice/reason", state, Numbers::from_twilio);
    // The recording status callback carries no From or To.
    options.status_callback = urls.of("/voice/reason-ready", state, Numbers::in_url);
    options.max_length = call.reason_max_length;
    options.timeout = reason_silence_seconds;
    options.trim_silence = true;
    Twiml twiml;
    twiml.say(voice_of(call), say_text(route, state, call.reason_prompt)).record(options).redirect(options.action);
    FlowResult r = twiml_only(twiml.str(), Outcome::reason);
    return r;
}

Reason reason_of(const Params &twilio)
{
    Reason r;
    if (form_value(twilio, "Digits") == "hangup") {
        r.caller_gone = true;
        r.said = "the caller hung up while asked for their reason";
        return r;
    }
    const std::string url = form_value(twilio, "RecordingUrl");
    const long long seconds = parse_decimal(form_value(twilio, "RecordingDuration"), 0, 1LL << 31).value_or(0);
    // Silence is trimmed: what is left under a second is no words.
    if (url.rfind("https://", 0) != 0 || url.size() > limits::max_reason_url || seconds < 1) {
        r.said = "the caller said nothing; on to the hunt";
        return r;
    }
    r.url = url;
    r.said = "the caller's reason recorded (" + std::to_string(seconds) + " s)";
    return r;
}

}  // namespace pdcf
