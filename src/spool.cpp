#include "spool.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limits.hpp"

namespace pdcf {

namespace {

// A file left in sending/ this long belongs to a process that died.
constexpr long stale_sending_seconds = 600;
// Claims are kept long enough for every callback of a call.
constexpr long claim_keep_seconds = 7 * 24 * 3600;

std::string error_text(const std::string &what, const std::string &path)
{
    return what + " " + path + ": " + std::strerror(errno);
}

std::string file_name(const Alert &a) { return spool_name(a.call_sid) + "." + to_string(a.kind) + ".json"; }

// Writes `content` to `path` whole: a temporary file beside it, then rename.
std::string write_whole(const std::string &dir, const std::string &name, const std::string &content)
{
    std::string tmp = dir + "/.tmp." + std::to_string(getpid()) + "." + name;
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return error_text("cannot create", tmp);
    bool written = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && fsync(fd) == 0;
    std::string problem = written ? "" : error_text("cannot write", tmp);
    close(fd);
    if (written && rename(tmp.c_str(), (dir + "/" + name).c_str()) != 0)
        problem = error_text("cannot rename into", dir + "/" + name);
    if (!problem.empty()) unlink(tmp.c_str());
    return problem;
}

std::string read_all(const std::string &path)
{
    std::string s;
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) return s;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    std::fclose(f);
    return s;
}

struct Entry {
    std::string name;
    time_t mtime;
};

// Regular files of `dir`, oldest first, temporary ones left out.
std::vector<Entry> list(const std::string &dir)
{
    std::vector<Entry> out;
    DIR *d = opendir(dir.c_str());
    if (!d) return out;
    while (dirent *e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        struct stat st;
        if (stat((dir + "/" + e->d_name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        out.push_back({e->d_name, st.st_mtime});
        if (out.size() == limits::max_spool_listed) break;
    }
    closedir(d);
    std::sort(out.begin(), out.end(), [](const Entry &a, const Entry &b) {
        return a.mtime != b.mtime ? a.mtime < b.mtime : a.name < b.name;
    });
    return out;
}

}  // namespace

std::string spool_name(const std::string &call_sid)
{
    std::string s;
    for (char c : call_sid)
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) s += c;
    s = s.substr(0, limits::max_spool_name);
    return s.empty() ? "unknown" : s;
}

Spool::Spool(std::string dir) : dir_(std::move(dir)) {}

std::string Spool::prepare() const
{
    for (const char *sub : {"", "/pending", "/sending", "/rejected", "/claims"}) {
        std::string path = dir_ + sub;
        if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return error_text("cannot create", path);
        if (access(path.c_str(), W_OK | X_OK) != 0) return error_text("cannot write to", path);
    }
    return {};
}

Spool::Claim Spool::claim(const std::string &call_sid, const std::string &what) const
{
    std::string path = dir_ + "/claims/" + spool_name(call_sid) + "." + what;
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        return Claim::first;
    }
    return errno == EEXIST ? Claim::again : Claim::unavailable;
}

bool Spool::claimed(const std::string &call_sid, const std::string &what) const
{
    return access((dir_ + "/claims/" + spool_name(call_sid) + "." + what).c_str(), F_OK) == 0;
}

std::string Spool::keep(const Alert &alert) const { return write_whole(dir_ + "/pending", file_name(alert), alert.body); }

std::string Spool::reject(const Alert &alert) const
{
    return write_whole(dir_ + "/rejected", file_name(alert), alert.body);
}

bool Spool::has_pending() const
{
    DIR *d = opendir((dir_ + "/pending").c_str());
    if (!d) return false;
    bool any = false;
    while (dirent *e = readdir(d))
        if (e->d_name[0] != '.') {
            any = true;
            break;
        }
    closedir(d);
    return any;
}

Spool::Flushed Spool::flush(const std::function<SendResult(const std::string &, TimePoint)> &send, const Clock &clock,
                            TimePoint deadline, long min_age) const
{
    Flushed out;
    const time_t now = std::time(nullptr);
    // A process that died mid-send left its alert in sending/: take it back.
    for (const auto &e : list(dir_ + "/sending"))
        if (now - e.mtime > stale_sending_seconds)
            rename((dir_ + "/sending/" + e.name).c_str(), (dir_ + "/pending/" + e.name).c_str());
    for (const auto &e : list(dir_ + "/claims"))
        if (now - e.mtime > claim_keep_seconds) unlink((dir_ + "/claims/" + e.name).c_str());

    auto pending = list(dir_ + "/pending");
    for (std::size_t i = 0; i < pending.size(); ++i) {
        if (clock() >= deadline) {
            out.left = static_cast<int>(pending.size() - i);
            break;
        }
        if (now - pending[i].mtime < min_age) continue;
        const std::string from = dir_ + "/pending/" + pending[i].name;
        const std::string taken = dir_ + "/sending/" + pending[i].name;
        // Another process may be sending it right now: then it is not ours.
        if (rename(from.c_str(), taken.c_str()) != 0) continue;
        SendResult r = send(read_all(taken), deadline);
        switch (r.status) {
        case SendStatus::sent:
            ++out.sent;
            unlink(taken.c_str());
            out.lines.push_back("sent " + pending[i].name);
            break;
        case SendStatus::rejected:
            ++out.rejected;
            rename(taken.c_str(), (dir_ + "/rejected/" + pending[i].name).c_str());
            out.lines.push_back("rejected " + pending[i].name + ": " + r.detail + "; kept in " + dir_ + "/rejected");
            break;
        case SendStatus::failed:
            ++out.failed;
            rename(taken.c_str(), from.c_str());
            out.lines.push_back("still pending " + pending[i].name + ": " + r.detail);
            break;
        }
    }
    return out;
}

}  // namespace pdcf
