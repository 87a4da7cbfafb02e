#include "twilio/call_state.hpp"

#include "core/escape.hpp"
#include "core/limits.hpp"

namespace pdcf {

namespace {

bool parse_number(const std::string &s, long long low, long long high, long long &out)
{
    if (s.empty() || s.size() > 12) return false;
    std::size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return false;
    long long n = 0;
    for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        n = n * 10 + (s[i] - '0');
    }
    if (s[0] == '-') n = -n;
    if (n < low || n > high) return false;
    out = n;
    return true;
}

}  // namespace

std::string state_query(const CallState &st, Numbers numbers, std::size_t room)
{
    const std::string carried = "&from=" + url_component(st.from) + "&to=" + url_component(st.to);
    std::string q = "route=" + url_component(st.route) + "&t=" + std::to_string(st.started) +
                    "&loop=" + std::to_string(st.loop) + "&level=" + std::to_string(st.level) +
                    "&index=" + std::to_string(st.index) + "&fb=" + (st.fallback ? "1" : "0");
    if (st.picked > 0) q += "&picked=" + std::to_string(st.picked);
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

CallState state_parse(const Params &query, const Params &twilio)
{
    CallState st;
    st.from = form_value(twilio, "From");
    st.to = form_value(twilio, "To");
    long long n = 0;
    for (const auto &p : query) {
        if (p.name == "route") st.route = p.value;
        else if (p.name == "from") st.from = p.value;
        else if (p.name == "to") st.to = p.value;
        else if (p.name == "t" && parse_number(p.value, 0, 1LL << 40, n)) st.started = n;
        else if (p.name == "loop" && parse_number(p.value, 1, 1000, n)) st.loop = static_cast<int>(n);
        else if (p.name == "level" && parse_number(p.value, 0, 1000, n)) st.level = static_cast<int>(n);
        else if (p.name == "index" && parse_number(p.value, -1, 1000, n)) st.index = static_cast<int>(n);
        else if (p.name == "fb") st.fallback = p.value == "1";
        else if (p.name == "picked" && parse_number(p.value, 0, limits::max_dial_numbers, n)) st.picked = static_cast<int>(n);
        else if (p.name == "more" && parse_number(p.value, 0, 1000, n)) st.more_tried = std::min(1000, st.more_tried + static_cast<int>(n));
        else if (p.name == "tried" && st.tried.size() < limits::max_tried_names)
            st.tried.push_back(utf8_prefix(p.value, limits::max_tried_name));
        else if (p.name == "tried")
            st.more_tried = std::min(1000, st.more_tried + 1);
    }
    return st;
}

}  // namespace pdcf
