#include "core/counters.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ascii.hpp"
#include "core/limits.hpp"
#include "core/own_dir.hpp"

namespace pdcf {

namespace {

// The file's layout.  Another layout (a later version) is not used: its
// name would change with it.
constexpr std::uint32_t layout_magic = 0x4d434450;  // "PDCM"
constexpr std::uint32_t layout_version = 1;

struct Header {
    std::uint32_t magic;
    std::uint32_t version;
    std::uint32_t slots;
    std::uint32_t slot_size;
    std::uint64_t dropped;  // series not counted (too long, or no slot left)
    char pad[40];
};

enum : std::uint32_t { slot_empty = 0, slot_writing = 1, slot_ready = 2 };

struct Slot {
    std::uint32_t state;
    std::uint32_t length;
    std::uint64_t value;
    char name[limits::max_series_name + 1];
};

static_assert(sizeof(Header) == 64 && sizeof(Slot) == 256, "the file's layout");

constexpr std::size_t file_size = sizeof(Header) + limits::max_series * sizeof(Slot);

// A slot another process is writing is waited for this many turns; one
// that is still being written after it (its process died in the few
// instructions between), is passed over: the series goes to another slot,
// and snapshot() sums the two.
constexpr int writing_patience = 64;

Header *header_of(void *base) { return static_cast<Header *>(base); }
Slot *slots_of(void *base) { return reinterpret_cast<Slot *>(static_cast<char *>(base) + sizeof(Header)); }

// Under the file's lock: a new (empty) file gets its size and header; an
// existing one must have them.  "" when it may be mapped.
std::string settle(int fd)
{
    struct stat st{};
    if (fstat(fd, &st) != 0) return std::strerror(errno);
    if (st.st_size == 0) {
        // Written out, not made sparse: a page first touched through the
        // mapping on a full disk would kill the process (SIGBUS) in the
        // middle of a call.  Here a full disk is an error said at start.
        static const char zeros[sizeof(Slot) * 16] = {};
        for (std::size_t at = 0; at < file_size; at += sizeof zeros) {
            const std::size_t n = std::min(sizeof zeros, file_size - at);
            errno = 0;
            if (pwrite(fd, zeros, n, static_cast<off_t>(at)) != static_cast<ssize_t>(n)) {
                const std::string why = errno ? std::strerror(errno) : "short write";
                if (ftruncate(fd, 0) != 0) {}  // so the next start tries again
                return why;
            }
        }
        Header h{layout_magic, layout_version, limits::max_series, sizeof(Slot), 0, {}};
        if (pwrite(fd, &h, sizeof h, 0) != sizeof h) return std::strerror(errno);
        return "";
    }
    Header h{};
    if (static_cast<std::size_t>(st.st_size) != file_size || pread(fd, &h, sizeof h, 0) != sizeof h ||
        h.magic != layout_magic || h.version != layout_version || h.slots != limits::max_series ||
        h.slot_size != sizeof(Slot))
        return "not a counters file of this version; remove it, and the counters start again from zero";
    return "";
}

}  // namespace

Counters::Counters(Counters &&other) noexcept
    : base_(std::exchange(other.base_, nullptr)), size_(other.size_), problem_(std::move(other.problem_))
{
}

Counters &Counters::operator=(Counters &&other) noexcept
{
    if (this != &other) {
        if (base_) munmap(base_, size_);
        base_ = std::exchange(other.base_, nullptr);
        size_ = other.size_;
        problem_ = std::move(other.problem_);
    }
    return *this;
}

Counters::~Counters()
{
    if (base_) munmap(base_, size_);
}

Counters Counters::open(const std::string &path)
{
    Counters c;
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
    if (fd < 0) {
        c.problem_ = path + ": " + std::strerror(errno);
        return c;
    }
    struct stat st{};
    std::string problem;
    if (fstat(fd, &st) != 0 || !own_file(path, st))
        problem = "not a regular file of this user";
    else if (flock(fd, LOCK_EX) != 0)
        problem = std::strerror(errno);
    else
        problem = settle(fd);
    if (problem.empty()) {
        void *base = mmap(nullptr, file_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (base == MAP_FAILED)
            problem = std::strerror(errno);
        else
            c.base_ = base, c.size_ = file_size;
    }
    // Unlocked by hand: the mapping keeps the open file, and its flock()
    // with it, past close().
    flock(fd, LOCK_UN);
    close(fd);
    if (!problem.empty()) c.problem_ = path + ": " + problem;
    return c;
}

void Counters::add(std::string_view series, std::uint64_t n) const
{
    if (!base_) return;
    Header *h = header_of(base_);
    if (series.empty() || series.size() > limits::max_series_name) {
        __atomic_fetch_add(&h->dropped, n, __ATOMIC_RELAXED);
        return;
    }
    Slot *slots = slots_of(base_);
    const std::size_t start = fnv1a(series) % limits::max_series;
    for (std::size_t i = 0; i < limits::max_series; ++i) {
        Slot &s = slots[(start + i) % limits::max_series];
        std::uint32_t state = __atomic_load_n(&s.state, __ATOMIC_ACQUIRE);
        if (state == slot_empty) {
            if (__atomic_compare_exchange_n(&s.state, &state, slot_writing, false, __ATOMIC_ACQ_REL,
                                            __ATOMIC_ACQUIRE)) {
                std::memcpy(s.name, series.data(), series.size());
                s.length = static_cast<std::uint32_t>(series.size());
                __atomic_fetch_add(&s.value, n, __ATOMIC_RELAXED);
                __atomic_store_n(&s.state, slot_ready, __ATOMIC_RELEASE);
                return;
            }
        }
        for (int turn = 0; state == slot_writing && turn < writing_patience; ++turn) {
            sched_yield();
            state = __atomic_load_n(&s.state, __ATOMIC_ACQUIRE);
        }
        if (state == slot_ready && s.length == series.size() && std::memcmp(s.name, series.data(), series.size()) == 0) {
            __atomic_fetch_add(&s.value, n, __ATOMIC_RELAXED);
            return;
        }
    }
    __atomic_fetch_add(&h->dropped, n, __ATOMIC_RELAXED);
}

std::vector<std::pair<std::string, std::uint64_t>> Counters::snapshot() const
{
    std::map<std::string, std::uint64_t> sums;
    if (base_) {
        const Slot *slots = slots_of(base_);
        for (std::size_t i = 0; i < limits::max_series; ++i) {
            const Slot &s = slots[i];
            if (__atomic_load_n(&s.state, __ATOMIC_ACQUIRE) != slot_ready) continue;
            // Written by processes of this user only (the file is theirs);
            // still, a length is never believed past the slot.
            const std::size_t length = std::min<std::size_t>(s.length, limits::max_series_name);
            std::string name(s.name, length);
            // Never a line of its own in /metrics, whatever the file says.
            if (std::any_of(name.begin(), name.end(), [](char c) { return c < 0x20 || c > 0x7e; })) continue;
            sums[name] += __atomic_load_n(&s.value, __ATOMIC_RELAXED);
        }
    }
    return {sums.begin(), sums.end()};
}

std::uint64_t Counters::dropped() const
{
    return base_ ? __atomic_load_n(&header_of(base_)->dropped, __ATOMIC_RELAXED) : 0;
}

}  // namespace pdcf
