#include "own_dir.hpp"

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include "limits.hpp"
#include "log.hpp"
#include "small_file.hpp"

namespace pdcf {

namespace {

// "www-data", or "1234" for a user without a name here.
std::string name_of(uid_t uid)
{
    struct passwd pw, *found = nullptr;
    char buf[1024];
    if (getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found) return found->pw_name;
    return std::to_string(uid);
}

// "www-data (uid 33)", or "uid 1234".
std::string who(uid_t uid)
{
    std::string name = name_of(uid);
    return name == std::to_string(uid) ? "uid " + name : name + " (uid " + std::to_string(uid) + ")";
}

std::mutex notes_mutex;
std::set<std::string> noted;
std::vector<std::string> notes;

void note(const std::string &path, const std::string &why)
{
    std::lock_guard<std::mutex> lock(notes_mutex);
    if (noted.size() >= limits::max_noted_entries || !noted.insert(path).second) return;
    // The name may be anybody's choice: escaped, so it cannot forge a line.
    notes.push_back("ignored " + logfmt_value(path) + ": " + why +
                    "; only the program's own regular files are read there: remove it");
}

}  // namespace

bool own_file(const std::string &path, const struct stat &st)
{
    if (S_ISLNK(st.st_mode)) {
        note(path, "a symbolic link");
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        note(path, "not a regular file");
        return false;
    }
    if (st.st_uid != geteuid()) {
        note(path, "it belongs to " + who(st.st_uid) + ", not to " + who(geteuid()) + ", who runs this");
        return false;
    }
    return true;
}

std::optional<std::string> own_file_read(const std::string &path, std::size_t limit, std::string &error)
{
    int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        error = std::strerror(errno);
        struct stat st;
        if (errno == ELOOP && lstat(path.c_str(), &st) == 0) own_file(path, st);
        return std::nullopt;
    }
    struct stat st;
    std::optional<std::string> content;
    if (fstat(fd, &st) != 0)
        error = std::strerror(errno);
    else if (!own_file(path, st))
        error = "not the program's own file";
    else
        content = read_small_fd(fd, limit, error);
    close(fd);
    return content;
}

std::vector<std::string> own_dir_take_notes()
{
    std::lock_guard<std::mutex> lock(notes_mutex);
    std::vector<std::string> out;
    out.swap(notes);
    return out;
}

}  // namespace pdcf
