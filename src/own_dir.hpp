// The program's own directories, spool_dir and cache_dir.  What is read
// there decides whom a call rings and which alerts go out, so of their
// entries only the regular files of this process's user are read, never
// through a link.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <sys/stat.h>

namespace pdcf {

// An entry of an own directory: only a regular file of this process's user,
// opened without following a symbolic link or waiting on a FIFO, at most
// `limit` bytes.  Else nullopt with `error` saying why; an entry refused
// for what it is (not for being absent) is noted for the log.
std::optional<std::string> own_file_read(const std::string &path, std::size_t limit, std::string &error);

// Whether `st`, from lstat(), is a regular file of this process's user; an
// entry that is not is noted for the log.
bool own_file(const std::string &path, const struct stat &st);

// What was noted since the last call, one message per entry (each named
// once per process, at most limits::max_noted_entries), escaped for a log.
std::vector<std::string> own_dir_take_notes();

}  // namespace pdcf
