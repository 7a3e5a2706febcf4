// Writes the seed corpus of fuzz_resolver (tests/fuzz/corpus/resolver/): for each question
// of the target, the real exchange of the resolver with the in-memory upstream over the
// fixture zones (tests/resolver/zone_answerer.hpp), as the target's chunks, so a replay of
// a seed walks the whole resolution. Not part of the build; run from the source root:
//
//   g++ -std=c++20 -O1 -Iinclude $(pkg-config --cflags botan-2) \
//       tests/fuzz/make_resolver_seeds.cpp $(pkg-config --libs botan-2) -o /tmp/seeds &&
//   DANE_SOURCE_ROOT=. /tmp/seeds tests/fuzz/corpus/resolver
//
// Per question it writes: the exchange with whole responses (mode 0), the same with the
// records after the question (mode 1), both under the anchor nobody can sign for too, and
// one where the upstream first times out and then fails the connection.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "../resolver/zone_answerer.hpp"
#include "dane/resolver/resolver.hpp"

namespace {

using namespace dane;
using botan = crypto::botan_backend;

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

void put_chunk(std::string& out, std::uint8_t mode, bytes_view data) {
    out += static_cast<char>(mode);
    out += static_cast<char>(data.size() >> 8);
    out += static_cast<char>(data.size() & 0xff);
    out.append(as_chars(data));
}

// The response as a mode-1 chunk: flags, the three record counts, the records.
byte_buffer records_part(const byte_buffer& response, std::size_t question_end) {
    byte_buffer out(response.begin() + 2, response.begin() + 4);
    out.insert(out.end(), response.begin() + 6, response.begin() + 12);
    out.insert(out.end(), response.begin() + static_cast<std::ptrdiff_t>(question_end),
               response.end());
    return out;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const std::string dir = argv[1];
    const botan backend;
    resolver_test::zone_answerer upstream(backend);
    if (auto e = upstream.load_fixture()) {
        std::fprintf(stderr, "%s\n", e->c_str());
        return 1;
    }
    auto anchors = resolver_test::fixture_anchors().value();
    const dns::name root;
    for (std::size_t i = 0; i < 8; ++i) {
        const auto& [text, type] = questions[i];
        std::uint16_t next_id = 0x2000; // as the target draws them
        resolver::stub_resolver<botan> stub(backend, anchors, [&next_id] { return next_id++; });
        using namespace std::chrono;
        resolver::clock_reading now{sys_days{year{2026} / 1 / 1},
                                    steady_clock::time_point{} + hours(1)};
        auto r = stub.start(dns::name::parse(text, &root).value(), type, now);
        std::string whole, records;
        while (!r.done()) {
            auto queries = r.take_queries();
            if (queries.empty()) return 1;
            for (const auto& q : queries) {
                auto response = upstream.respond(q.wire, q.transport).value();
                put_chunk(whole, 0, response);
                put_chunk(records, 1, records_part(response, q.wire.size() - 11));
                r.receive(response, now);
            }
        }
        std::printf("%s %s: %s, %zu queries\n", std::string(text).c_str(),
                    dns::to_string(type).c_str(), dnssec::to_string(r.result().verdict).c_str(),
                    r.result().stats.queries_sent);
        auto write = [&](const std::string& name, char flags, const std::string& body) {
            std::ofstream f(dir + "/" + name, std::ios::binary);
            f << flags << body;
        };
        const char flags = static_cast<char>(i << 1);
        const std::string base = "q" + std::to_string(i);
        write(base + "-whole", static_cast<char>(flags | 1), whole);
        write(base + "-records", static_cast<char>(flags | 1), records);
        write(base + "-whole-unsignable", flags, whole);
        std::string failing;
        put_chunk(failing, 2, {});
        put_chunk(failing, 3, {});
        write(base + "-timeout-then-reset", static_cast<char>(flags | 1), failing + whole);
    }
    return 0;
}
