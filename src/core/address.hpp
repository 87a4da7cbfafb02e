// Which peers may ask for what only the operator should see (/metrics):
// addresses and prefixes as the config names them ("127.0.0.1/8", "::1",
// "10.1.2.0/24"), matched against REMOTE_ADDR.  Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace pdcf {

struct AddressPrefix {
    unsigned char bytes[16] = {};
    bool v6 = false;
    int bits = 0;      // of the prefix: all 32 (128) for one address
    std::string text;  // as the config wrote it
};

// "127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"; else why not.
Result<AddressPrefix> address_prefix(std::string_view text);

// Whether `peer` (REMOTE_ADDR: an IPv4 or IPv6 address, no port) is in
// one of `allowed`.  An IPv4 peer seen as IPv6 (::ffff:127.0.0.1) is
// matched as the IPv4 address it is; anything not an address is in none.
bool address_allowed(const std::vector<AddressPrefix> &allowed, std::string_view peer);

}  // namespace pdcf
