#include "core/own_dir.hpp"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include "core/limits.hpp"
#include "core/log.hpp"
#include "core/small_file.hpp"

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

std::string mode_text(mode_t mode)
{
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

// Every directory above `path` ("/a/b/c": "/", "/a", "/a/b").
std::vector<std::string> above(const std::string &path)
{
    std::vector<std::string> out{"/"};
    for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1))
        out.push_back(path.substr(0, slash));
    return out;
}

// Whether nobody but root and `owner` can rename or remove what a directory
// holds: a sticky one lets others add entries, never touch ours.
bool guarded(const struct stat &st, uid_t owner)
{
    bool others_write = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    return (st.st_uid == 0 || st.st_uid == owner) && (!others_write || (st.st_mode & S_ISVTX));
}

OwnDir verdict(OwnDir::Verdict v, std::string problem) { return {v, std::move(problem)}; }

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

OwnDir own_dir_prepare(const std::string &dir)
{
    using V = OwnDir::Verdict;
    // 0700 asked for, and set again: a umask may have taken the owner's bits.
    if (mkdir(dir.c_str(), 0700) == 0)
        chmod(dir.c_str(), 0700);
    else if (errno != EEXIST)
        return verdict(V::unusable, "cannot create " + dir + ": " + std::strerror(errno));
    struct stat st;
    if (stat(dir.c_str(), &st) != 0) return verdict(V::unusable, "cannot use " + dir + ": " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode)) return verdict(V::unusable, dir + " is not a directory");
    const uid_t owner = st.st_uid;

    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return verdict(V::unsafe, dir + " can be written by " + (st.st_mode & S_IWOTH ? "every user" : "its group") +
                                      " (mode " + mode_text(st.st_mode) +
                                      "), who could leave entries there that send calls elsewhere or stop "
                                      "alerts; it is not used until it is its owner's alone: chmod 0700 " + dir);
    char resolved[PATH_MAX];
    if (!realpath(dir.c_str(), resolved)) return verdict(V::unusable, "cannot use " + dir + ": " + std::strerror(errno));
    std::vector<std::string> parents = above(dir);
    for (const auto &p : above(resolved)) parents.push_back(p);
    for (const auto &parent : parents) {
        struct stat up;
        if (stat(parent.c_str(), &up) != 0)
            return verdict(V::unusable, "cannot use " + parent + ": " + std::strerror(errno));
        if (guarded(up, owner)) continue;
        const std::string trusted = owner == 0 ? "root" : "root and " + who(owner);
        return verdict(V::unsafe, parent + ", above " + dir + ", can be changed by users other than " + trusted +
                                      " (owner " + who(up.st_uid) + ", mode " + mode_text(up.st_mode) +
                                      "), who could put a directory of their own in its place; it is not used "
                                      "until it is under directories only " + trusted + " can change (chmod go-w " +
                                      parent + ", or move it)");
    }
    const uid_t me = geteuid();
    if (owner != me)
        return verdict(V::not_ours, dir + " belongs to " + who(owner) + ", not to " + who(me) +
                                        ", who runs this, so this process does not use it; run as its owner, or "
                                        "make it this user's (chown " + name_of(me) + " " + dir + ")");
    if (access(dir.c_str(), W_OK | X_OK) != 0)
        return verdict(V::unusable, "cannot write to " + dir + ": " + std::strerror(errno));
    return {};
}

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

Result<std::string> own_file_read(const std::string &path, std::size_t limit)
{
    int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int why = errno;
        struct stat st;
        if (why == ELOOP && lstat(path.c_str(), &st) == 0) own_file(path, st);
        return fail(std::strerror(why));
    }
    struct stat st;
    Result<std::string> content = fail("not the program's own file");
    if (fstat(fd, &st) != 0)
        content = fail(std::strerror(errno));
    else if (own_file(path, st))
        content = read_small_fd(fd, limit);
    close(fd);
    return content;
}

Result<void> own_dirs_prepare(const std::string &dir, const std::vector<std::string> &subdirs, OwnDir *verdict)
{
    OwnDir judged = own_dir_prepare(dir);
    for (std::size_t i = 0; judged.usable() && i < subdirs.size(); ++i) {
        judged = own_dir_prepare(dir + "/" + subdirs[i]);
        if (judged.verdict == OwnDir::Verdict::not_ours) judged.verdict = OwnDir::Verdict::unsafe;
    }
    if (verdict) *verdict = judged;
    if (judged.usable()) return {};
    return fail(judged.problem);
}

std::vector<std::string> own_dir_take_notes()
{
    std::lock_guard<std::mutex> lock(notes_mutex);
    std::vector<std::string> out;
    out.swap(notes);
    return out;
}

}  // namespace pdcf
