// Shared by the fuzz targets: splitting one input into parts, and the
// checks that turn a broken invariant into a crash the fuzzer records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

// A broken invariant must stop the run where it happened, with a stack
// trace, under libFuzzer and in the plain replay alike.
inline void require(bool ok)
{
    if (!ok) __builtin_trap();
}

inline std::string_view as_text(const uint8_t *data, std::size_t size)
{
    return {reinterpret_cast<const char *>(data), size};
}

// Splits on every `sep`; always at least one part.
inline std::vector<std::string_view> split(std::string_view text, std::string_view sep)
{
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        std::size_t end = text.find(sep, start);
        if (end == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, end - start));
        start = end + sep.size();
    }
}

// The n-th part, or `fallback` when the input has fewer.
inline std::string_view part(const std::vector<std::string_view> &parts, std::size_t n, std::string_view fallback = {})
{
    return n < parts.size() ? parts[n] : fallback;
}

}  // namespace fuzz
