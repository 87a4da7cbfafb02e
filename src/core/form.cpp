#include "core/form.hpp"

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
bool decode_component(std::string_view in, std::size_t offset, std::string &out, std::string &error)
{
    out.clear();
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
            if (hi < 0 || lo < 0) {
                error = "bad percent-escape at byte " + std::to_string(offset + i) +
                        " (expected % and two hex digits)";
                return false;
            }
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    if (out.size() > limits::max_param_length) {
        error = "a parameter at byte " + std::to_string(offset) + " is over " +
                std::to_string(limits::max_param_length) + " bytes";
        return false;
    }
    return true;
}

}  // namespace

FormResult form_decode(std::string_view text)
{
    FormResult result;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('&', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view segment = text.substr(start, end - start);
        if (!segment.empty()) {
            if (result.params.size() == limits::max_params) {
                result.error = "more than " + std::to_string(limits::max_params) + " parameters";
                result.params.clear();
                return result;
            }
            std::size_t eq = segment.find('=');
            std::string_view name = segment.substr(0, eq);
            std::string_view value = eq == std::string_view::npos ? std::string_view{} : segment.substr(eq + 1);
            Param p;
            if (!decode_component(name, start, p.name, result.error) ||
                !decode_component(value, start + name.size() + 1, p.value, result.error)) {
                result.params.clear();
                return result;
            }
            result.params.push_back(std::move(p));
        }
        start = end + 1;
    }
    return result;
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
