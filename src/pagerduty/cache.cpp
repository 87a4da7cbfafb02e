#include "pagerduty/cache.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "core/own_dir.hpp"
#include "core/small_file.hpp"

namespace pdcf {

namespace {

// How often a process waiting for another's refresh looks again.
constexpr std::chrono::milliseconds lock_poll{10};

// The file's text; "" when missing, over limits::max_cache_entry, or not
// the program's own (own_dir.hpp).
std::string read_file(const std::string &path)
{
    return own_file_read(path, limits::max_cache_entry).value_or("");
}

}  // namespace

Cache::Cache(std::string dir) : dir_(std::move(dir)) {}

namespace {

// Keys are ours ("oncalls-escalation_policy-PABC123"), made of letters,
// digits, '-' and '_'; anything else is dropped to stay inside the dir.
std::string name_of(const std::string &key)
{
    std::string safe;
    for (char c : key)
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
            safe += c;
    return safe;
}

}  // namespace

std::string Cache::path_of(const std::string &key) const { return dir_ + "/" + name_of(key); }

Result<void> Cache::prepare(OwnDir *verdict) const { return own_dirs_prepare(dir_, {}, verdict); }

std::optional<Cache::Entry> Cache::read(const std::string &key, long long now) const
{
    {
        std::lock_guard<std::mutex> lock(memo_mutex_);
        auto it = memo_.find(key);
        if (it != memo_.end() && now < it->second.fresh_until) return it->second;
    }
    return reread(key);
}

std::optional<Cache::Entry> Cache::reread(const std::string &key) const
{
    auto doc = nlohmann::json::parse(read_file(path_of(key) + ".json"), nullptr, false);
    if (!doc.is_object() || !doc.contains("value") || !doc["value"].is_string() ||
        !doc.contains("fetched_at") || !doc["fetched_at"].is_number_integer() || !doc.contains("fresh_until") ||
        !doc["fresh_until"].is_number_integer())
        return std::nullopt;
    Entry e{doc["value"].get<std::string>(), doc["fetched_at"].get<long long>(), doc["fresh_until"].get<long long>()};
    std::lock_guard<std::mutex> lock(memo_mutex_);
    memo_[key] = e;
    return e;
}

void Cache::write(const std::string &key, const Entry &entry) const
{
    nlohmann::json doc = {{"fetched_at", entry.fetched_at}, {"fresh_until", entry.fresh_until}, {"value", entry.value}};
    const std::string text = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    // Best effort: a process that cannot write still has its answer.
    if (!write_whole_file(dir_, name_of(key) + ".json", text)) return;
    std::lock_guard<std::mutex> lock(memo_mutex_);
    memo_[key] = entry;
}

namespace {

const char *suffix(Cache::Stamp what) { return what == Cache::Stamp::wanted ? ".wanted" : ".refresh-failed"; }

}  // namespace

void Cache::stamp(const std::string &key, Stamp what, long long now) const
{
    // A failure is kept in memory as well: should the file not be written
    // (a full disk), this process still rests, and asks no more often.
    if (what == Stamp::refresh_failed) {
        std::lock_guard<std::mutex> lock(memo_mutex_);
        failed_[key] = now;
    }
    // Written whole anew, as the entries are, so a file another user left
    // is replaced rather than kept.
    (void)write_whole_file(dir_, name_of(key) + suffix(what), "", timespec{static_cast<time_t>(now), 0});
}

void Cache::mark_wanted(const std::string &key, long long now, long long every) const
{
    auto young = [&](long long at) { return now >= at && now - at < every; };
    {
        std::lock_guard<std::mutex> lock(memo_mutex_);
        auto it = marked_.find(key);
        if (it != marked_.end() && young(it->second)) return;
    }
    auto at = stamped_at(key, Stamp::wanted);
    if (!at || !young(*at)) {
        stamp(key, Stamp::wanted, now);
        at = now;
    }
    std::lock_guard<std::mutex> lock(memo_mutex_);
    marked_[key] = *at;
}

std::optional<long long> Cache::stamped_at(const std::string &key, Stamp what) const
{
    std::optional<long long> at;
    if (what == Stamp::refresh_failed) {
        std::lock_guard<std::mutex> lock(memo_mutex_);
        if (auto it = failed_.find(key); it != failed_.end()) at = it->second;
    }
    struct stat st {};
    const std::string path = path_of(key) + suffix(what);
    if (lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid())
        at = std::max(at.value_or(st.st_mtim.tv_sec), static_cast<long long>(st.st_mtim.tv_sec));
    return at;
}

Cache::Lock &Cache::Lock::operator=(Lock &&other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0) close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

Cache::Lock::~Lock()
{
    // Closing the descriptor releases the flock.
    if (fd_ >= 0) close(fd_);
}

Cache::Lock Cache::try_lock(const std::string &key, bool *busy) const
{
    if (busy) *busy = false;
    int fd = open((path_of(key) + ".lock").c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return Lock();
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (busy) *busy = errno == EWOULDBLOCK;
        close(fd);
        return Lock();
    }
    return Lock(fd);
}

Cache::Lock Cache::lock(const std::string &key, TimePoint deadline, const Clock &clock) const
{
    for (;;) {
        bool busy = false;
        Lock l = try_lock(key, &busy);
        if (l.held() || !busy || clock() + lock_poll >= deadline) return l;
        std::this_thread::sleep_for(lock_poll);
    }
}

}  // namespace pdcf
