#include "alerts/alert.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

#include "core/escape.hpp"
#include "core/limits.hpp"
#include "core/phone.hpp"

namespace pdcf {

namespace {

using nlohmann::json;

constexpr const char *source = "pd-call-forward";

std::string caller_text(const std::string &from) { return from.empty() ? "an unknown number" : from; }

// repeat_window as people say it: "30 min", or "45 s".
std::string window_text(const CallSettings &call)
{
    const int w = call.repeat_window;
    return w % 60 == 0 ? std::to_string(w / 60) + " min" : std::to_string(w) + " s";
}

// " (call 3 from this number within 30 min)" for a repeat caller's call.
std::string repeat_note(const CallSettings &call, const CallState &st)
{
    if (st.calls <= 1) return {};
    return " (call " + std::to_string(st.calls) + " from this number within " + window_text(call) + ")";
}

json details(const CallState &st, const std::string &call_sid)
{
    json d = json::object();
    d["caller"] = st.from;
    d["called"] = st.to;
    d["route"] = st.route;
    d["call_sid"] = call_sid;
    d["tried"] = st.tried;
    if (st.more_tried > 0) d["tried_more"] = st.more_tried;  // names left out of the call's URLs
    if (st.calls > 1) d["calls_from_caller"] = st.calls;
    if (!st.first_call.empty()) d["first_call_sid"] = st.first_call;
    if (!st.reason_url.empty()) d["caller_reason"] = st.reason_url;  // ask_reason: also a link
    return d;
}

// "2026-11-30T21:14:05Z"; empty for an unknown time (0).
std::string utc_text(long long epoch)
{
    if (epoch <= 0) return {};
    const std::time_t t = static_cast<std::time_t>(epoch);
    std::tm tm{};
    char text[32];
    if (!gmtime_r(&t, &tm) || std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return {};
    return text;
}

Alert make(AlertKind kind, const CallSettings &call, const std::string &call_sid, const std::string &dedup_key,
           const std::string &summary, json custom, const std::string &link, const std::string &severity = {})
{
    json links = json::array();
    if (!link.empty())
        links.push_back({{"href", link},
                         {"text", kind == AlertKind::text        ? "Attachment"
                                  : kind == AlertKind::recording ? "Call recording"
                                                                 : "Voicemail recording"}});
    if (custom.contains("caller_reason")) links.push_back({{"href", custom["caller_reason"]}, {"text", "The caller's reason"}});
    json event = json::object();
    event["routing_key"] = call.routing_key;
    event["event_action"] = "trigger";
    event["dedup_key"] = dedup_key.substr(0, limits::max_dedup_key);
    event["payload"] = {{"summary", utf8_prefix(summary, limits::max_alert_summary)},
                        {"source", source},
                        {"severity", severity.empty() ? call.severity : severity},
                        {"component", kind == AlertKind::text ? "sms" : kind == AlertKind::readiness ? "on-call" : "phone"},
                        {"group", call.title},
                        {"class", to_string(kind)},
                        {"custom_details", std::move(custom)}};
    if (!links.empty()) event["links"] = std::move(links);
    event["client"] = source;
    Alert a;
    a.kind = kind;
    a.call_sid = call_sid;
    a.routing_key = call.routing_key;
    // Invalid UTF-8 from a caller's form field must not abort the dump.
    a.body = event.dump(-1, ' ', false, json::error_handler_t::replace);
    return a;
}

}  // namespace

Alert alert_voicemail(const CallSettings &call, const CallState &st, const std::string &call_sid, const Recording &rec)
{
    json d = details(st, call_sid);
    d["recording"] = rec.url;
    // Unknown (0) when the transcription brings the message first.
    if (rec.seconds > 0) d["duration_seconds"] = rec.seconds;
    std::string summary = "Voicemail on " + call.title + " line from " + caller_text(st.from) +
                          (rec.seconds > 0 ? " (" + std::to_string(rec.seconds) + " s)" : "") + repeat_note(call, st);
    Alert a = make(AlertKind::voicemail, call, call_sid, alert_key(st, call_sid), summary, std::move(d), rec.url);
    return rec.transcription.empty() ? a : with_transcription(a, rec.transcription);
}

Alert with_transcription(const Alert &voicemail, const std::string &text)
{
    json event = json::parse(voicemail.body, nullptr, false);
    if (!event.is_object() || !event.contains("payload") || !event["payload"].is_object()) return voicemail;
    json &payload = event["payload"];
    std::string summary = payload.contains("summary") && payload["summary"].is_string()
                              ? payload["summary"].get<std::string>() : "Voicemail";
    payload["summary"] = utf8_prefix(summary + ": \"" + text + "\"", limits::max_alert_summary);
    if (!payload.contains("custom_details") || !payload["custom_details"].is_object())
        payload["custom_details"] = json::object();
    payload["custom_details"]["transcription"] = text;
    Alert a = voicemail;
    a.body = event.dump(-1, ' ', false, json::error_handler_t::replace);
    return a;
}

Alert alert_missed(const CallSettings &call, const CallState &st, const std::string &call_sid, long long seconds)
{
    json d = details(st, call_sid);
    d["duration_seconds"] = seconds;
    std::string summary = "Missed call on " + call.title + " line from " + caller_text(st.from) + " after " +
                          std::to_string(seconds) + " s" + repeat_note(call, st);
    return make(AlertKind::missed, call, call_sid, alert_key(st, call_sid), summary, std::move(d), "");
}

Alert alert_limited(const CallSettings &call, const CallState &st, const std::string &call_sid)
{
    json d = details(st, call_sid);
    d["caller_limit"] = call.caller_limit;
    std::string summary = "Call " + std::to_string(st.calls) + " on " + call.title + " line from " +
                          caller_text(st.from) + " turned away by caller_limit (" + std::to_string(call.caller_limit) +
                          " within " + window_text(call) + ")";
    return make(AlertKind::missed, call, call_sid, alert_key(st, call_sid), summary, std::move(d), "");
}

Alert alert_text(const CallSettings &call, const std::string &route, const TextMessage &m,
                 const std::vector<std::string> &forwarded, const std::string &problem)
{
    json d = json::object();
    d["sender"] = m.from;
    d["called"] = m.to;
    d["route"] = route;
    d["message_sid"] = m.sid;
    d["text"] = m.body;
    d["media"] = m.media;
    d["forwarded_to"] = forwarded;
    if (!problem.empty()) d["problem"] = problem;
    std::string summary = "Text on " + call.title + " line from " + caller_text(m.from) + ": \"" + m.body + "\"";
    return make(AlertKind::text, call, m.sid, m.sid, summary, std::move(d), m.media.empty() ? "" : m.media.front());
}

namespace {

json call_details(const Route &route, const CallState &st, const std::string &call_sid, long long now)
{
    json d = details(st, call_sid);
    d["caller"] = mask_number(st.from);
    if (route.kind == TargetKind::numbers)
        d["dial"] = route.dial;
    else
        d[route.kind == TargetKind::schedule ? "schedule" : "escalation_policy"] = route.target;
    if (auto started = utc_text(st.started); !started.empty()) d["started_at"] = started;
    if (auto at = utc_text(now); !at.empty()) d["at"] = at;
    return d;
}

}  // namespace

Alert alert_answered(const Route &route, const CallState &st, const std::string &call_sid, const std::string &who,
                     long long now)
{
    json d = call_details(route, st, call_sid, now);
    const std::string name = who.empty() ? "the on-call engineer" : who;
    d["answered_by"] = name;
    std::string summary = "Call on " + route.call.title + " line from " + mask_number(st.from) + " taken by " + name +
                          repeat_note(route.call, st);
    return make(AlertKind::call, route.call, call_sid, alert_key(st, call_sid), summary, std::move(d), "",
                route.call.answered_severity);
}

Alert alert_ringing(const Route &route, const CallState &st, const std::string &call_sid, int level, long long now)
{
    json d = call_details(route, st, call_sid, now);
    std::string ringing = level > 0 ? "ringing level " + std::to_string(level) : "ringing the fallback number";
    d["ringing"] = ringing;
    std::string summary = "Incoming call on " + route.call.title + " line from " + mask_number(st.from) + ", " + ringing +
                          repeat_note(route.call, st);
    return make(AlertKind::call, route.call, call_sid, alert_key(st, call_sid), summary, std::move(d), "");
}

Alert alert_call_recording(const Route &route, const CallState &st, const std::string &call_sid, const Recording &rec)
{
    json d = details(st, call_sid);
    d["caller"] = mask_number(st.from);
    d["recording"] = rec.url;
    if (rec.seconds > 0) d["duration_seconds"] = rec.seconds;
    std::string summary = "Recording of the call on " + route.call.title + " line from " + mask_number(st.from) +
                          (rec.seconds > 0 ? " (" + std::to_string(rec.seconds) + " s)" : "");
    return make(AlertKind::recording, route.call, call_sid, alert_key(st, call_sid), summary, std::move(d), rec.url,
                route.call.answered_severity);
}

Alert alert_change(AlertKind change, const CallSettings &call, const CallState &st, const std::string &call_sid)
{
    // PagerDuty reads only these of an acknowledge or resolve event.
    json event = {{"routing_key", call.routing_key},
                  {"event_action", change == AlertKind::resolve ? "resolve" : "acknowledge"},
                  {"dedup_key", alert_key(st, call_sid).substr(0, limits::max_dedup_key)}};
    Alert a;
    a.kind = change == AlertKind::resolve ? AlertKind::resolve : AlertKind::acknowledge;
    a.call_sid = call_sid;
    a.routing_key = call.routing_key;
    a.body = event.dump(-1, ' ', false, json::error_handler_t::replace);
    return a;
}

std::string alert_key(const CallState &st, const std::string &call_sid)
{
    return st.first_call.empty() ? call_sid : st.first_call;
}

Alert alert_from_event(AlertKind kind, const std::string &call_sid, const std::string &event)
{
    Alert a{kind, call_sid, "", event};
    json doc = json::parse(event, nullptr, false);
    if (doc.is_object() && doc.contains("routing_key") && doc["routing_key"].is_string())
        a.routing_key = doc["routing_key"].get<std::string>();
    return a;
}

Alert alert_readiness(const CallSettings &call, const std::string &day, const std::string &summary,
                      const std::vector<std::string> &findings)
{
    const std::string key = "readiness-" + day;
    json d = json::object();
    d["findings"] = findings;
    d["fix"] = "give each person a phone contact method PagerDuty can call, or cover the gaps; "
               "pd-call-forward --check --ahead shows the list again";
    return make(AlertKind::readiness, call, key, key, summary, std::move(d), "", "warning");
}

const char *to_string(CallMark mark)
{
    switch (mark) {
    case CallMark::answered: return "answered";
    case CallMark::recorded: return "recorded";
    case CallMark::refused: return "refused";
    case CallMark::reason_ready: return "reason-ready";
    }
    return "?";
}

const char *to_string(AlertKind kind)
{
    switch (kind) {
    case AlertKind::voicemail: return "voicemail";
    case AlertKind::missed: return "missed";
    case AlertKind::text: return "text";
    case AlertKind::call: return "call";
    case AlertKind::acknowledge: return "acknowledge";
    case AlertKind::resolve: return "resolve";
    case AlertKind::recording: return "recording";
    case AlertKind::readiness: return "readiness";
    }
    return "?";
}

}  // namespace pdcf
