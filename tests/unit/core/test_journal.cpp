#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/journal.hpp"
#include "core/limits.hpp"
#include "core/own_dir.hpp"
#include "files.hpp"

using namespace pdcf;

namespace {

std::vector<std::string> all(const Journal &j)
{
    std::vector<std::string> out;
    j.each([&](std::string_view r) { out.emplace_back(r); });
    return out;
}

off_t size_of(const std::string &path)
{
    struct stat st{};
    return stat(path.c_str(), &st) == 0 ? st.st_size : 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(journal)

BOOST_AUTO_TEST_CASE(records_come_back_in_order)
{
    TempDir d;
    Journal j(d.path + "/calls", limits::min_history);
    BOOST_REQUIRE(bool(j.append("one")));
    BOOST_REQUIRE(bool(j.append("two")));
    BOOST_TEST(all(j) == (std::vector<std::string>{"one", "two"}));
    struct stat st{};
    BOOST_REQUIRE(stat((d.path + "/calls").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0600u);
}

BOOST_AUTO_TEST_CASE(refuses_a_record_of_two_lines_or_too_long)
{
    TempDir d;
    Journal j(d.path + "/calls", limits::min_history);
    BOOST_TEST(!bool(j.append("a\nb")));
    BOOST_TEST(!bool(j.append(std::string(limits::max_history_record + 1, 'x'))));
    BOOST_TEST(bool(j.append(std::string(limits::max_history_record, 'x'))));
}

BOOST_AUTO_TEST_CASE(rotates_and_never_passes_its_size)
{
    TempDir d;
    const std::string path = d.path + "/calls";
    Journal j(path, limits::min_history);
    for (int i = 0; i < 5000; ++i) {
        BOOST_REQUIRE(bool(j.append("record " + std::to_string(i) + " " + std::string(60, 'x'))));
        BOOST_REQUIRE(size_of(path) + size_of(path + ".1") <= static_cast<off_t>(limits::min_history));
    }
    auto records = all(j);
    BOOST_TEST(!records.empty());
    BOOST_TEST(records.back().rfind("record 4999 ", 0) == 0);
    // Oldest first, none missing within what is kept.
    int first = std::stoi(records.front().substr(7));
    for (std::size_t i = 0; i < records.size(); ++i)
        BOOST_TEST(records[i].rfind("record " + std::to_string(first + static_cast<int>(i)) + " ", 0) == 0);
}

BOOST_AUTO_TEST_CASE(a_line_longer_than_a_record_is_passed_over)
{
    TempDir d;
    const std::string path = d.path + "/calls";
    std::ofstream(path) << "before\n" << std::string(limits::max_history_record + 1, 'x') << "\n"
                        << std::string(limits::max_history_record, 'y') << "\nafter\n";
    chmod(path.c_str(), 0600);
    Journal j(path, limits::min_history);
    BOOST_TEST(all(j) == (std::vector<std::string>{"before", std::string(limits::max_history_record, 'y'), "after"}));
}

BOOST_AUTO_TEST_CASE(a_record_cut_short_is_not_glued_to_the_next)
{
    TempDir d;
    const std::string path = d.path + "/calls";
    std::ofstream(path) << "whole\n{\"cut";
    chmod(path.c_str(), 0600);
    Journal j(path, limits::min_history);
    BOOST_REQUIRE(bool(j.append("next")));
    BOOST_TEST(all(j) == (std::vector<std::string>{"whole", "{\"cut", "next"}));
}

namespace {

// Four processes append 1500 records each to a journal of `max` bytes;
// what it keeps is checked, and returned.
std::vector<std::string> appended_at_once(std::size_t max)
{
    TempDir d;
    const std::string path = d.path + "/calls";
    constexpr int writers = 4, each = 1500;
    std::vector<pid_t> pids;
    for (int w = 0; w < writers; ++w) {
        pid_t pid = fork();
        if (pid == 0) {
            Journal j(path, max);
            bool ok = true;
            for (int i = 0; i < each; ++i)
                ok = ok && bool(j.append("w" + std::to_string(w) + " " + std::to_string(i) + " " + std::string(100, 'y')));
            _exit(ok ? 0 : 1);
        }
        pids.push_back(pid);
    }
    for (pid_t pid : pids) {
        int status = 0;
        waitpid(pid, &status, 0);
        BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }
    Journal j(path, max);
    auto records = all(j);
    BOOST_TEST(size_of(path) + size_of(path + ".1") <= static_cast<off_t>(max));
    std::set<std::string> seen;
    for (const auto &r : records) {
        // Each line is one whole record: its writer, its number, its tail.
        BOOST_TEST(r.size() > 100u);
        BOOST_TEST(r.substr(r.size() - 100) == std::string(100, 'y'));
        BOOST_TEST(seen.insert(r).second);
    }
    // Each writer's records in the order it wrote them.
    std::vector<int> last(writers, -1);
    for (const auto &r : records) {
        int w = r[1] - '0';
        int i = std::stoi(r.substr(3));
        BOOST_TEST(i > last[static_cast<std::size_t>(w)]);
        last[static_cast<std::size_t>(w)] = i;
    }
    return records;
}

}  // namespace

BOOST_AUTO_TEST_CASE(processes_appending_at_once_write_whole_lines)
{
    // Room for all: every record is there.
    BOOST_TEST(appended_at_once(limits::min_history * 16).size() == 6000u);
}

BOOST_AUTO_TEST_CASE(processes_rotating_at_once_keep_whole_lines_within_the_size)
{
    // Room for a sixth: rotated many times over, by whoever came first.
    auto kept = appended_at_once(limits::min_history * 2);
    BOOST_TEST(kept.size() > 500u);
    BOOST_TEST(kept.size() < 6000u);
}

BOOST_AUTO_TEST_CASE(another_users_file_is_neither_written_nor_read)
{
    TempDir d;
    const std::string path = d.path + "/calls";
    BOOST_REQUIRE(symlink("/etc/passwd", path.c_str()) == 0);
    Journal j(path, limits::min_history);
    BOOST_TEST(!bool(j.append("x")));
    BOOST_TEST(all(j).empty());
    own_dir_take_notes();
}

BOOST_AUTO_TEST_SUITE_END()
