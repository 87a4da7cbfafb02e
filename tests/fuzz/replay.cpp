// Runs a fuzz target's LLVMFuzzerTestOneInput over saved inputs without
// libFuzzer, so the corpus and every input that once crashed are replayed
// by the normal build and test run.
//
//   fuzz-replay-TARGET DIR...   every file below each DIR (dot files aside)
//
// The inputs run in a child process: a trap, an abort or a sanitizer
// report ends only that child, and the input is named.  Prints one line
// per directory; exits 1 when any input failed.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace fs = std::filesystem;

namespace {

// Far above what any input takes (libFuzzer's own limit is 10 s too);
// FUZZ_REPLAY_TIMEOUT (seconds) overrides it.
constexpr unsigned default_timeout_seconds = 10;

unsigned timeout_seconds()
{
    const char *v = std::getenv("FUZZ_REPLAY_TIMEOUT");
    unsigned long n = v ? std::strtoul(v, nullptr, 10) : 0;
    return n > 0 && n <= 3600 ? static_cast<unsigned>(n) : default_timeout_seconds;
}

std::vector<fs::path> inputs_below(const fs::path &dir)
{
    std::vector<fs::path> files;
    for (const auto &entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().filename().string().front() != '.') files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

// Why the inputs failed, or "" when all passed.  They run one after the
// other in one child, as libFuzzer runs them in one process.
std::string replay(const std::vector<fs::path> &files)
{
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid < 0) return std::string("fork: ") + std::strerror(errno);
    if (pid == 0) {
        // A crash is reported here; a core file would only litter the tree.
        const rlimit no_core{0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        for (const auto &file : files) {
            std::ifstream in(file, std::ios::binary);
            if (!in) std::exit(3);
            std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            alarm(timeout_seconds());
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
        }
        // exit, not _exit: LeakSanitizer checks at exit, in this child.
        std::exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) return std::string("waitpid: ") + std::strerror(errno);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3) return "cannot read";
    if (WIFSIGNALED(status))
        return WTERMSIG(status) == SIGALRM ? "timed out" : std::string("killed by ") + strsignal(WTERMSIG(status));
    return "exit status " + std::to_string(WEXITSTATUS(status));
}

// Failures among `files`, each named: all in one child first (a fork of a
// sanitized program is slow), then, only when that failed, one child
// each to find which.
int replay_all(const std::vector<fs::path> &files)
{
    std::string together = replay(files);
    if (together.empty()) return 0;
    int failed = 0;
    for (const auto &f : files) {
        std::string why = replay({f});
        if (why.empty()) continue;
        std::printf("FAILED %s: %s\n", f.c_str(), why.c_str());
        ++failed;
    }
    if (failed == 0) {
        std::printf("FAILED all together (%s), though each input alone passes\n", together.c_str());
        failed = 1;
    }
    return failed;
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DIR...\n", argv[0]);
        return 2;
    }
    int failed_total = 0;
    for (int i = 1; i < argc; ++i) {
        std::error_code ec;
        if (!fs::is_directory(argv[i], ec)) {
            std::printf("%s: not a directory\n", argv[i]);
            ++failed_total;
            continue;
        }
        std::vector<fs::path> files = inputs_below(argv[i]);
        int failed = replay_all(files);
        std::printf("%s: %zu inputs, %d failed\n", argv[i], files.size(), failed);
        std::fflush(stdout);
        failed_total += failed;
    }
    return failed_total ? 1 : 0;
}
