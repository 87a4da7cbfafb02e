// What the alerts tests share: a clock that moves only when the code
// sleeps or posts, canned Events API replies, a spool directory's files.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <dirent.h>

#include "alerts/alert.hpp"
#include "alerts/events.hpp"
#include "core/clock.hpp"

namespace pdcf::alerts_tests {

using namespace std::chrono_literals;

// A fake clock that moves only when the code sleeps or posts.
struct FakeTime {
    TimePoint now = TimePoint{} + 1h;
    std::vector<std::chrono::milliseconds> slept;
    Clock clock() { return [this] { return now; }; }
    Sleep sleep()
    {
        return [this](std::chrono::milliseconds ms) {
            slept.push_back(ms);
            now += ms;
        };
    }
};

// Answers one reply after the other, each costing `cost` of fake time.
inline Post replies(FakeTime &t, std::vector<HttpReply> list, std::vector<std::string> *bodies = nullptr)
{
    auto queue = std::make_shared<std::vector<HttpReply>>(std::move(list));
    return [&t, queue, bodies](const std::string &body, TimePoint) {
        if (bodies) bodies->push_back(body);
        t.now += 50ms;
        HttpReply r = queue->empty() ? HttpReply{503, "", "", -1} : queue->front();
        if (!queue->empty()) queue->erase(queue->begin());
        return r;
    };
}

inline std::vector<std::string> files(const std::string &dir)
{
    std::vector<std::string> out;
    if (DIR *d = opendir(dir.c_str())) {
        while (dirent *e = readdir(d))
            if (e->d_name[0] != '.') out.push_back(e->d_name);
        closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

inline Alert alert(const std::string &sid, AlertKind kind = AlertKind::voicemail)
{
    return {kind, sid, "RKEY", R"({"dedup_key":")" + sid + R"("})"};
}

inline Alert keyed(const std::string &sid, const std::string &routing_key)
{
    return {AlertKind::voicemail, sid, routing_key,
            R"({"routing_key":")" + routing_key + R"(","dedup_key":")" + sid + R"("})"};
}

}  // namespace pdcf::alerts_tests
