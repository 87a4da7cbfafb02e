#include "alerts/repeats.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts/spool_files.hpp"
#include "config/callers.hpp"
#include "core/own_dir.hpp"
#include "core/small_file.hpp"

namespace pdcf {

namespace {

// The file's bound: its first line and the CallSids kept.
constexpr std::size_t max_repeats_file = 64 + max_repeat_calls_kept * 64;

struct Window {
    long long since = 0;
    int calls = 0;
    std::vector<std::string> sids;  // the first max_repeat_calls_kept, in order
};

// "1796072040 3\nCA1\nCA2\nCA3\n"; a file that is not that is no window.
std::optional<Window> parse(const std::string &text)
{
    std::istringstream in(text);
    Window w;
    if (!(in >> w.since >> w.calls) || w.calls < 1) return std::nullopt;
    for (std::string sid; in >> sid && w.sids.size() < static_cast<std::size_t>(max_repeat_calls_kept);)
        w.sids.push_back(sid);
    if (w.sids.empty()) return std::nullopt;
    return w;
}

std::string text_of(const Window &w)
{
    std::string out = std::to_string(w.since) + " " + std::to_string(w.calls) + "\n";
    for (const auto &sid : w.sids) out += sid + "\n";
    return out;
}

// Whole, from the start of the open file.
bool rewrite(int fd, const std::string &text)
{
    if (lseek(fd, 0, SEEK_SET) != 0 || ftruncate(fd, 0) != 0) return false;
    return write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

}  // namespace

std::optional<CallerCalls> caller_calls(const Spool &spool, const std::string &line, const std::string &caller,
                                        const std::string &call_sid, long window, long long now, bool count)
{
    if (!spool.usable() || window <= 0) return std::nullopt;
    // The names are hashed: no phone number in a file name.
    const std::string who = is_anonymous(caller) ? "anonymous" : caller;
    const std::string path = spool.dir() + "/callers/" + spool_files::key_tag(line + "\n" + who);
    const std::string sid = spool_name(call_sid);
    int fd = open(path.c_str(), O_RDWR | (count ? O_CREAT : 0) | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return std::nullopt;
    struct stat st;
    std::optional<CallerCalls> out;
    // One process at a time reads and counts a caller's window.
    if (flock(fd, LOCK_EX) == 0 && fstat(fd, &st) == 0 && own_file(path, st)) {
        auto text = read_small_fd(fd, max_repeats_file);
        std::optional<Window> w = text ? parse(*text) : std::nullopt;
        if (w && now - w->since >= window) w.reset();  // that window is over
        auto known = w ? std::find(w->sids.begin(), w->sids.end(), sid) : std::vector<std::string>::iterator{};
        if (w && known != w->sids.end()) {
            out = CallerCalls{w->sids.front(), static_cast<int>(known - w->sids.begin()) + 1};
        } else if (count) {
            if (!w) w = Window{now, 0, {}};
            ++w->calls;
            if (w->sids.size() < static_cast<std::size_t>(max_repeat_calls_kept)) w->sids.push_back(sid);
            if (rewrite(fd, text_of(*w))) out = CallerCalls{w->sids.front(), w->calls};
        }
    }
    close(fd);
    return out;
}

}  // namespace pdcf
