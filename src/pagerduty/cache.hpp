// What PagerDuty said, kept in [pagerduty] cache_dir for every process
// (FastCGI pool, CGI runs, --check): one small file per entry, written to a
// temporary name and renamed, so a reader sees the old entry or the new one,
// never half of one.  A lock file per entry lets one process refresh it
// while the others go on with what they have.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/own_dir.hpp"

namespace pdcf {

// How a request treats the cache: use it while fresh, or (--check) ask
// PagerDuty anyway and keep the answer.  Or refresh ahead: ask PagerDuty
// only for what stops being fresh soon, and wait for no other process:
// `ahead`, a worker's refresh thread, for the routes a call used within
// refresh_idle; `ahead_of_run`, --refresh, for every route and for what
// falls due before its next run (limits::refresh_every) as well.
enum class CacheMode { use, refresh, ahead, ahead_of_run };

class Cache {
public:
    explicit Cache(std::string dir);

    // Creates the directory (mode 0700) if missing, and judges whether it
    // may be used (own_dir.hpp), with the whole judgement in `verdict`.
    Result<void> prepare(OwnDir *verdict = nullptr) const;

    struct Entry {
        std::string value;          // the answer, as the cache keeps it (JSON)
        long long fetched_at = 0;   // when PagerDuty gave it, seconds since the epoch
        long long fresh_until = 0;  // until when it is taken without asking again
    };
    // The entry, as written: the caller decides how far to believe it.  One
    // this process read or wrote and that is still fresh at `now` comes
    // from memory: it cannot have changed, since entries are only
    // rewritten once expired (or by --check, with the same truth).  A file
    // that is not the program's own (own_dir.hpp) is no entry.
    std::optional<Entry> read(const std::string &key, long long now) const;
    // The entry as the file has it now, whatever this process remembers
    // (another may have refreshed it).
    std::optional<Entry> reread(const std::string &key) const;
    // Best effort: a cache that cannot be written only costs requests.
    void write(const std::string &key, const Entry &entry) const;

    // An exclusive lock on one entry (flock), released when destroyed.
    class Lock {
    public:
        Lock() = default;
        explicit Lock(int fd) : fd_(fd) {}
        Lock(Lock &&other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
        Lock &operator=(Lock &&other) noexcept;
        ~Lock();
        bool held() const { return fd_ >= 0; }

    private:
        int fd_ = -1;
    };
    // Not held when another process holds it (`busy`) or when the lock file
    // cannot be made (the cache is not usable).
    [[nodiscard]] Lock try_lock(const std::string &key, bool *busy = nullptr) const;
    // Waits for another process's lock until `deadline`; not held if it
    // did not come.
    Lock lock(const std::string &key, TimePoint deadline, const Clock &clock) const;

    // What the time of a file beside an entry records, for every process:
    // when a call last used it (so the refresh threads know which routes
    // are in use), when refreshing it ahead last failed.
    enum class Stamp { wanted, refresh_failed };
    // Best effort, as the entries.
    void stamp(const std::string &key, Stamp what, long long now) const;
    std::optional<long long> stamped_at(const std::string &key, Stamp what) const;
    // A call used the entry at `now`: stamped when no stamp of it is
    // younger than `every` seconds, so the calls of a busy line, and CGI
    // runs, which remember nothing, write it seldom.
    void mark_wanted(const std::string &key, long long now, long long every) const;

private:
    std::string path_of(const std::string &key) const;
    std::string dir_;
    mutable std::mutex memo_mutex_;  // contact methods are looked up from several threads
    mutable std::map<std::string, Entry> memo_;
    mutable std::map<std::string, long long> marked_;  // by memo_mutex_
    mutable std::map<std::string, long long> failed_;  // this process's refresh failures, by memo_mutex_
};

}  // namespace pdcf
