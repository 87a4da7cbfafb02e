#include "twilio/call_state.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "core/limits.hpp"

namespace pdcf {

namespace {

// A CallSid as Twilio writes them: letters and digits, bounded.
bool is_sid(const std::string &s)
{
    return !s.empty() && s.size() <= limits::max_dedup_key &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

// A recording's URL as Twilio gives it: https, printable, bounded.
bool is_recording_url(const std::string &s)
{
    return s.rfind("https://", 0) == 0 && s.size() <= limits::max_reason_url &&
           std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 127; });
}

// An IANA time zone name as PagerDuty gives one ("America/Los_Angeles"):
// letters, digits and "/_+-", bounded.  Looked up only when spoken.
bool is_zone_name(const std::string &s)
{
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '_' || c == '+' || c == '-';
    });
}

}  // namespace

std::string state_query(const CallState &st, Numbers numbers, std::size_t room)
{
    const std::string carried = "&from=" + url_component(st.from) + "&to=" + url_component(st.to);
    std::string q = "route=" + url_component(st.route) + "&t=" + std::to_string(st.started) +
                    "&loop=" + std::to_string(st.loop) + "&level=" + std::to_string(st.level) +
                    "&index=" + std::to_string(st.index) + "&fb=" + (st.fallback ? "1" : "0");
    if (st.picked > 0) q += "&picked=" + std::to_string(st.picked);
    q += alert_query(st);
    // A caller's number from Twilio is at most a SIP address; the numbers
    // go only when even they would not fit.
    if (numbers == Numbers::in_url && q.size() + carried.size() <= room) q += carried;
    // Room for "&more=NN" once a name has to go.
    constexpr std::size_t more_room = 12;
    int more = st.more_tried;
    bool full = false;  // the names keep their order: once one is left out, so are the rest
    for (std::size_t i = 0; i < st.tried.size(); ++i) {
        std::string part = "&tried=" + url_component(utf8_prefix(st.tried[i], limits::max_tried_name));
        full = full || i >= limits::max_tried_names || q.size() + part.size() + more_room > room;
        if (full)
            ++more;
        else
            q += part;
    }
    if (more > 0) q += "&more=" + std::to_string(more);
    return q;
}

std::string alert_query(const CallState &st)
{
    std::string q;
    if (!st.first_call.empty() && st.calls > 1)
        q += "&first=" + url_component(st.first_call) + "&calls=" + std::to_string(st.calls);
    if (!st.reason_url.empty()) q += "&reason=" + url_component(st.reason_url);
    return q;
}

CallState state_parse(const Params &query, const Params &twilio)
{
    CallState st;
    st.from = form_value(twilio, "From");
    st.to = form_value(twilio, "To");
    std::optional<long long> n;
    for (const auto &p : query) {
        if (p.name == "route") st.route = p.value;
        else if (p.name == "from") st.from = p.value;
        else if (p.name == "to") st.to = p.value;
        else if (p.name == "t" && (n = parse_decimal(p.value, 0, 1LL << 40))) st.started = *n;
        else if (p.name == "loop" && (n = parse_decimal(p.value, 1, 1000))) st.loop = static_cast<int>(*n);
        else if (p.name == "level" && (n = parse_decimal(p.value, 0, 1000))) st.level = static_cast<int>(*n);
        else if (p.name == "index" && (n = parse_decimal(p.value, -1, 1000))) st.index = static_cast<int>(*n);
        else if (p.name == "fb") st.fallback = p.value == "1";
        else if (p.name == "first" && is_sid(p.value)) st.first_call = p.value;
        else if (p.name == "calls" && (n = parse_decimal(p.value, 1, limits::max_caller_calls))) st.calls = static_cast<int>(*n);
        else if (p.name == "reason" && is_recording_url(p.value)) st.reason_url = p.value;
        else if (p.name == "tz" && is_zone_name(p.value)) st.time_zone = p.value;
        else if (p.name == "picked" && (n = parse_decimal(p.value, 0, limits::max_dial_numbers))) st.picked = static_cast<int>(*n);
        else if (p.name == "more" && (n = parse_decimal(p.value, 0, 1000))) st.more_tried = std::min(1000, st.more_tried + static_cast<int>(*n));
        else if (p.name == "tried" && st.tried.size() < limits::max_tried_names)
            st.tried.push_back(utf8_prefix(p.value, limits::max_tried_name));
        else if (p.name == "tried")
            st.more_tried = std::min(1000, st.more_tried + 1);
    }
    return st;
}

}  // namespace pdcf
