// Fuzzes the stub resolver with fuzzed upstream responses. The input is split into chunks,
// and each query the resolver emits is answered by the next chunk: as it is with the first
// two octets patched to the query's ID (so that matching gets past the ID), or built around
// the query's own header and question (so that matching passes and the fuzzed part is the
// records), or not at all (a timeout), or with a transport failure. When the chunks run out
// the upstream goes silent and the resolution must end on its deadlines.
//
// Whatever the responses: no crash, the resolution ends, it sends at most max_queries
// queries, and
// - with an anchor no input can sign for (the fixture's root DS with its digest changed:
//   a key to match it would need a SHA-256 preimage), no verdict is ever secure;
// - with the fixture's own anchor (tests/data/resolver/anchor.ds), where the seeds replay
//   real signed answers, a secure verdict needs a chain from that anchor and, for a
//   positive answer, signatures on it.
//
// Input layout:
//   u8 flags   bit 0: 1 the fixture's anchor, 0 the anchor nobody can sign for
//              bits 1-3: the question (see questions below)
//   chunks until the input ends, each: u8 mode, u16 length, that many octets
//     mode & 3 == 0: the chunk as the response, its first two octets set to the query's ID
//     mode & 3 == 1: a response of the query's ID and question; the chunk holds the flags
//                    word (2 octets), ANCOUNT, NSCOUNT, ARCOUNT (6 octets), then the
//                    records, which sit after the question as in the original response
//                    (compression pointers into the question stay valid)
//     mode & 3 == 2: no answer (the query times out)
//     mode & 3 == 3: transport_failed (connection refused or reset)
// The seeds (corpus/resolver/) are the real exchanges of the resolver with the in-memory
// upstream over the fixture zones, written by tests/fuzz/make_resolver_seeds.cpp.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

#include "dane/crypto/botan.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/resolver/resolver.hpp"

namespace {

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) std::abort();                                                                 \
    } while (0)

using namespace dane;
using botan = crypto::botan_backend;

// The fixture's anchor, and the same DS with the last digest octet changed.
constexpr std::string_view fixture_anchor =
    ". IN DS 52562 13 2 4D2A79A07C32399C2E8A7EC5A2AAD68D6300CE0874F4E397CA02EABFB75DC926";
constexpr std::string_view unsignable_anchor =
    ". IN DS 52562 13 2 4D2A79A07C32399C2E8A7EC5A2AAD68D6300CE0874F4E397CA02EABFB75DC927";

// The questions of the seeds (tests/resolver/ asks the same).
constexpr std::pair<std::string_view, dns::rr_type> questions[8] = {
    {"_25._tcp.mail.example.danebed.", dns::rr_type::tlsa},
    {"_25._tcp.mx.sub.example.danebed.", dns::rr_type::tlsa},
    {"alias.example.danebed.", dns::rr_type::a},
    {"www.insecure.example.danebed.", dns::rr_type::a},
    {"www.plain.danebed.", dns::rr_type::a},
    {"bogus.example.danebed.", dns::rr_type::a},
    {"nope.example.danebed.", dns::rr_type::a},
    {"nope.danebed.", dns::rr_type::tlsa},
};

const botan& backend() {
    static const botan* b = new botan();
    return *b;
}

const dnssec::trust_anchors& anchors(bool real) {
    static const auto* fixture =
        new dnssec::trust_anchors(dnssec::load_trust_anchors(fixture_anchor).value());
    static const auto* unsignable =
        new dnssec::trust_anchors(dnssec::load_trust_anchors(unsignable_anchor).value());
    return real ? *fixture : *unsignable;
}

struct chunk {
    std::uint8_t mode = 2;
    bytes_view data;
};

class chunk_reader {
public:
    explicit chunk_reader(bytes_view in) : in_(in) {}
    // The next chunk; none left is a silent upstream.
    chunk next() {
        if (in_.size() < 3) return {};
        chunk c;
        c.mode = std::to_integer<std::uint8_t>(in_[0]) & 3;
        std::size_t n =
            std::to_integer<std::size_t>(in_[1]) << 8 | std::to_integer<std::size_t>(in_[2]);
        in_ = in_.subspan(3);
        if (n > in_.size()) n = in_.size();
        c.data = in_.first(n);
        in_ = in_.subspan(n);
        return c;
    }

private:
    bytes_view in_;
};

// The response a chunk makes for a query (modes 0 and 1).
byte_buffer response_for(const chunk& c, const resolver::outgoing_query& q) {
    byte_buffer out;
    if (c.mode == 0) {
        out.assign(c.data.begin(), c.data.end());
        if (out.size() >= 2) {
            out[0] = q.wire[0];
            out[1] = q.wire[1];
        }
        return out;
    }
    // The query's question ends where the query's OPT record starts: queries carry
    // exactly one question and, from this resolver, one OPT record of 11 octets.
    const std::size_t question_end = q.wire.size() >= 23 ? q.wire.size() - 11 : q.wire.size();
    out.assign(q.wire.begin(), q.wire.begin() + 2); // ID
    if (c.data.size() >= 8) {
        out.insert(out.end(), c.data.begin(), c.data.begin() + 2); // flags
        out.push_back(std::byte{0});
        out.push_back(std::byte{1}); // QDCOUNT
        out.insert(out.end(), c.data.begin() + 2, c.data.begin() + 8);
        out.insert(out.end(), q.wire.begin() + 12,
                   q.wire.begin() + static_cast<std::ptrdiff_t>(question_end));
        out.insert(out.end(), c.data.begin() + 8, c.data.end());
    } else {
        out.insert(out.end(), c.data.begin(), c.data.end());
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const bytes_view input(reinterpret_cast<const std::byte*>(data), size);
    const std::uint8_t flags = data[0];
    const bool real_anchor = (flags & 1) != 0;
    const auto& [qtext, qtype] = questions[(flags >> 1) & 7];
    const dns::name root;
    const dns::name qname = dns::name::parse(qtext, &root).value();

    resolver::resolver_options options;
    const std::size_t max_queries = options.limits.max_queries;
    std::uint16_t next_id = 0x2000;
    resolver::stub_resolver<botan> stub(
        backend(), anchors(real_anchor), [&next_id] { return next_id++; }, options);
    using namespace std::chrono;
    resolver::clock_reading now{sys_days{year{2026} / 1 / 1},
                                steady_clock::time_point{} + hours(1)};

    chunk_reader chunks(input.subspan(1));
    auto r = stub.start(qname, qtype, now);
    std::size_t emitted = 0;
    for (std::size_t step = 0; !r.done(); ++step) {
        // Each step sends queries or passes a deadline; the resolution must end long
        // before this many.
        FUZZ_CHECK(step < 4 * max_queries + 16);
        auto queries = r.take_queries();
        emitted += queries.size();
        FUZZ_CHECK(emitted <= max_queries);
        for (const auto& q : queries) {
            FUZZ_CHECK(q.deadline >= now.steady);
            const chunk c = chunks.next();
            if (c.mode == 3) {
                r.transport_failed(q.handle, now);
            } else if (c.mode != 2) {
                const byte_buffer response = response_for(c, q);
                r.receive(response, now);
            }
        }
        if (r.done() || !queries.empty()) continue;
        auto deadline = r.deadline();
        FUZZ_CHECK(deadline.has_value()); // not done, so something is outstanding
        FUZZ_CHECK(*deadline >= now.steady);
        now.wall += ceil<seconds>(*deadline - now.steady);
        now.steady = *deadline;
        r.on_timer(now);
    }
    const auto& result = r.result();
    FUZZ_CHECK(result.stats.queries_sent <= max_queries);
    FUZZ_CHECK(result.stats.queries_sent == emitted);
    if (!real_anchor) FUZZ_CHECK(!result.secure());
    if (result.secure()) {
        FUZZ_CHECK(!result.chain.empty() && result.chain.front().trust_anchor);
        if (const auto* answer = result.answer()) FUZZ_CHECK(!answer->signatures.empty());
    }
    return 0;
}
