#include "config/ini_index.hpp"

#include "config/config_value.hpp"

namespace pdcf::ini {

std::string menu_hash_keys(std::string_view text)
{
    std::string out;
    bool in_menu = false;
    for (std::size_t pos = 0; pos <= text.size();) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        std::string_view t = trim(line);
        if (t.size() >= 2 && t.front() == '[' && t.back() == ']')
            in_menu = trim(t.substr(1, t.size() - 2)).substr(0, menu_prefix.size()) == menu_prefix;
        if (in_menu && !t.empty() && t.front() == '#' && trim(t.substr(1)).substr(0, 1) == "=")
            out += "hash " + std::string(trim(t.substr(1)));
        else
            out += line;
        if (end < text.size()) out += '\n';
        pos = end + 1;
    }
    return out;
}

std::vector<IniLine> ini_index(std::string_view text)
{
    std::vector<IniLine> index;
    std::string_view current;
    int lineno = 0;
    for (std::size_t pos = 0; pos <= text.size();) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = trim(text.substr(pos, end - pos));
        ++lineno;
        pos = end + 1;
        if (line.empty() || line.front() == ';' || line.front() == '#') continue;
        if (line.size() >= 2 && line.front() == '[' && line.back() == ']') {
            current = trim(line.substr(1, line.size() - 2));
            index.push_back({lineno, current, {}});
        } else if (std::size_t eq = line.find('='); eq != std::string_view::npos) {
            index.push_back({lineno, current, trim(line.substr(0, eq))});
        }
    }
    return index;
}

int ini_line(const std::vector<IniLine> &index, std::string_view section, std::string_view key)
{
    for (const auto &l : index)
        if (l.section == section && l.key == key) return l.line;
    return 0;
}

}  // namespace pdcf::ini
