// Message-parsing throughput: dane's message_view::parse (checks every name and every
// RDATA, copies nothing) against ldns (ldns_wire2pkt, which builds an ldns_pkt) and
// libknot (knot_pkt_parse, which builds its rrsets), over the same corpus in one run.
//
// Usage: bench_parse [CORPUS]   (default: benchmarks/corpus/answers.bin, made by
// scripts/make-corpus.sh: messages each preceded by a 2-octet big-endian length)
//
// A second part times messages built to make decompression slow against a plain answer
// of the same size (about 64 KiB): the most expensive message the limits of
// dns/message.hpp still accept, and the kind they now refuse (a chain of thousands of
// pointers that thousands of owners point at), each parsed alone and parsed with every
// owner decompressed (to_name), as a consumer would.
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
#include <cstring>
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

// Messages per second of `pass` (which handles `messages` messages), repeating it until
// at least `min_run` has gone by.
template <class Pass>
double messages_per_second(Pass&& pass, std::size_t messages, std::chrono::milliseconds min_run) {
    using clock = std::chrono::steady_clock;
    std::size_t passes = 0;
    const auto t0 = clock::now();
    auto t1 = t0;
    do {
        pass();
        ++passes;
        t1 = clock::now();
    } while (t1 - t0 < min_run);
    return static_cast<double>(passes * messages) / std::chrono::duration<double>(t1 - t0).count();
}

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

// Messages for the decompression part. All are answers of about `size` octets.
struct message_writer {
    std::vector<std::uint8_t> b;
    void u8(unsigned v) { b.push_back(static_cast<std::uint8_t>(v)); }
    void u16(unsigned v) {
        u8(v >> 8);
        u8(v & 0xff);
    }
    void u32(std::uint32_t v) {
        u16(v >> 16);
        u16(v & 0xffff);
    }
    void pointer(std::size_t to) { u16(0xc000 | static_cast<unsigned>(to)); }
    void header(unsigned an) { u16(0x1234), u16(0x8180), u16(0), u16(an), u16(0), u16(0); }
    // Fixed fields of a record of type 65280 (unassigned: opaque RDATA) with `rdlen`.
    void opaque(unsigned rdlen) { u16(65280), u16(1), u32(300), u16(rdlen); }
    void set_u16(std::size_t at, unsigned v) {
        b[at] = static_cast<std::uint8_t>(v >> 8);
        b[at + 1] = static_cast<std::uint8_t>(v);
    }
};

// A plain answer: "www.example.com." A, then A records whose owners point at it.
std::vector<std::uint8_t> plain_message(std::size_t size) {
    message_writer w;
    w.header(0);
    const std::size_t first = w.b.size();
    for (const char* l : {"www", "example", "com"}) {
        w.u8(static_cast<unsigned>(std::strlen(l)));
        for (const char* c = l; *c; ++c)
            w.u8(static_cast<unsigned char>(*c));
    }
    w.u8(0), w.u16(1), w.u16(1), w.u32(300), w.u16(4), w.u32(0xc0000201);
    unsigned count = 1;
    while (w.b.size() + 16 <= size) {
        w.pointer(first), w.u16(1), w.u16(1), w.u32(300), w.u16(4), w.u32(0xc0000201 + count);
        ++count;
    }
    w.set_u16(6, count);
    return w.b;
}

// One opaque record holds "a." and a chain of `hops` pointers, each to the one before,
// padded with zeros to make the message `size` octets once `owners` records whose owners
// point at the chain's end follow.
std::vector<std::uint8_t> chain_message(std::size_t size, unsigned hops, unsigned owners) {
    message_writer w;
    w.header(1 + owners);
    w.u8(0);
    const std::size_t rdlen_at = w.b.size() + 8;
    w.opaque(0);
    const std::size_t chain = w.b.size();
    w.u8(1), w.u8('a'), w.u8(0);
    w.pointer(chain);
    for (unsigned i = 1; i < hops; ++i)
        w.pointer(chain + 3 + 2 * (i - 1));
    const std::size_t last = chain + 3 + 2 * (hops - 1);
    const std::size_t tail = 12 * std::size_t{owners};
    while (w.b.size() + tail < size)
        w.u8(0);
    w.set_u16(rdlen_at, static_cast<unsigned>(w.b.size() - chain));
    for (unsigned i = 0; i < owners; ++i)
        w.pointer(last), w.opaque(0);
    return w.b;
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

    auto run = [&](auto&& pass) {
        return messages_per_second(pass, n, std::chrono::milliseconds(150));
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

    // Decompression: each case as a one-message corpus.
    const std::size_t size = 65000;
    // The most work the budget admits: owners at the hop limit (1 + 126 pointers and one
    // label, 128 steps each), as many as dane::dns::max_decompression_work allows.
    const unsigned worst_owners = static_cast<unsigned>((dane::dns::max_decompression_work(size)) /
                                                        (2 + dane::dns::max_pointer_hops));
    struct bench_case {
        const char* what;
        std::vector<std::uint8_t> wire;
    } cases[] = {
        {"plain answer (A records at one name)", plain_message(size)},
        {"worst accepted (126-pointer chain)", chain_message(size, 126, worst_owners)},
        {"refused (8000-pointer chain)", chain_message(size, 8000, 3000)},
    };
    auto decompress_all = [&](const corpus& one, std::size_t& s) {
        for (auto m : one.messages) {
            auto r = dane::dns::message_view::parse(
                dane::as_bytes(std::span<const std::uint8_t>(one.data.data() + m.offset, m.size)));
            if (!r) continue;
            for (auto rec : r->answer())
                s += rec.owner().to_name().size();
        }
        return one.messages.size();
    };
    std::printf("\ndecompression, %zu-octet messages, messages/s (median of %d runs):\n", size,
                runs);
    std::printf("%-40s %8s %12s %12s %12s %12s\n", "message", "dane", "dane parse", "+to_name",
                "ldns", "libknot");
    for (auto& bc : cases) {
        corpus one;
        one.data = bc.wire;
        one.messages.push_back({0, bc.wire.size()});
        const std::size_t n1 = 1;
        auto parsed = dane::dns::message_view::parse(
            dane::as_bytes(std::span<const std::uint8_t>(one.data.data(), one.data.size())));
        auto run1 = [&](auto&& pass) {
            return messages_per_second(pass, n1, std::chrono::milliseconds(100));
        };
        std::vector<double> p_r, t_r, l_r, k_r;
        for (int i = 0; i < runs; ++i) {
            p_r.push_back(run1([&] { pass_dane(one, sink); }));
            t_r.push_back(run1([&] { decompress_all(one, sink); }));
            l_r.push_back(run1([&] { pass_ldns(one, sink); }));
            k_r.push_back(run1([&] { pass_knot(one, sink, a); }));
        }
        std::printf("%-40s %8s %12.0f %12.0f %12.0f %12.0f\n", bc.what,
                    parsed ? "accepts" : "refuses", median(p_r), median(t_r), median(l_r),
                    median(k_r));
    }
    std::printf("checksum %zu\n", sink);
    return 0;
}
