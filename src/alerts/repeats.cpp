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
#include "core/limits.hpp"
#include "core/own_dir.hpp"
#include "core/small_file.hpp"

namespace pdcf {

namespace {

// The file's bound: its first line and the calls kept.
constexpr std::size_t max_repeats_file = 64 + limits::max_repeat_calls_kept * 160;

// "-": no call holds the window's alert (none yet, or it was answered).
constexpr const char *no_key = "-";

struct Window {
    long long since = 0;
    int calls = 0;
    std::string key = no_key;  // the dedup_key the window's next call joins
    // The first limits::max_repeat_calls_kept calls, in order, each with the key
    // it joined.
    std::vector<std::pair<std::string, std::string>> sids;
};

// "1796072040 3 CA1\nCA1 CA1\nCA2 CA1\nCA3 CA1\n"; a file that is not that
// is no window.
// A key as written: "-", or a CallSid as spool_name leaves it.
bool is_key(const std::string &s)
{
    return s == no_key || (s == spool_name(s) && s != "unknown");
}

std::optional<Window> parse(const std::string &text)
{
    // Written whole or not at all, under the lock; a file cut short (a
    // crash mid-write) is no window, and the next call starts one.
    if (text.empty() || text.back() != '\n') return std::nullopt;
    std::istringstream in(text);
    Window w;
    if (!(in >> w.since >> w.calls >> w.key) || w.calls < 1 || !is_key(w.key)) return std::nullopt;
    std::string sid, key;
    while (in >> sid >> key && w.sids.size() < static_cast<std::size_t>(limits::max_repeat_calls_kept)) {
        if (!is_key(sid) || !is_key(key) || key == no_key) return std::nullopt;
        w.sids.emplace_back(sid, key);
    }
    if (w.sids.size() > static_cast<std::size_t>(w.calls)) return std::nullopt;
    return w;
}

std::string text_of(const Window &w)
{
    std::string out = std::to_string(w.since) + " " + std::to_string(w.calls) + " " + w.key + "\n";
    for (const auto &[sid, key] : w.sids) out += sid + " " + key + "\n";
    return out;
}

// Whole, from the start of the open file.
bool rewrite(int fd, const std::string &text)
{
    if (lseek(fd, 0, SEEK_SET) != 0 || ftruncate(fd, 0) != 0) return false;
    return write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

// `change` on the (line, caller) window, under its lock; the file is
// created only when `create`.  Nothing when the spool may not be used.
template <class Change>
auto with_window(const Spool &spool, const std::string &line, const std::string &caller, bool create, Change change)
    -> decltype(change(std::declval<std::optional<Window> &>(), 0))
{
    if (!spool.usable()) return {};
    // The name is hashed: no phone number in a file name.
    const std::string who = is_anonymous(caller) ? "anonymous" : caller;
    const std::string path = spool.dir() + "/callers/" + spool_files::key_tag(line + "\n" + who);
    int fd = open(path.c_str(), O_RDWR | (create ? O_CREAT : 0) | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return {};
    struct stat st;
    decltype(change(std::declval<std::optional<Window> &>(), 0)) out{};
    // One process at a time reads and changes a caller's window.
    if (flock(fd, LOCK_EX) == 0 && fstat(fd, &st) == 0 && own_file(path, st)) {
        auto text = read_small_fd(fd, max_repeats_file);
        std::optional<Window> w = text ? parse(*text) : std::nullopt;
        out = change(w, fd);
    }
    close(fd);
    return out;
}

}  // namespace

std::optional<CallerCalls> caller_calls(const Spool &spool, const std::string &line, const std::string &caller,
                                        const std::string &call_sid, long window, long long now, bool count)
{
    if (window <= 0) return std::nullopt;
    const std::string sid = spool_name(call_sid);
    return with_window(spool, line, caller, count, [&](std::optional<Window> &w, int fd) -> std::optional<CallerCalls> {
        // A call the window knows keeps the place and key it was given,
        // however long ago: the number's status callback comes at the end.
        if (w)
            for (std::size_t i = 0; i < w->sids.size(); ++i)
                if (w->sids[i].first == sid) return CallerCalls{w->sids[i].second, static_cast<int>(i) + 1};
        if (!count) return std::nullopt;
        if (!w || now - w->since >= window) w = Window{now, 0, no_key, {}};
        w->calls = std::min(w->calls + 1, limits::max_caller_calls);
        if (w->key == no_key) w->key = sid;
        if (w->sids.size() < static_cast<std::size_t>(limits::max_repeat_calls_kept)) w->sids.emplace_back(sid, w->key);
        if (!rewrite(fd, text_of(*w))) return std::nullopt;
        return CallerCalls{w->key, w->calls};
    });
}

void caller_answered(const Spool &spool, const std::string &line, const std::string &caller)
{
    with_window(spool, line, caller, false, [&](std::optional<Window> &w, int fd) -> bool {
        if (!w || w->key == no_key) return false;
        w->key = no_key;
        return rewrite(fd, text_of(*w));
    });
}

}  // namespace pdcf
