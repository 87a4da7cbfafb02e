// The texts a config may give with {placeholders} in them ({title},
// {name}, {caller}...), filled in.  Pure.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pdcf {

using Placeholders = std::vector<std::pair<std::string_view, std::string>>;

// `text` with each placeholder ("{name}") replaced by its value, in one
// pass, so a value that itself contains a placeholder stays as it is.
std::string fill(std::string_view text, const Placeholders &values);

// {name} and {first_name} for `names`: several are joined "A, B and C"; a
// first name is the name up to its first space.
Placeholders name_placeholders(const std::vector<std::string> &names);

std::string fill_names(std::string_view text, const std::vector<std::string> &names);

}  // namespace pdcf
