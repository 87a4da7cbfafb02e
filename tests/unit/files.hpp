// Test helpers for files: a temporary directory removed afterwards, what
// a FILE* got, and comparison with a golden file.
#pragma once

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

// A fresh directory under /tmp, removed with everything in it.
struct TempDir {
    std::string path;
    TempDir()
    {
        char tmpl[] = "/tmp/pdcf-test-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
};

// What a FILE* got, as a string.
struct Captured {
    char *text = nullptr;
    std::size_t size = 0;
    std::FILE *file = open_memstream(&text, &size);
    ~Captured()
    {
        if (file) std::fclose(file);
        std::free(text);
    }
    std::string str()
    {
        std::fflush(file);
        return std::string(text, size);
    }
};

// Compares with tests/golden/NAME ($PDCF_GOLDEN_DIR/NAME); with
// PDCF_UPDATE_GOLDEN=1 it rewrites the file instead.
inline void check_golden(const std::string &name, const std::string &actual)
{
    const char *dir_env = std::getenv("PDCF_GOLDEN_DIR");
    std::string path = std::string(dir_env ? dir_env : "tests/golden") + "/" + name;
    if (std::getenv("PDCF_UPDATE_GOLDEN")) std::ofstream(path) << actual;
    std::ifstream in(path);
    BOOST_TEST_REQUIRE(static_cast<bool>(in), "missing golden file " << path);
    std::stringstream expected;
    expected << in.rdbuf();
    BOOST_TEST(actual == expected.str(), "differs from " << path);
}
