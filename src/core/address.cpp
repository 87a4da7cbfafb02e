#include "core/address.hpp"

#include <cstring>

#include <arpa/inet.h>

namespace pdcf {

namespace {

struct Parsed {
    unsigned char bytes[16] = {};
    bool v6 = false;
};

// inet_pton: only the plain forms (no "127.1", no zone "%eth0").
bool parse_address(std::string_view text, Parsed &out)
{
    if (text.empty() || text.size() > 45) return false;  // INET6_ADDRSTRLEN - 1
    const std::string s(text);
    if (inet_pton(AF_INET, s.c_str(), out.bytes) == 1) {
        out.v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, s.c_str(), out.bytes) != 1) return false;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(out.bytes, mapped, sizeof mapped) == 0) {
        std::memmove(out.bytes, out.bytes + 12, 4);
        std::memset(out.bytes + 4, 0, 12);
        out.v6 = false;
    } else {
        out.v6 = true;
    }
    return true;
}

bool in_prefix(const AddressPrefix &p, const Parsed &a)
{
    if (p.v6 != a.v6) return false;
    const int whole = p.bits / 8, rest = p.bits % 8;
    if (std::memcmp(p.bytes, a.bytes, static_cast<std::size_t>(whole)) != 0) return false;
    if (rest == 0) return true;
    const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
    return (p.bytes[whole] & mask) == (a.bytes[whole] & mask);
}

}  // namespace

Result<AddressPrefix> address_prefix(std::string_view text)
{
    const std::size_t slash = text.find('/');
    Parsed a;
    if (!parse_address(text.substr(0, slash), a))
        return fail("expected an IPv4 or IPv6 address or prefix, such as 127.0.0.1, 10.0.0.0/8 or ::1, found \"" +
                    std::string(text.substr(0, 60)) + "\"");
    AddressPrefix p;
    std::memcpy(p.bytes, a.bytes, sizeof p.bytes);
    p.v6 = a.v6;
    p.text = std::string(text);
    const int most = a.v6 ? 128 : 32;
    p.bits = most;
    if (slash != std::string_view::npos) {
        const std::string_view n = text.substr(slash + 1);
        int bits = 0;
        for (char c : n) {
            if (c < '0' || c > '9' || bits > most) return fail("a prefix length is 0 to " + std::to_string(most));
            bits = bits * 10 + (c - '0');
        }
        if (n.empty() || bits > most) return fail("a prefix length is 0 to " + std::to_string(most));
        p.bits = bits;
    }
    return p;
}

bool address_allowed(const std::vector<AddressPrefix> &allowed, std::string_view peer)
{
    Parsed a;
    if (!parse_address(peer, a)) return false;
    for (const auto &p : allowed)
        if (in_prefix(p, a)) return true;
    return false;
}

}  // namespace pdcf
