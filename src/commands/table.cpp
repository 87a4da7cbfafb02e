#include "commands/table.hpp"

#include <algorithm>

#include "core/escape.hpp"

namespace pdcf {

namespace {

// Display width: UTF-8 continuation bytes take no column.
std::size_t width(const std::string &s)
{
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string format_table(std::vector<std::vector<std::string>> cells)
{
    for (auto &line : cells)
        for (auto &cell : line) cell = display_text(cell);
    std::vector<std::size_t> widths(cells.front().size(), 0);
    for (const auto &line : cells)
        for (std::size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], width(line[i]));
    std::string out;
    for (const auto &line : cells) {
        std::string text;
        for (std::size_t i = 0; i < line.size(); ++i) {
            text += line[i];
            if (i + 1 < line.size()) text += std::string(widths[i] - width(line[i]) + 2, ' ');
        }
        out += text + "\n";
    }
    return out;
}

}  // namespace pdcf
