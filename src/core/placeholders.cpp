#include "core/placeholders.hpp"

namespace pdcf {

namespace {

std::string join_names(const std::vector<std::string> &names)
{
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) s += i + 1 == names.size() ? " and " : ", ";
        s += names[i];
    }
    return s;
}

}  // namespace

std::string fill(std::string_view text, const Placeholders &values)
{
    std::string s;
    for (std::size_t i = 0; i < text.size();) {
        bool replaced = false;
        if (text[i] == '{')
            for (const auto &[tag, value] : values)
                if (text.compare(i, tag.size(), tag) == 0) {
                    s += value;
                    i += tag.size();
                    replaced = true;
                    break;
                }
        if (!replaced) s += text[i++];
    }
    return s;
}

Placeholders name_placeholders(const std::vector<std::string> &names)
{
    std::vector<std::string> first;
    for (const auto &n : names) first.push_back(n.substr(0, n.find(' ')));
    return {{"{name}", join_names(names)}, {"{first_name}", join_names(first)}};
}

std::string fill_names(std::string_view text, const std::vector<std::string> &names)
{
    return fill(text, name_placeholders(names));
}

}  // namespace pdcf
