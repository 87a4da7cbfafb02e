#include "small_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <unistd.h>

namespace pdcf {

namespace {

// One byte past the limit tells "at the limit" from "over it".
std::optional<std::string> within(std::string content, std::size_t limit, std::string &error)
{
    if (content.size() > limit) {
        error = "larger than " + std::to_string(limit) + " bytes";
        return std::nullopt;
    }
    return content;
}

}  // namespace

std::optional<std::string> read_small_file(const std::string &path, std::size_t limit, std::string &error)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    std::string content(limit + 1, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) {
        error = "read error";
        return std::nullopt;
    }
    return within(std::move(content), limit, error);
}

std::optional<std::string> read_small_fd(int fd, std::size_t limit, std::string &error)
{
    std::string content(limit + 1, '\0');
    std::size_t got = 0;
    while (got < content.size()) {
        ssize_t n = read(fd, content.data() + got, content.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = std::strerror(errno);
            return std::nullopt;
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    content.resize(got);
    return within(std::move(content), limit, error);
}

}  // namespace pdcf
