// Where each [section] and key is in the INI text.  Boost.PropertyTree
// keeps no line numbers, and read_ini drops sections without keys, so the
// text is indexed here too, in one pass, for errors that name the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pdcf::ini {

// The sections that name a route or a menu: [route:NAME], [menu:NAME].
constexpr std::string_view route_prefix = "route:";
constexpr std::string_view menu_prefix = "menu:";

// read_ini takes every line that starts with '#' for a comment, so a
// menu's "# = ROUTE" would vanish without a word.  In [menu:...] sections
// such a line becomes "hash = ROUTE" before parsing; the line count stays.
std::string menu_hash_keys(std::string_view text);

struct IniLine {
    int line;
    std::string_view section;
    std::string_view key;  // "" for the [section] header itself
};

// The line of every [section] header (key "") and of every key in `text`,
// which must outlive the index.
std::vector<IniLine> ini_index(std::string_view text);

// The line of `key` in [section], or of the header when `key` is empty;
// 0 when it is not in the file.
int ini_line(const std::vector<IniLine> &index, std::string_view section, std::string_view key);

}  // namespace pdcf::ini
