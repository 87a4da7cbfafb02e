// application/x-www-form-urlencoded decoding, for Twilio's form body and
// for query strings (WHATWG URL standard, "application/x-www-form-urlencoded
// parsing", except that a bad percent-escape is an error, not kept as is).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace pdcf {

struct Param {
    std::string name;
    std::string value;
};
using Params = std::vector<Param>;

// Decodes `a=1&b=x+y&c=%41&c=2`.  Keeps order and repeated names; `b` and
// `b=` both give an empty value; empty segments (`&&`) are skipped.
// A failure says which byte is wrong; nothing of such an input is kept.
Result<Params> form_decode(std::string_view text);

// The first value of `name`, or nullptr.
const std::string *form_get(const Params &params, std::string_view name);

// The value of `name`, or "" when absent.
std::string form_value(const Params &params, std::string_view name);

}  // namespace pdcf
