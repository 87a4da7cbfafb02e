#include "core/form.hpp"

#include <algorithm>

#include "core/limits.hpp"

namespace pdcf {

namespace {

int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes one name or value; `offset` is where it starts in the whole
// input, so an error can point at the byte.
Result<std::string> decode_component(std::string_view in, std::size_t offset)
{
    std::string out;
    // Decoding never lengthens, so the encoded length bounds the work; the
    // decoded one is what the limit is about.
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            int hi = i + 1 < in.size() ? hex_value(in[i + 1]) : -1;
            int lo = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return fail("bad percent-escape at byte " + std::to_string(offset + i) +
                            " (expected % and two hex digits)");
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    if (out.size() > limits::max_param_length)
        return fail("a parameter at byte " + std::to_string(offset) + " is over " +
                    std::to_string(limits::max_param_length) + " bytes");
    return out;
}

}  // namespace

Result<Params> form_decode(std::string_view text)
{
    Params params;
    // One allocation for a webhook's twenty-odd parameters, not five.
    params.reserve(std::min<std::size_t>(std::count(text.begin(), text.end(), '&') + 1, limits::max_params));
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('&', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view segment = text.substr(start, end - start);
        if (!segment.empty()) {
            if (params.size() == limits::max_params)
                return fail("more than " + std::to_string(limits::max_params) + " parameters");
            std::size_t eq = segment.find('=');
            std::string_view name = segment.substr(0, eq);
            std::string_view value = eq == std::string_view::npos ? std::string_view{} : segment.substr(eq + 1);
            auto n = decode_component(name, start);
            if (!n) return fail(n.error());
            auto v = decode_component(value, start + name.size() + 1);
            if (!v) return fail(v.error());
            params.push_back({std::move(*n), std::move(*v)});
        }
        start = end + 1;
    }
    return params;
}

const std::string *form_get(const Params &params, std::string_view name)
{
    for (const auto &p : params)
        if (p.name == name) return &p.value;
    return nullptr;
}

std::string form_value(const Params &params, std::string_view name)
{
    const std::string *v = form_get(params, name);
    return v ? *v : std::string{};
}

}  // namespace pdcf
