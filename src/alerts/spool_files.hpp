// The spool's files, as spool.cpp and its flush pass handle them: their
// names, their times (a file's modification time says when it is due), and
// the listing of a spool directory.
#pragma once

#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "alerts/alert.hpp"
#include "core/result.hpp"

namespace pdcf {

// A CallSid made safe as a file name (letters and digits, bounded).
std::string spool_name(const std::string &call_sid);

namespace spool_files {

// "CA123.missed.json": the call's spool_name and the alert's kind.
std::string file_name(const std::string &call_sid, AlertKind kind);
std::string file_name(const Alert &a);

// "CA123" and "missed" of "CA123.missed.json".
std::pair<std::string, std::string> call_and_kind(const std::string &name);

// Sets a file's modification time, which says when it is due.
bool set_due(int fd, time_t due);
bool set_due(const std::string &path, time_t due);

// Writes `content` to `dir`/`name` whole, due at `due`.
Result<void> write_whole(const std::string &dir, const std::string &name, const std::string &content, time_t due);

// The file's content when it is the program's own and at most
// limits::max_spool_file bytes; else "".
std::string read_all(const std::string &path);

struct Entry {
    std::string name;
    time_t mtime;
};

// The program's own regular files of `dir` (own_dir.hpp), oldest first,
// temporary ones left out, at most limits::max_spool_listed.
std::vector<Entry> list(const std::string &dir);

// What waits in a spool: alerts to send (pending), held for what may
// still come (held), and refused by PagerDuty (rejected); and how long the
// oldest pending one has waited since it was first written (its birth
// time, where the file system keeps one; else since it fell due).  Each
// count at most limits::max_spool_listed.
struct Depth {
    std::size_t pending = 0;
    std::size_t held = 0;
    std::size_t rejected = 0;
    long long oldest_age = 0;  // seconds; 0 when nothing is pending
};
Depth depth(const std::string &spool_dir, time_t now);

// A routing key's file name in paused/: a hash, so the key itself (which
// lets anyone raise alerts) is not written out.
std::string key_tag(const std::string &routing_key);

// The routing key of a spooled event.
std::string routing_key_of(const std::string &event);

}  // namespace spool_files

}  // namespace pdcf
