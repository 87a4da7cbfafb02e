// Reading a whole file that must be small: the config, a secret, a cache
// entry.  A file over its limit is refused, never cut.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace pdcf {

// The file's content, or nullopt with `error` saying why (errno's text,
// or that it is larger than `limit` bytes).
std::optional<std::string> read_small_file(const std::string &path, std::size_t limit, std::string &error);

// The same for a file already open as `fd`, read from where it stands.
std::optional<std::string> read_small_fd(int fd, std::size_t limit, std::string &error);

}  // namespace pdcf
