// Counters shared by every process that serves one spool_dir: the workers
// of a FastCGI pool, CGI runs, --flush.  One small file, mapped into each
// process (MAP_SHARED), a slot per series, added to with atomic
// instructions: no lock on the way of a call, and /metrics, reading the
// same file, shows the sum over every process, as Prometheus expects of
// a counter (it starts again from zero only when the file goes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pdcf {

class Counters {
public:
    Counters() = default;  // counts nothing
    Counters(Counters &&other) noexcept;
    Counters &operator=(Counters &&other) noexcept;
    Counters(const Counters &) = delete;
    Counters &operator=(const Counters &) = delete;
    ~Counters();

    // Maps `path` (a regular file of this process's user, made when
    // missing, mode 0600).  One that cannot be used counts nothing, and
    // problem() says why.
    static Counters open(const std::string &path);

    // Adds `n` to the series, a Prometheus series name with its labels
    // ("x_total{a=\"b\"}").  One longer than limits::max_series_name, or
    // past limits::max_series, is not counted but counted as dropped.
    void add(std::string_view series, std::uint64_t n = 1) const;

    // Every series and its value, by name; a series two processes made at
    // once may have two slots, and is summed.
    std::vector<std::pair<std::string, std::uint64_t>> snapshot() const;
    std::uint64_t dropped() const;

    bool usable() const { return base_ != nullptr; }
    const std::string &problem() const { return problem_; }

private:
    void *base_ = nullptr;
    std::size_t size_ = 0;
    std::string problem_;
};

}  // namespace pdcf
