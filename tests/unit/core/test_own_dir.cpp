#include <boost/test/unit_test.hpp>

#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include "alerts/spool.hpp"
#include "core/own_dir.hpp"
#include "files.hpp"

using namespace pdcf;

namespace {

using V = OwnDir::Verdict;

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

BOOST_AUTO_TEST_CASE(a_directory_it_makes_is_its_own_whatever_the_umask)
{
    TempDir d;
    for (mode_t mask : {022, 0, 077, 0277}) {
        const std::string dir = d.path + "/made-" + std::to_string(mask);
        mode_t old = umask(mask);
        OwnDir v = own_dir_prepare(dir);
        umask(old);
        BOOST_TEST((v.verdict == V::ours), mask << ": " << v.problem);
        struct stat st;
        BOOST_REQUIRE(stat(dir.c_str(), &st) == 0);
        BOOST_TEST((st.st_mode & 07777) == 0700u, mask);
    }
}

BOOST_AUTO_TEST_CASE(a_directory_others_can_write_is_refused)
{
    TempDir d;
    const std::string dir = d.path + "/cache";
    BOOST_REQUIRE(mkdir(dir.c_str(), 0700) == 0);
    BOOST_TEST((own_dir_prepare(dir).verdict == V::ours));
    for (mode_t mode : {0777, 0770, 0730, 0703, 01777}) {
        BOOST_REQUIRE(chmod(dir.c_str(), mode) == 0);
        OwnDir v = own_dir_prepare(dir);
        BOOST_TEST((v.verdict == V::unsafe), mode);
        BOOST_TEST(contains(v.problem, "chmod 0700 " + dir), v.problem);
    }
    BOOST_REQUIRE(chmod(dir.c_str(), 0777) == 0);
    BOOST_TEST(contains(own_dir_prepare(dir).problem, dir + " can be written by every user (mode 0777)"));
    // Read and search by others are no threat.
    BOOST_REQUIRE(chmod(dir.c_str(), 0755) == 0);
    BOOST_TEST((own_dir_prepare(dir).verdict == V::ours));
}

BOOST_AUTO_TEST_CASE(a_directory_above_others_can_write_is_refused_unless_sticky)
{
    // Whoever can rename entries of a directory above it can put a
    // directory of their own in its place; the sticky bit (/tmp) stops that.
    TempDir d;
    const std::string shared = d.path + "/shared";
    const std::string dir = shared + "/cache";
    BOOST_REQUIRE(mkdir(shared.c_str(), 0755) == 0);
    BOOST_REQUIRE(chmod(shared.c_str(), 0777) == 0);
    OwnDir v = own_dir_prepare(dir);
    BOOST_TEST((v.verdict == V::unsafe), v.problem);
    BOOST_TEST(contains(v.problem, shared + ", above " + dir + ", can be changed by users other than root"), v.problem);
    BOOST_REQUIRE(chmod(shared.c_str(), 01777) == 0);
    BOOST_TEST((own_dir_prepare(dir).verdict == V::ours), own_dir_prepare(dir).problem);
}

BOOST_AUTO_TEST_CASE(a_link_on_the_way_is_judged_where_it_lies_and_where_it_leads)
{
    TempDir d;
    const std::string real = d.path + "/real";
    const std::string open = d.path + "/open";
    BOOST_REQUIRE(mkdir(real.c_str(), 0700) == 0);
    BOOST_REQUIRE(mkdir(open.c_str(), 0755) == 0);
    // The link lies in a directory anyone may change: it could be pointed
    // elsewhere at any time.
    BOOST_REQUIRE(symlink(real.c_str(), (open + "/cache").c_str()) == 0);
    BOOST_REQUIRE(chmod(open.c_str(), 0777) == 0);
    BOOST_TEST((own_dir_prepare(open + "/cache").verdict == V::unsafe));
    // Where it lies is safe, but where it leads is not.
    BOOST_REQUIRE(chmod(open.c_str(), 0755) == 0);
    BOOST_TEST((own_dir_prepare(open + "/cache").verdict == V::ours));
    BOOST_REQUIRE(mkdir((real + "/inner").c_str(), 0700) == 0);
    BOOST_REQUIRE(chmod(real.c_str(), 0777) == 0);
    BOOST_TEST((own_dir_prepare(open + "/cache/inner").verdict == V::unsafe));
}

BOOST_AUTO_TEST_CASE(another_users_directory_is_left_alone)
{
    if (geteuid() != 0) {
        BOOST_TEST_MESSAGE("not root: cannot give a directory away; skipped");
        return;
    }
    TempDir d;
    const std::string dir = d.path + "/cache";
    BOOST_REQUIRE(mkdir(dir.c_str(), 0700) == 0);
    BOOST_REQUIRE(chown(dir.c_str(), other_user, other_user) == 0);
    OwnDir v = own_dir_prepare(dir);
    BOOST_TEST((v.verdict == V::not_ours), v.problem);
    BOOST_TEST(contains(v.problem, "not to root (uid 0), who runs this"), v.problem);
    BOOST_TEST(contains(v.problem, "chown root " + dir), v.problem);
    // Above a directory of its own, its owner's directories are no threat
    // (/var/lib/pd-call-forward/spool); another user's are.
    const std::string inner = dir + "/spool";
    BOOST_REQUIRE(mkdir(inner.c_str(), 0700) == 0);
    BOOST_TEST((own_dir_prepare(inner).verdict == V::unsafe));
    BOOST_REQUIRE(chown(inner.c_str(), other_user, other_user) == 0);
    BOOST_TEST((own_dir_prepare(inner).verdict == V::not_ours));
}

BOOST_AUTO_TEST_CASE(entries_are_read_only_when_they_are_its_own_regular_files)
{
    TempDir d;
    own_dir_take_notes();
    std::ofstream(d.path + "/ours") << "ours";
    std::ofstream(d.path + "/target") << "someone else's";
    BOOST_REQUIRE(symlink((d.path + "/target").c_str(), (d.path + "/link").c_str()) == 0);
    BOOST_REQUIRE(mkfifo((d.path + "/fifo").c_str(), 0600) == 0);
    BOOST_TEST(own_file_read(d.path + "/ours", 100).value_or("") == "ours");
    BOOST_TEST(!own_file_read(d.path + "/link", 100));
    // A FIFO nobody writes to would block a reader for ever.
    BOOST_TEST(!own_file_read(d.path + "/fifo", 100));
    BOOST_TEST(!own_file_read(d.path + "/missing", 100));
    auto over = own_file_read(d.path + "/ours", 3);
    BOOST_TEST(!over);
    BOOST_TEST(over.error() == "larger than 3 bytes");
    std::string said = notes();
    BOOST_TEST(contains(said, "ignored " + d.path + "/link: a symbolic link"), said);
    BOOST_TEST(contains(said, "ignored " + d.path + "/fifo: not a regular file"), said);
    BOOST_TEST(!contains(said, "missing"), said);
    // Each once per process.
    BOOST_TEST(!own_file_read(d.path + "/link", 100));
    BOOST_TEST(notes().empty());

    if (geteuid() == 0) {
        BOOST_REQUIRE(chown((d.path + "/target").c_str(), other_user, other_user) == 0);
        BOOST_TEST(!own_file_read(d.path + "/target", 100));
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
    BOOST_TEST(!own_file_read(name, 100));
    auto said = own_dir_take_notes();
    BOOST_REQUIRE(said.size() == 1u);
    BOOST_TEST(said[0].find('\n') == std::string::npos);
    BOOST_TEST(said[0].find('\x1b') == std::string::npos);
    BOOST_TEST(contains(said[0], "x\\npd-call-forward: forged\\x1b[2J"), said[0]);
}

BOOST_AUTO_TEST_CASE(a_spool_others_can_write_is_left_alone)
{
    // Alerts planted there would go out, and claims planted there would
    // stop real ones: the spool is not used at all, as one that cannot be
    // written is not.
    TempDir d;
    const std::string dir = d.path + "/spool";
    BOOST_REQUIRE(bool(Spool(dir).prepare()));
    std::ofstream(dir + "/pending/CA1.voicemail.json") << voicemail("CA1").body;
    BOOST_REQUIRE(chmod(dir.c_str(), 0777) == 0);
    Spool spool(dir);
    OwnDir verdict;
    std::string problem = spool.prepare(&verdict).error();
    BOOST_TEST((verdict.verdict == OwnDir::Verdict::unsafe));
    BOOST_TEST(contains(problem, dir + " can be written by every user (mode 0777)"), problem);
    BOOST_TEST(flushed(spool).empty());
    BOOST_TEST(!spool.next_due());
    BOOST_TEST(spool.keep(voicemail("CA2"), 0).error() == problem);
    BOOST_TEST(spool.hold(voicemail("CA2"), 30).error() == problem);
    BOOST_TEST((spool.claim("CA2", "voicemail") == Spool::Claim::unavailable));
    BOOST_TEST(!spool.claimed("CA2", "voicemail"));
    BOOST_TEST(!spool.take_held("CA2", AlertKind::voicemail));
}

BOOST_AUTO_TEST_CASE(a_planted_link_in_the_spool_is_not_followed)
{
    TempDir d;
    own_dir_take_notes();
    Spool spool(d.path + "/spool");
    BOOST_REQUIRE(bool(spool.prepare()));
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
    BOOST_REQUIRE(bool(spool.prepare()));
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
    BOOST_REQUIRE(bool(spool.keep(voicemail("CA3"), 0)));
    BOOST_TEST(flushed(spool) == std::vector<std::string>{voicemail("CA3").body});
}

BOOST_AUTO_TEST_SUITE_END()
