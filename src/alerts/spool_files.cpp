#include "alerts/spool_files.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "core/ascii.hpp"
#include "core/limits.hpp"
#include "core/own_dir.hpp"
#include "core/small_file.hpp"

namespace pdcf {

std::string spool_name(const std::string &call_sid)
{
    std::string s;
    for (char c : call_sid)
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) s += c;
    s = s.substr(0, limits::max_spool_name);
    return s.empty() ? "unknown" : s;
}

namespace spool_files {

std::string file_name(const std::string &call_sid, AlertKind kind)
{
    return spool_name(call_sid) + "." + to_string(kind) + ".json";
}
std::string file_name(const Alert &a) { return file_name(a.call_sid, a.kind); }

bool set_due(int fd, time_t due)
{
    const struct timespec times[2] = {{due, 0}, {due, 0}};
    return futimens(fd, times) == 0;
}

bool set_due(const std::string &path, time_t due)
{
    const struct timespec times[2] = {{due, 0}, {due, 0}};
    return utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0;
}

Result<void> write_whole(const std::string &dir, const std::string &name, const std::string &content, time_t due)
{
    return write_whole_file(dir, name, content, timespec{due, 0});
}

std::string read_all(const std::string &path)
{
    return own_file_read(path, limits::max_spool_file).value_or("");
}

std::vector<Entry> list(const std::string &dir)
{
    std::vector<Entry> out;
    DIR *d = opendir(dir.c_str());
    if (!d) return out;
    while (dirent *e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        struct stat st;
        const std::string path = dir + "/" + e->d_name;
        if (lstat(path.c_str(), &st) != 0 || !own_file(path, st)) continue;
        out.push_back({e->d_name, st.st_mtime});
        if (out.size() == limits::max_spool_listed) break;
    }
    closedir(d);
    std::sort(out.begin(), out.end(), [](const Entry &a, const Entry &b) {
        return a.mtime != b.mtime ? a.mtime < b.mtime : a.name < b.name;
    });
    return out;
}

Depth depth(const std::string &spool_dir, time_t now)
{
    Depth d;
    const auto pending = list(spool_dir + "/pending");
    d.pending = pending.size();
    d.held = list(spool_dir + "/held").size();
    d.rejected = list(spool_dir + "/rejected").size();
    for (const auto &e : pending) {
        // A retry moves the file's due time (mtime), never its birth.
        struct statx stx{};
        const std::string path = spool_dir + "/pending/" + e.name;
        long long since = e.mtime;
        if (statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BTIME, &stx) == 0 && (stx.stx_mask & STATX_BTIME))
            since = stx.stx_btime.tv_sec;
        d.oldest_age = std::max(d.oldest_age, static_cast<long long>(now) - since);
    }
    return d;
}

std::string key_tag(const std::string &routing_key)
{
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(fnv1a(routing_key)));
    return text;
}

std::string routing_key_of(const std::string &event)
{
    return alert_from_event(AlertKind::voicemail, "", event).routing_key;
}

std::pair<std::string, std::string> call_and_kind(const std::string &name)
{
    std::size_t dot = name.find('.');
    std::size_t second = dot == std::string::npos ? dot : name.find('.', dot + 1);
    if (second == std::string::npos) return {name, ""};
    return {name.substr(0, dot), name.substr(dot + 1, second - dot - 1)};
}

}  // namespace spool_files

}  // namespace pdcf
