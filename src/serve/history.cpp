#include "serve/history.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "core/phone.hpp"

namespace pdcf {

namespace {

using nlohmann::json;

// A call's alerts, as --calls shows them: the first few.
constexpr std::size_t max_alert_text = 400;

bool call_path(const std::string &p) { return p.empty() || p == "/" || p == "/voice" || p.rfind("/voice/", 0) == 0; }

// A field from a record: bounded, whatever the file says.
std::string field(const json &j, const char *key)
{
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return "";
    std::string s = it->get<std::string>();
    if (s.size() > 200) s.resize(200);
    return s;
}

// What the call came to, over its requests: an engineer took it, the
// caller left a message, was turned away, or hung up with nobody; else
// what its last request did (still ringing, say).
std::string call_outcome(const std::vector<std::string> &outcomes)
{
    auto any = [&](std::initializer_list<const char *> names) -> std::string {
        for (const char *n : names)
            if (std::find(outcomes.begin(), outcomes.end(), n) != outcomes.end()) return n;
        return "";
    };
    if (!any({"answered", "accepted"}).empty()) return "answered";
    if (!any({"recorded"}).empty()) return "message left";
    if (auto turned = any({"blocked", "refused", "limited"}); !turned.empty()) return turned;
    if (!any({"gone"}).empty()) return "missed";
    return outcomes.empty() ? "" : outcomes.back();
}

}  // namespace

std::optional<std::string> history_record(const LogRecord &log, long long now)
{
    if (!log.from_twilio || log.call_sid.empty() || !call_path(log.path) || log.outcome == Outcome::none)
        return std::nullopt;
    json j;
    j["t"] = now;
    // An engineer's leg (the screen) is part of the caller's call.  Not any
    // request with a ParentCallSid: an incoming call may itself be a leg of
    // a call another Twilio application placed.
    const bool leg = !log.parent_call_sid.empty() && (log.path == "/voice/screen" || log.path == "/voice/screen-result");
    j["call"] = leg ? log.parent_call_sid : log.call_sid;
    j["line"] = log.route;
    if (!leg && !log.from.empty()) j["from"] = mask_number(log.from);
    j["path"] = log.path;
    j["outcome"] = to_string(log.outcome);
    if (!log.answered_by.empty()) j["who"] = log.answered_by;
    if (!log.alert.empty()) j["alert"] = log.alert_kind.empty() ? log.alert : log.alert_kind + " " + log.alert;
    // Invalid UTF-8 from a caller is replaced, not thrown.
    std::string out = j.dump(-1, ' ', false, json::error_handler_t::replace);
    if (out.size() > limits::max_history_record) {
        j.erase("alert");
        j.erase("who");
        out = j.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    return out;
}

void HistoryReader::add(std::string_view record)
{
    json j = json::parse(record, nullptr, false);
    if (!j.is_object() || !j.contains("t") || !j["t"].is_number_integer()) return;
    const std::string call = field(j, "call");
    if (call.empty()) return;
    Entry e{j["t"].get<long long>(), field(j, "line"), field(j, "from"), field(j, "path"),
            field(j, "outcome"), field(j, "who"), field(j, "alert")};
    auto [at, added] = index_.emplace(call, calls_.size());
    if (added) calls_.push_back({call, {}});
    calls_[at->second].second.push_back(std::move(e));
}

std::vector<CallSummary> HistoryReader::calls(long long since) const
{
    std::vector<CallSummary> out;
    // Newest first: by the second each began, and within one second by
    // which came first.
    for (auto it = calls_.rbegin(); it != calls_.rend(); ++it) {
        const auto &[sid, entries] = *it;
        CallSummary s;
        s.call_sid = sid;
        long long first = entries.front().t, last = first;
        std::vector<std::string> outcomes;
        for (const Entry &e : entries) {
            first = std::min(first, e.t);
            last = std::max(last, e.t);
            if (s.line.empty()) s.line = e.line;
            if (s.from.empty()) s.from = e.from;
            if (!e.who.empty()) s.answered_by = e.who;
            if (!e.alert.empty() && s.alert.size() < max_alert_text) s.alert += (s.alert.empty() ? "" : "; ") + e.alert;
            outcomes.push_back(e.outcome);
        }
        if (last < since) continue;
        s.started = first;
        s.seconds = last - first;
        s.outcome = call_outcome(outcomes);
        out.push_back(std::move(s));
    }
    std::stable_sort(out.begin(), out.end(), [](const CallSummary &a, const CallSummary &b) { return a.started > b.started; });
    return out;
}

}  // namespace pdcf
