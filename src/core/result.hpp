// The one way a step that can fail reports it: a Result holds the value,
// or the reason there is none, in words that say what to do ("larger than
// 65536 bytes", "GET /oncalls: HTTP 401 (Unauthorized): check [pagerduty]
// token").  The type is [[nodiscard]], so a result ignored is a compile
// error under -Werror, never a failure nobody hears of.
//
// Answers that stay useful when something failed are not Results: they
// carry what they have and a problem for the log beside it.  A Snapshot
// keeps the levels it found; an on-call answer the cache stood in for keeps
// its age; an HTTP reply's status 0 ("no HTTP answer") is one status among
// others, which retries, the breaker and the log treat as they treat a 503.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace pdcf {

// A failure's reason, on its way into a Result: `return fail("why");`.
struct Failure {
    std::string why;
};
inline Failure fail(std::string why) { return {std::move(why)}; }

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : value_(std::move(value)) {}
    Result(Failure f) : error_(std::move(f.why)) {}

    explicit operator bool() const { return value_.has_value(); }
    T &operator*() & { return *value_; }
    const T &operator*() const & { return *value_; }
    T &&operator*() && { return std::move(*value_); }
    T *operator->() { return &*value_; }
    const T *operator->() const { return &*value_; }
    T value_or(T other) const & { return value_ ? *value_ : std::move(other); }
    // From a Result about to go (a file just read): the value moves out,
    // not copied.
    T value_or(T other) && { return value_ ? std::move(*value_) : std::move(other); }
    // Why there is no value; empty when there is one.
    const std::string &error() const { return error_; }

private:
    std::optional<T> value_;
    std::string error_;
};

// A step with nothing to give back but success.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Failure f) : failed_(true), error_(std::move(f.why)) {}

    explicit operator bool() const { return !failed_; }
    const std::string &error() const { return error_; }

private:
    bool failed_ = false;
    std::string error_;
};

}  // namespace pdcf
