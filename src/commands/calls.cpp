#include "commands/calls.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

#include "commands/table.hpp"
#include "core/rfc3339.hpp"
#include "serve/history.hpp"

namespace pdcf {

namespace {

std::string local_time(long long t)
{
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    char text[32];
    if (!localtime_r(&tt, &tm) || std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm) == 0) return "?";
    return text;
}

std::string how_long(long long s)
{
    if (s < 60) return std::to_string(s) + " s";
    const std::string sec = std::to_string(s % 60);
    return std::to_string(s / 60) + " min " + (sec.size() < 2 ? "0" : "") + sec + " s";
}

std::string or_dash(const std::string &s) { return s.empty() ? "-" : s; }

}  // namespace

int calls_run(const Journal &journal, long long now, long long since, bool json, std::FILE *out)
{
    HistoryReader reader;
    journal.each([&reader](std::string_view record) { reader.add(record); });
    const auto calls = reader.calls(now - since);
    if (json) {
        // ASCII only (\uXXXX): names from PagerDuty reach a terminal too.
        nlohmann::json a = nlohmann::json::array();
        for (const auto &c : calls)
            a.push_back({{"time", format_rfc3339(c.started)}, {"call_sid", c.call_sid}, {"line", c.line},
                         {"caller", c.from}, {"outcome", c.outcome}, {"answered_by", c.answered_by},
                         {"seconds", c.seconds}, {"alert", c.alert}});
        std::fprintf(out, "%s\n", a.dump(2, ' ', true, nlohmann::json::error_handler_t::replace).c_str());
        return 0;
    }
    if (calls.empty()) {
        std::fprintf(out, "no calls in %s since %s\n", journal.path().c_str(), local_time(now - since).c_str());
        return 0;
    }
    std::vector<std::vector<std::string>> cells = {{"TIME", "LINE", "CALLER", "OUTCOME", "ANSWERED BY", "TOOK", "ALERT"}};
    for (const auto &c : calls)
        cells.push_back({local_time(c.started), or_dash(c.line), or_dash(c.from), or_dash(c.outcome),
                         or_dash(c.answered_by), how_long(c.seconds), or_dash(c.alert)});
    std::fputs(format_table(std::move(cells)).c_str(), out);
    return 0;
}

}  // namespace pdcf
