// Message-parsing throughput: dane's message_view::parse (checks every name and every
// RDATA, copies nothing) against ldns (ldns_wire2pkt, which builds an ldns_pkt) and
// libknot (knot_pkt_parse, which builds its rrsets), over the same corpus in one run.
//
// Usage: bench_parse [CORPUS]   (default: benchmarks/corpus/answers.bin, made by
// scripts/make-corpus.sh: messages each preceded by a 2-octet big-endian length)
//
// Runs of the three parsers are interleaved so that load from other processes falls on
// all of them alike; each figure is the median over the runs. libknot gets a bump arena
// reset per message, as knotd parses with a mempool, so its number is its best case, not
// malloc's.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// dane first: the C headers below define macros (false, bool) that break <optional>.
#include "dane/dns/message.hpp"

#include <ldns/ldns.h>
// libknot's headers declare no C linkage themselves.
extern "C" {
#include <libknot/libknot.h>
}

namespace {

struct corpus {
    std::vector<std::uint8_t> data; // the messages back to back, each 8-byte aligned
    struct entry {
        std::size_t offset, size;
    };
    std::vector<entry> messages;
};

bool load(const char* path, corpus& c) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    std::vector<std::uint8_t> raw((std::istreambuf_iterator<char>(f)), {});
    std::size_t i = 0;
    while (i + 2 <= raw.size()) {
        std::size_t n = static_cast<std::size_t>(raw[i] << 8 | raw[i + 1]);
        if (raw.size() - i - 2 < n) return false;
        std::size_t at = (c.data.size() + 7) & ~std::size_t{7};
        c.data.resize(at + n);
        std::copy_n(raw.begin() + static_cast<std::ptrdiff_t>(i + 2), n,
                    c.data.begin() + static_cast<std::ptrdiff_t>(at));
        c.messages.push_back({at, n});
        i += 2 + n;
    }
    return i == raw.size() && !c.messages.empty();
}

// One pass over the corpus; returns the number of messages the parser accepted.
std::size_t pass_dane(const corpus& c, std::size_t& sink) {
    std::size_t ok = 0;
    for (auto m : c.messages) {
        auto r = dane::dns::message_view::parse(
            dane::as_bytes(std::span<const std::uint8_t>(c.data.data() + m.offset, m.size)));
        if (r) {
            ++ok;
            sink += r->count(dane::dns::section::answer);
        }
    }
    return ok;
}

std::size_t pass_ldns(const corpus& c, std::size_t& sink) {
    std::size_t ok = 0;
    for (auto m : c.messages) {
        ldns_pkt* pkt = nullptr;
        if (ldns_wire2pkt(&pkt, c.data.data() + m.offset, m.size) == LDNS_STATUS_OK) {
            ++ok;
            sink += ldns_pkt_ancount(pkt);
        }
        ldns_pkt_free(pkt);
    }
    return ok;
}

// A bump allocator: knot_pkt_parse allocates rrsets and RDATA through it; it is reset,
// not freed, after each message.
struct arena {
    std::vector<std::uint8_t> mem = std::vector<std::uint8_t>(1 << 20);
    std::size_t used = 0;
    static void* alloc(void* ctx, std::size_t n) {
        auto* a = static_cast<arena*>(ctx);
        std::size_t at = (a->used + 15) & ~std::size_t{15};
        if (at + n > a->mem.size()) return std::malloc(n); // leaks; never reached here
        a->used = at + n;
        return a->mem.data() + at;
    }
    static void free(void*) {}
};

std::size_t pass_knot(const corpus& c, std::size_t& sink, arena& a) {
    std::size_t ok = 0;
    knot_mm_t mm{&a, &arena::alloc, &arena::free};
    for (auto m : c.messages) {
        a.used = 0;
        // knot_pkt_new uses the given wire in place; KEEPWIRE keeps parse from editing it.
        knot_pkt_t* pkt = knot_pkt_new(const_cast<std::uint8_t*>(c.data.data() + m.offset),
                                       static_cast<std::uint16_t>(m.size), &mm);
        if (!pkt) continue;
        if (knot_pkt_parse(pkt, KNOT_PF_KEEPWIRE) == KNOT_EOK) {
            ++ok;
            sink += knot_pkt_section(pkt, KNOT_ANSWER)->count;
        }
        knot_pkt_free(pkt);
    }
    return ok;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

} // namespace

int main(int argc, char** argv) {
    const char* path = argc > 1 ? argv[1] : "benchmarks/corpus/answers.bin";
    corpus c;
    if (!load(path, c)) {
        std::fprintf(stderr, "cannot read corpus %s\n", path);
        return 2;
    }
    std::size_t octets = 0;
    for (auto m : c.messages)
        octets += m.size;
    std::printf("corpus: %zu messages, %zu octets\n", c.messages.size(), octets);

    arena a;
    std::size_t sink = 0;
    const std::size_t n = c.messages.size();
    std::size_t ok_dane = pass_dane(c, sink), ok_ldns = pass_ldns(c, sink),
                ok_knot = pass_knot(c, sink, a);
    std::printf("accepted: dane %zu, ldns %zu, libknot %zu of %zu\n", ok_dane, ok_ldns, ok_knot, n);

    using clock = std::chrono::steady_clock;
    // Each run repeats passes until it has taken at least this long.
    const auto min_run = std::chrono::milliseconds(150);
    auto run = [&](auto&& pass) {
        std::size_t passes = 0;
        auto t0 = clock::now();
        auto t1 = t0;
        do {
            pass();
            ++passes;
            t1 = clock::now();
        } while (t1 - t0 < min_run);
        return static_cast<double>(passes * n) / std::chrono::duration<double>(t1 - t0).count();
    };
    const int runs = 9;
    std::vector<double> dane_r, ldns_r, knot_r;
    for (int i = 0; i < runs; ++i) {
        dane_r.push_back(run([&] { pass_dane(c, sink); }));
        ldns_r.push_back(run([&] { pass_ldns(c, sink); }));
        knot_r.push_back(run([&] { pass_knot(c, sink, a); }));
    }
    double d = median(dane_r), l = median(ldns_r), k = median(knot_r);
    std::printf("dane    (message_view::parse): %12.0f messages/s\n", d);
    std::printf("ldns    (ldns_wire2pkt):       %12.0f messages/s\n", l);
    std::printf("libknot (knot_pkt_parse):      %12.0f messages/s\n", k);
    std::printf("checksum %zu\n", sink); // keeps the work from being optimised away
    std::printf("ratio dane/ldns=%.1f dane/libknot=%.1f\n", d / l, d / k);
    return 0;
}
