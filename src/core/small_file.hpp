// Reading a whole file that must be small (the config, a secret, a cache
// entry): a file over its limit is refused, never cut.  And writing one
// whole, so that a reader sees the old file or the new one, never half.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <time.h>

#include "core/result.hpp"

namespace pdcf {

// The file's content, or why not (errno's text, or that it is larger than
// `limit` bytes).
Result<std::string> read_small_file(const std::string &path, std::size_t limit);

// The same for a file already open as `fd`, read from where it stands.
Result<std::string> read_small_fd(int fd, std::size_t limit);

// Writes `content` to `dir`/`name` whole: into a new file of a name nobody
// chose (".tmp.NAME.XXXXXX" in `dir`, so nothing planted there is written
// through, and a directory listing that skips dot files never sees it),
// its modification time set to `mtime` when given, flushed to the disk,
// then renamed over `name`.  A failure names the file.
Result<void> write_whole_file(const std::string &dir, const std::string &name, std::string_view content,
                                           std::optional<struct timespec> mtime = std::nullopt);

}  // namespace pdcf
