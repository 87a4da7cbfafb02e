#include <boost/test/unit_test.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cache_support.hpp"
#include "core/limits.hpp"
#include "core/own_dir.hpp"
#include "pagerduty/oncall.hpp"
#include "pagerduty/retry.hpp"

using namespace pdcf;
using namespace pdcf::cache_tests;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(cache)

BOOST_AUTO_TEST_CASE(entry_size_limit_at_and_over)
{
    TempDir d;
    Cache cache(d.path);
    BOOST_REQUIRE(bool(cache.prepare()));
    auto put = [&](const std::string &key, std::size_t size) {
        std::string text = R"({"fetched_at": 1, "fresh_until": 2000000000, "value": "[]"})";
        text.resize(size, ' ');  // JSON allows trailing white space
        std::FILE *f = std::fopen((d.path + "/" + key + ".json").c_str(), "wb");
        BOOST_REQUIRE(f);
        std::fwrite(text.data(), 1, text.size(), f);
        std::fclose(f);
    };
    put("at", limits::max_cache_entry);
    put("over", limits::max_cache_entry + 1);
    BOOST_TEST(cache.read("at", 1000).has_value());
    BOOST_TEST(!cache.read("over", 1000).has_value());
}

BOOST_AUTO_TEST_CASE(entries_are_written_whole_and_private)
{
    Fixture f;
    f.cache.write("k", {"[1, 2]", 10, 20});
    auto e = f.cache.read("k", 0);
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST(e->value == "[1, 2]");
    BOOST_TEST(e->fetched_at == 10);
    BOOST_TEST(e->fresh_until == 20);
    struct stat st;
    BOOST_REQUIRE(stat((f.dir.path + "/cache").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0700u);
    BOOST_REQUIRE(stat((f.dir.path + "/cache/k.json").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0600u);
    BOOST_TEST(!f.cache.read("missing", 0));
    f.cache.write("../escape", {"x", 1, 2});
    BOOST_TEST(access((f.dir.path + "/escape.json").c_str(), F_OK) != 0);
}

BOOST_AUTO_TEST_CASE(a_reader_never_sees_half_an_entry)
{
    // Another process's view: a Cache of its own over the same directory,
    // reading while this one rewrites the entry with ever longer values.
    Fixture f;
    Cache other(f.dir.path + "/cache");
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int i = 0; i < 2000; ++i)
            f.cache.write("k", {"[" + std::string(static_cast<std::size_t>(i % 300), '1') + "]", i, i});
        done = true;
    });
    int seen = 0, torn = 0;
    while (!done) {
        // A time past every fresh_until: never from memory, always the file.
        if (auto e = other.read("k", 1LL << 40)) {
            ++seen;
            if (e->value.front() != '[' || e->value.back() != ']') ++torn;
        }
    }
    writer.join();
    BOOST_TEST(seen > 0);
    BOOST_TEST(torn == 0);
}

BOOST_AUTO_TEST_CASE(a_planted_link_is_neither_read_nor_written_through)
{
    Fixture f;
    own_dir_take_notes();
    const std::string cache = f.dir.path + "/cache/";
    const std::string elsewhere = f.dir.path + "/elsewhere.json";
    plant(elsewhere, mallory_oncalls, f.now, f.now + 60);
    plant(cache + "phone-methods-PU9.json", mallory_phones, f.now, f.now + 3600);
    BOOST_REQUIRE(symlink(elsewhere.c_str(), (cache + "oncalls-escalation_policy-PEP1.json").c_str()) == 0);
    // Where a lock and a temporary file were once made: a link there
    // would have created or overwritten its target.
    const std::string victim = f.dir.path + "/victim";
    std::ofstream(victim) << "precious";
    BOOST_REQUIRE(symlink((f.dir.path + "/created").c_str(), (cache + "oncalls-escalation_policy-PEP1.lock").c_str()) == 0);
    const std::string tmp = cache + "phone-methods-PU1.json.tmp." + std::to_string(getpid());
    BOOST_REQUIRE(symlink(victim.c_str(), tmp.c_str()) == 0);

    Snapshot s = f.ask();
    BOOST_TEST(f.dialed(s) == std::vector<std::string>{"+14155550101"});
    BOOST_TEST((s.source == Source::pagerduty));
    BOOST_TEST(access((f.dir.path + "/created").c_str(), F_OK) != 0);
    std::string kept;
    std::ifstream in(victim);
    std::getline(in, kept);
    BOOST_TEST(kept == "precious");
    std::string notes;
    for (const auto &n : own_dir_take_notes()) notes += n + "\n";
    BOOST_TEST(notes.find(cache + "oncalls-escalation_policy-PEP1.json: a symbolic link") != std::string::npos, notes);
}

BOOST_AUTO_TEST_CASE(an_entry_of_another_user_is_ignored)
{
    if (geteuid() != 0) {
        BOOST_TEST_MESSAGE("not root: cannot give a file away; skipped");
        return;
    }
    Fixture f;
    own_dir_take_notes();
    const std::string oncalls = f.dir.path + "/cache/oncalls-escalation_policy-PEP1.json";
    plant(oncalls, mallory_oncalls, f.now, f.now + 60);
    plant(f.dir.path + "/cache/phone-methods-PU9.json", mallory_phones, f.now, f.now + 3600);
    BOOST_REQUIRE(chown(oncalls.c_str(), 65534, 65534) == 0);
    f.fake.replies["/oncalls"] = {503, "", "", -1};
    // Neither fresh nor standing in when PagerDuty fails.
    Snapshot s = f.ask();
    BOOST_TEST(f.dialed(s).empty());
    std::string notes;
    for (const auto &n : own_dir_take_notes()) notes += n + "\n";
    BOOST_TEST(notes.find(oncalls + ": it belongs to ") != std::string::npos, notes);
}

BOOST_AUTO_TEST_SUITE_END()
