#include "core/journal.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/limits.hpp"
#include "core/own_dir.hpp"

namespace pdcf {

namespace {

// A rotation by another process between our open() and flock() makes us
// open again; more than a few in a row is no longer a race.
constexpr int max_reopen = 4;

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd()
    {
        if (fd_ >= 0) close(fd_);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

std::string why(const std::string &path, const char *what) { return path + ": " + what + ": " + std::strerror(errno); }

}  // namespace

Result<void> Journal::append(std::string_view record) const
{
    if (record.size() > limits::max_history_record || record.find('\n') != std::string_view::npos)
        return fail("a record longer than " + std::to_string(limits::max_history_record) + " bytes, or of two lines");
    for (int attempt = 0; attempt < max_reopen; ++attempt) {
        Fd fd(::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600));
        if (fd.get() < 0) return fail(why(path_, "open"));
        struct stat st{};
        if (fstat(fd.get(), &st) != 0 || !own_file(path_, st))
            return fail(path_ + ": not a regular file of this user");
        if (flock(fd.get(), LOCK_EX) != 0) return fail(why(path_, "flock"));
        // The file may have been rotated away since it was opened.
        struct stat now{};
        if (stat(path_.c_str(), &now) != 0 || now.st_ino != st.st_ino || now.st_dev != st.st_dev) continue;
        if (fstat(fd.get(), &st) != 0) return fail(why(path_, "fstat"));
        const auto size = static_cast<std::size_t>(st.st_size);
        if (size > 0 && size + record.size() + 1 > max_ / 2) {
            if (rename(path_.c_str(), (path_ + ".1").c_str()) != 0) return fail(why(path_, "rename"));
            continue;  // and the next open makes a new one
        }
        std::string line;
        char last = '\n';
        // A record a crash cut short (no newline) ends here, not in ours.
        if (size > 0 && pread(fd.get(), &last, 1, st.st_size - 1) != 1) return fail(why(path_, "read"));
        if (last != '\n') line += '\n';
        line.append(record).push_back('\n');
        const ssize_t n = write(fd.get(), line.data(), line.size());
        if (n != static_cast<ssize_t>(line.size())) return fail(n < 0 ? why(path_, "write") : path_ + ": short write");
        return {};
    }
    return fail(path_ + ": rotated by others " + std::to_string(max_reopen) + " times in a row");
}

void Journal::each(const std::function<void(std::string_view)> &visit) const
{
    for (const std::string &file : {path_ + ".1", path_}) {
        // Only a file of this user: another's could say anything.
        struct stat st{};
        if (lstat(file.c_str(), &st) != 0 || !own_file(file, st)) continue;
        std::ifstream in(file, std::ios::binary);
        // A line is at most a record; a longer one (the file was not
        // written by append) is passed over, never held whole.
        std::string line;
        bool too_long = false;
        char buf[8192];
        while (in.read(buf, sizeof buf) || in.gcount() > 0) {
            for (std::streamsize i = 0; i < in.gcount(); ++i) {
                if (buf[i] != '\n') {
                    if (line.size() < limits::max_history_record) line += buf[i];
                    else too_long = true;
                    continue;
                }
                if (!too_long && !line.empty()) visit(line);
                line.clear();
                too_long = false;
            }
        }
    }
}

}  // namespace pdcf
