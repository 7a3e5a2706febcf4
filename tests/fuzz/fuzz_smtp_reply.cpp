// Fuzzes the SMTP reply parser. The first octet picks the limits (line length and line
// count) and a piece size; the rest is server octets. The octets are parsed twice, in one
// piece and in pieces of that size, and must give the same replies or the same error.
// Every reply must respect the grammar and the limits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "dane/smtp/reply.hpp"

namespace {

using namespace dane;
using namespace dane::smtp;

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

struct run {
    std::vector<reply> replies;
    std::optional<errc> error;
};

run parse(bytes_view data, std::size_t piece, const reply_limits& limits) {
    reply_parser p(limits);
    run out;
    for (std::size_t at = 0; at < data.size() || at == 0; at += piece) {
        p.feed(data.subspan(at, std::min(piece, data.size() - at)));
        for (;;) {
            auto r = p.next();
            if (!r) {
                out.error = r.error();
                FUZZ_CHECK(p.error() == r.error());
                FUZZ_CHECK(!p.next()); // sticky
                return out;
            }
            if (!*r) break;
            out.replies.push_back(std::move(**r));
        }
        if (data.empty()) break;
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t mode = data[0];
    reply_limits limits;
    if (mode & 1) limits = reply_limits{16 + (mode >> 4) * 8u, 1 + ((mode >> 1) & 7u)};
    const std::size_t piece = 1 + (mode >> 4);
    const bytes_view input = as_bytes(std::span<const std::uint8_t>(data + 1, size - 1));

    const run whole = parse(input, input.size() + 1, limits);
    const run split = parse(input, piece, limits);
    // An over-long partial line is refused as soon as it cannot fit, so a split run may
    // stop earlier than a whole one only with the same error.
    FUZZ_CHECK(whole.error == split.error);
    FUZZ_CHECK(whole.replies.size() == split.replies.size());
    for (std::size_t i = 0; i < whole.replies.size(); ++i) {
        const reply& r = whole.replies[i];
        FUZZ_CHECK(r.code == split.replies[i].code);
        FUZZ_CHECK(r.lines == split.replies[i].lines);
        FUZZ_CHECK(r.code >= 200 && r.code <= 559 && r.code % 100 <= 59);
        FUZZ_CHECK(!r.lines.empty() && r.lines.size() <= limits.max_lines);
        for (const auto& l : r.lines) {
            FUZZ_CHECK(l.size() + 6 <= limits.max_line_length);
            for (char c : l)
                FUZZ_CHECK(c != '\r' && c != '\n' && c != '\0');
        }
        if (r.enhanced) FUZZ_CHECK(r.enhanced->klass == r.code / 100);
    }
    return 0;
}
