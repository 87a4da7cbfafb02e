// A target that fails on purpose, so the replay runner is shown to catch
// each kind of failure a real target could have.  The input names it:
//   ok, trap, abort, hang, leak, overflow, ub
// (leak, overflow and ub are seen only in a sanitized build).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "../support.hpp"

namespace {

volatile char sink;
char *volatile kept;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view what = fuzz::as_text(data, size);
    if (what == "trap") fuzz::require(false);
    if (what == "abort") std::abort();
    if (what == "hang")
        for (;;) sink = 0;
    if (what == "leak") {
        kept = new char[64];
        std::memset(kept, 1, 64);
        kept = nullptr;
    }
    if (what == "overflow") {
        char *p = new char[8];
        sink = p[size + 8];
        delete[] p;
    }
    if (what == "ub") {
        volatile int big = 2147483647;
        sink = static_cast<char>(big + static_cast<int>(size));
    }
    return 0;
}
