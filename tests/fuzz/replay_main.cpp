// Replays inputs through a libFuzzer target without libFuzzer, so any compiler (GCC
// included) can run the seed corpora and the crash reproducers as ordinary tests.
//
//   replay_<target> PATH...
//
// Each PATH is a file, or a directory whose regular files are replayed (recursively, in
// sorted order so runs are repeatable). Arguments that start with '-' are libFuzzer flags
// and are ignored, so the same command line works for both. Exits non-zero when a path
// cannot be read or no input was found; a crash in the target ends the process, as it
// would under libFuzzer.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Optional in a target, as in libFuzzer.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

bool replay_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot open %s\n", path.c_str());
        return false;
    }
    std::vector<char> contents((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    if (in.bad()) {
        std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
        return false;
    }
    // A heap block of exactly the input's size, so AddressSanitizer catches a read one
    // past the end (a vector's spare capacity would hide it). libFuzzer never passes a
    // null pointer, not even for an empty input, so an empty one gets a 1-octet block.
    const std::size_t size = contents.size();
    auto buffer = std::make_unique<std::uint8_t[]>(size == 0 ? 1 : size);
    std::copy(contents.begin(), contents.end(), buffer.get());
    LLVMFuzzerTestOneInput(buffer.get(), size);
    return true;
}

} // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);

    std::size_t replayed = 0;
    bool ok = true;
    bool any_path = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.starts_with("-")) continue; // a libFuzzer flag
        any_path = true;
        fs::path path(arg);
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            std::vector<fs::path> files;
            for (auto it = fs::recursive_directory_iterator(path, ec);
                 !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
                if (it->is_regular_file(ec)) files.push_back(it->path());
            }
            if (ec) {
                std::fprintf(stderr, "replay: cannot list %s: %s\n", path.c_str(),
                             ec.message().c_str());
                ok = false;
                continue;
            }
            std::sort(files.begin(), files.end());
            for (const auto& f : files) {
                if (replay_file(f))
                    ++replayed;
                else
                    ok = false;
            }
        } else if (fs::is_regular_file(path, ec)) {
            if (replay_file(path))
                ++replayed;
            else
                ok = false;
        } else {
            std::fprintf(stderr, "replay: no such file or directory: %s\n", path.c_str());
            ok = false;
        }
    }
    if (!any_path) {
        std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    std::printf("replay: %zu inputs\n", replayed);
    if (replayed == 0) {
        std::fprintf(stderr, "replay: no inputs found\n");
        return 1;
    }
    return ok ? 0 : 1;
}
