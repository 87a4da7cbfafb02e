#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "core/small_file.hpp"
#include "files.hpp"

using namespace pdcf;

namespace {

std::string write_file(const TempDir &dir, const std::string &name, const std::string &content)
{
    const std::string path = dir.path + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(small_file)

BOOST_AUTO_TEST_CASE(a_file_at_the_limit_is_read_and_one_over_it_refused)
{
    TempDir dir;
    BOOST_TEST(read_small_file(write_file(dir, "at", std::string(100, 'x')), 100)->size() == 100u);
    auto over = read_small_file(write_file(dir, "over", std::string(101, 'x')), 100);
    BOOST_TEST(!over);
    BOOST_TEST(over.error() == "larger than 100 bytes");
    BOOST_TEST(read_small_file(write_file(dir, "empty", ""), 100)->empty());
}

BOOST_AUTO_TEST_CASE(a_missing_file_says_why)
{
    TempDir dir;
    auto none = read_small_file(dir.path + "/none", 100);
    BOOST_TEST(!none);
    BOOST_TEST(none.error() == "No such file or directory");
}

BOOST_AUTO_TEST_CASE(a_small_file_costs_no_buffer_of_the_whole_limit)
{
    // A cache entry is read on every call with a limit of a megabyte: the
    // buffer follows the file, not the limit.
    TempDir dir;
    auto content = read_small_file(write_file(dir, "entry", std::string(300, 'x')), 1024 * 1024);
    BOOST_TEST(content->size() == 300u);
    BOOST_TEST(content->capacity() < 64u * 1024);
}

BOOST_AUTO_TEST_CASE(a_pipe_of_unknown_size_is_read_whole_and_held_to_the_limit)
{
    for (std::size_t size : {10u, 5000u, 70000u}) {
        int fds[2];
        BOOST_REQUIRE(pipe(fds) == 0);
        std::thread writer([&] {
            std::string data(size, 'y');
            for (std::size_t done = 0; done < data.size();) {
                ssize_t n = write(fds[1], data.data() + done, data.size() - done);
                if (n <= 0) break;
                done += static_cast<std::size_t>(n);
            }
            close(fds[1]);
        });
            auto whole = read_small_fd(fds[0], 70000);
        writer.join();
        close(fds[0]);
        BOOST_TEST(whole->size() == size);
    }
    int fds[2];
    BOOST_REQUIRE(pipe(fds) == 0);
    BOOST_REQUIRE(write(fds[1], "0123456789", 10) == 10);
    close(fds[1]);
    auto over = read_small_fd(fds[0], 9);
    BOOST_TEST(!over);
    BOOST_TEST(over.error() == "larger than 9 bytes");
    close(fds[0]);
}

BOOST_AUTO_TEST_CASE(a_whole_write_replaces_the_file_with_its_time_and_leaves_nothing_else)
{
    TempDir dir;
    const std::string path = write_file(dir, "entry", "old");
    const std::string victim = write_file(dir, "victim", "precious");
    BOOST_REQUIRE(symlink(victim.c_str(), (dir.path + "/link").c_str()) == 0);
    BOOST_TEST(bool(write_whole_file(dir.path, "entry", "new", timespec{1'800'000'000, 0})));
    // A link in the name's place is replaced, never written through.
    BOOST_TEST(bool(write_whole_file(dir.path, "link", "mine")));
    BOOST_TEST(read_small_file(path, 100).value_or("?") == "new");
    BOOST_TEST(read_small_file(victim, 100).value_or("?") == "precious");
    struct stat st {};
    BOOST_TEST(lstat((dir.path + "/link").c_str(), &st) == 0);
    BOOST_TEST(S_ISREG(st.st_mode));
    BOOST_TEST(stat(path.c_str(), &st) == 0);
    BOOST_TEST(st.st_mtime == 1'800'000'000);
    // Nothing else is left in the directory: no temporary file.
    int entries = 0;
    for (const char *name : {"entry", "victim", "link"}) entries += access((dir.path + "/" + name).c_str(), F_OK) == 0;
    BOOST_TEST(entries == 3);
    BOOST_TEST(std::system(("test $(ls -A '" + dir.path + "' | wc -l) -eq 3").c_str()) == 0);
}

BOOST_AUTO_TEST_CASE(a_whole_write_that_cannot_be_made_says_where)
{
    auto written = write_whole_file("/nonexistent-dir", "entry", "x");
    BOOST_TEST(!written);
    const std::string problem = written.error();
    BOOST_TEST(problem.find("cannot create /nonexistent-dir/.tmp.entry.") == 0u, problem);
}

BOOST_AUTO_TEST_SUITE_END()
