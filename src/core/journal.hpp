// An append-only file of one-line records, kept to a size: `path` and,
// once it has reached half of `max_bytes`, its older half `path`.1, which
// the next rotation replaces.  Every process of a pool appends to it at
// once: each record is one write() under an flock(), after a rotation
// another process made is noticed, and a record a crash cut short is never
// glued to the next.  A reader sees whole lines only.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace pdcf {

class Journal {
public:
    Journal(std::string path, std::size_t max_bytes) : path_(std::move(path)), max_(max_bytes) {}

    // Appends `record` and a newline.  A record longer than
    // limits::max_history_record, or holding a newline, is refused.
    Result<void> append(std::string_view record) const;

    // Every record, oldest first: `path`.1, then `path`.
    void each(const std::function<void(std::string_view record)> &visit) const;

    const std::string &path() const { return path_; }

private:
    std::string path_;
    std::size_t max_;
};

}  // namespace pdcf
