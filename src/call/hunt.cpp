#include "call/hunt.hpp"

#include <algorithm>
#include <set>

namespace pdcf {

NextDial hunt_next(const std::vector<Level> &levels, const CallState &st, Ring ring)
{
    // Numbers this loop has already rung: every level below the current one,
    // and at the current one everyone (together) or those up to `index`.
    std::set<std::string> dialed;
    for (const auto &l : levels) {
        if (l.level > st.level) break;
        for (std::size_t i = 0; i < l.callees.size(); ++i)
            if (l.level < st.level || ring == Ring::together || static_cast<int>(i) <= st.index)
                dialed.insert(l.callees[i].number);
    }
    NextDial next;
    for (const auto &l : levels) {
        if (l.level < st.level || (l.level == st.level && ring == Ring::together)) continue;
        for (std::size_t i = 0; i < l.callees.size(); ++i) {
            if (l.level == st.level && static_cast<int>(i) <= st.index) continue;
            const Callee &c = l.callees[i];
            if (dialed.count(c.number)) continue;
            if (!next.found) {
                next.found = true;
                next.level = l.level;
                next.index = static_cast<int>(i);
            }
            if (next.level != l.level) break;
            bool duplicate = std::any_of(next.callees.begin(), next.callees.end(),
                                         [&](const Callee &x) { return x.number == c.number; });
            if (!duplicate) next.callees.push_back(c);
            if (ring == Ring::in_turn) return next;
        }
        if (next.found) return next;
    }
    return next;
}

std::string spoken_number(const std::string &number)
{
    std::string out;
    for (char c : number)
        if (c >= '0' && c <= '9') {
            if (!out.empty()) out += ' ';
            out += c;
        }
    return out.empty() ? "an unknown number" : out;
}

}  // namespace pdcf
