#include "core/small_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pdcf {

namespace {

// What a read starts with when the file's size is not known (a pipe).
constexpr std::size_t min_read_room = 4096;

// One byte past the limit tells "at the limit" from "over it".
Result<std::string> within(std::string content, std::size_t limit)
{
    if (content.size() > limit) return fail("larger than " + std::to_string(limit) + " bytes");
    return content;
}

}  // namespace

Result<std::string> read_small_file(const std::string &path, std::size_t limit)
{
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(std::strerror(errno));
    auto content = read_small_fd(fd, limit);
    close(fd);
    return content;
}

Result<std::string> read_small_fd(int fd, std::size_t limit)
{
    // Room for what the file holds and one byte more, which tells "at the
    // limit" from "over it" and catches a file that grows meanwhile; the
    // limit only caps it.  A cache entry of a few KiB read on every call
    // must not cost a buffer of the whole limit, written over and given
    // back each time.
    std::size_t room = min_read_room;
    struct stat st {};
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0)
        room = std::max<std::size_t>(room, static_cast<std::size_t>(st.st_size) + 1);
    std::string content;
    std::size_t got = 0;
    for (;;) {
        if (got == content.size()) {
            if (content.size() > limit) break;  // a byte past the limit: over it
            content.resize(std::min(limit + 1, std::max(room, content.size() * 2)));
        }
        ssize_t n = read(fd, content.data() + got, content.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(std::strerror(errno));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    content.resize(got);
    return within(std::move(content), limit);
}

Result<void> write_whole_file(const std::string &dir, const std::string &name, std::string_view content,
                             std::optional<struct timespec> mtime)
{
    auto failed = [](const char *what, const std::string &path) {
        return fail(std::string(what) + " " + path + ": " + std::strerror(errno));
    };
    std::string tmp = dir + "/.tmp." + name + ".XXXXXX";
    int fd = mkostemp(tmp.data(), O_CLOEXEC);
    if (fd < 0) return failed("cannot create", tmp);
    bool written = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    if (written && mtime) {
        const struct timespec times[2] = {*mtime, *mtime};
        written = futimens(fd, times) == 0;
    }
    written = written && fsync(fd) == 0;
    Result<void> done = written ? Result<void>() : failed("cannot write", tmp);
    close(fd);
    if (written && rename(tmp.c_str(), (dir + "/" + name).c_str()) != 0)
        done = failed("cannot rename into", dir + "/" + name);
    if (!done) unlink(tmp.c_str());
    return done;
}

}  // namespace pdcf
