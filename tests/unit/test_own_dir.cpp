#include <boost/test/unit_test.hpp>

#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include "files.hpp"
#include "own_dir.hpp"
#include "spool.hpp"

using namespace pdcf;

namespace {

bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

// What was noted, as one text.
std::string notes()
{
    std::string all;
    for (const auto &n : own_dir_take_notes()) all += n + "\n";
    return all;
}

// A user other than the one running the tests: "nobody".
constexpr uid_t other_user = 65534;

Alert voicemail(const std::string &sid)
{
    return {AlertKind::voicemail, sid, "RKEY", R"({"dedup_key":")" + sid + R"("})"};
}

// A flush pass that records what it would send.
std::vector<std::string> flushed(const Spool &spool)
{
    std::vector<std::string> sent;
    auto send = [&](const std::string &event, TimePoint) {
        sent.push_back(event);
        return SendResult{SendStatus::sent, "", 1};
    };
    Clock clock = [] { return std::chrono::steady_clock::now(); };
    spool.flush(send, clock, clock() + std::chrono::seconds(5));
    return sent;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(own_dir)

BOOST_AUTO_TEST_CASE(entries_are_read_only_when_they_are_its_own_regular_files)
{
    TempDir d;
    own_dir_take_notes();
    std::ofstream(d.path + "/ours") << "ours";
    std::ofstream(d.path + "/target") << "someone else's";
    BOOST_REQUIRE(symlink((d.path + "/target").c_str(), (d.path + "/link").c_str()) == 0);
    BOOST_REQUIRE(mkfifo((d.path + "/fifo").c_str(), 0600) == 0);
    std::string error;
    BOOST_TEST(own_file_read(d.path + "/ours", 100, error).value_or("") == "ours");
    BOOST_TEST(!own_file_read(d.path + "/link", 100, error));
    // A FIFO nobody writes to would block a reader for ever.
    BOOST_TEST(!own_file_read(d.path + "/fifo", 100, error));
    BOOST_TEST(!own_file_read(d.path + "/missing", 100, error));
    BOOST_TEST(!own_file_read(d.path + "/ours", 3, error));
    BOOST_TEST(error == "larger than 3 bytes");
    std::string said = notes();
    BOOST_TEST(contains(said, "ignored " + d.path + "/link: a symbolic link"), said);
    BOOST_TEST(contains(said, "ignored " + d.path + "/fifo: not a regular file"), said);
    BOOST_TEST(!contains(said, "missing"), said);
    // Each once per process.
    BOOST_TEST(!own_file_read(d.path + "/link", 100, error));
    BOOST_TEST(notes().empty());

    if (geteuid() == 0) {
        BOOST_REQUIRE(chown((d.path + "/target").c_str(), other_user, other_user) == 0);
        BOOST_TEST(!own_file_read(d.path + "/target", 100, error));
        said = notes();
        BOOST_TEST(contains(said, "ignored " + d.path + "/target: it belongs to "), said);
        BOOST_TEST(contains(said, "not to root (uid 0), who runs this"), said);
    }
}

BOOST_AUTO_TEST_CASE(a_noted_name_cannot_forge_a_log_line)
{
    TempDir d;
    own_dir_take_notes();
    const std::string name = d.path + "/x\npd-call-forward: forged\x1b[2J";
    BOOST_REQUIRE(symlink("/etc/passwd", name.c_str()) == 0);
    std::string error;
    BOOST_TEST(!own_file_read(name, 100, error));
    auto said = own_dir_take_notes();
    BOOST_REQUIRE(said.size() == 1u);
    BOOST_TEST(said[0].find('\n') == std::string::npos);
    BOOST_TEST(said[0].find('\x1b') == std::string::npos);
    BOOST_TEST(contains(said[0], "x\\npd-call-forward: forged\\x1b[2J"), said[0]);
}

BOOST_AUTO_TEST_CASE(a_planted_link_in_the_spool_is_not_followed)
{
    TempDir d;
    own_dir_take_notes();
    Spool spool(d.path + "/spool");
    BOOST_REQUIRE(spool.prepare().empty());
    const std::string secret = d.path + "/secret";
    std::ofstream(secret) << "TOPSECRET";
    // A pending alert that is a link would send whatever it points to.
    BOOST_REQUIRE(symlink(secret.c_str(), (d.path + "/spool/pending/CA1.voicemail.json").c_str()) == 0);
    // A claim that is a link would say "already sent" of an alert never sent.
    BOOST_REQUIRE(symlink(secret.c_str(), (d.path + "/spool/claims/CA2.voicemail").c_str()) == 0);
    BOOST_TEST(flushed(spool).empty());
    BOOST_TEST(!spool.claimed("CA2", "voicemail"));
    BOOST_TEST((spool.claim("CA2", "voicemail") == Spool::Claim::first));
    BOOST_TEST(spool.claimed("CA2", "voicemail"));
    std::string said;
    for (const auto &n : own_dir_take_notes()) said += n + "\n";
    BOOST_TEST(contains(said, d.path + "/spool/pending/CA1.voicemail.json: a symbolic link"), said);
}

BOOST_AUTO_TEST_CASE(another_users_alerts_and_claims_count_for_nothing)
{
    if (geteuid() != 0) {
        BOOST_TEST_MESSAGE("not root: cannot give a file away; skipped");
        return;
    }
    TempDir d;
    Spool spool(d.path + "/spool");
    BOOST_REQUIRE(spool.prepare().empty());
    const std::string pending = d.path + "/spool/pending/CA1.voicemail.json";
    const std::string claim = d.path + "/spool/claims/CA2.voicemail";
    std::ofstream(pending) << voicemail("CA1").body;
    std::ofstream(claim) << "";
    BOOST_REQUIRE(chown(pending.c_str(), other_user, other_user) == 0);
    BOOST_REQUIRE(chown(claim.c_str(), other_user, other_user) == 0);
    BOOST_TEST(flushed(spool).empty());
    BOOST_TEST(!spool.claimed("CA2", "voicemail"));
    BOOST_TEST((spool.claim("CA2", "voicemail") == Spool::Claim::first));
    // Its own alerts go out as ever.
    BOOST_REQUIRE(spool.keep(voicemail("CA3"), 0).empty());
    BOOST_TEST(flushed(spool) == std::vector<std::string>{voicemail("CA3").body});
}

BOOST_AUTO_TEST_SUITE_END()
