// The program's own directories, spool_dir and cache_dir.  What is read
// there decides whom a call rings and which alerts go out, so a directory
// is used only when nobody but root and its owner can change it or what
// it holds, its owner runs this process, and of its entries only the
// regular files of this process's user are read, never through a link.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "core/result.hpp"

namespace pdcf {

struct OwnDir {
    enum class Verdict {
        ours,      // used
        unusable,  // cannot be made, read or written
        not_ours,  // guarded, but another user's: this process leaves it alone
        unsafe,    // it, or a directory above it, can be changed by other users
    };
    Verdict verdict = Verdict::ours;
    std::string problem;  // what is wrong and what to do; empty when ours
    bool usable() const { return verdict == Verdict::ours; }
};

// Makes `dir` when missing (mode 0700, whatever the umask; its parent must
// exist), then judges it and every directory above it, both as written and
// as symbolic links resolve it.  A directory above it may be writable by
// others only with the sticky bit (/tmp), which keeps them from renaming
// what is not theirs.
[[nodiscard]] OwnDir own_dir_prepare(const std::string &dir);

// The same for `dir` and then each of `subdirs` in it ("pending", ...),
// stopping at the first that may not be used.  A subdirectory that is
// another user's is unsafe, not merely not ours: it lets them in.  The
// whole judgement goes to `verdict` when given.
Result<void> own_dirs_prepare(const std::string &dir, const std::vector<std::string> &subdirs,
                              OwnDir *verdict = nullptr);

// An entry of an own directory: only a regular file of this process's user,
// opened without following a symbolic link or waiting on a FIFO, at most
// `limit` bytes.  Else why not; an entry refused for what it is (not for
// being absent) is noted for the log.
Result<std::string> own_file_read(const std::string &path, std::size_t limit);

// Whether `st`, from lstat(), is a regular file of this process's user; an
// entry that is not is noted for the log.
bool own_file(const std::string &path, const struct stat &st);

// What was noted since the last call, one message per entry (each named
// once per process, at most limits::max_noted_entries), escaped for a log.
std::vector<std::string> own_dir_take_notes();

}  // namespace pdcf
