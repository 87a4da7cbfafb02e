#include "small_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace pdcf {

std::optional<std::string> read_small_file(const std::string &path, std::size_t limit, std::string &error)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    // One byte past the limit tells "at the limit" from "over it".
    std::string content(limit + 1, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) {
        error = "read error";
        return std::nullopt;
    }
    if (content.size() > limit) {
        error = "larger than " + std::to_string(limit) + " bytes";
        return std::nullopt;
    }
    return content;
}

}  // namespace pdcf
