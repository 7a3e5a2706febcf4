// Our presentation form against BIND's, and the meta-records' wire rules, on fixtures that
// BIND's own tools wrote (scripts/make-dns-fixtures.sh).
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "dane/core/codec.hpp"
#include "dane/dns/message.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/zone_parser.hpp"

using namespace dane;
using namespace dane::dns;

namespace {

std::string fixture(const std::string& file) {
    const char* root = std::getenv("DANE_SOURCE_ROOT");
    REQUIRE_MESSAGE(root != nullptr, "DANE_SOURCE_ROOT is not set");
    std::ifstream f(std::string(root) + "/tests/data/dns/" + file, std::ios::binary);
    REQUIRE_MESSAGE(f.good(), file);
    return std::string((std::istreambuf_iterator<char>(f)), {});
}

byte_buffer octets_of(const std::string& s) {
    byte_buffer b;
    for (char c : s)
        b.push_back(std::byte(static_cast<unsigned char>(c)));
    return b;
}

// "owner TYPE" -> RDATA text, from lines of `owner TTL CLASS TYPE RDATA` (any blanks
// between the first four fields, RDATA to the end of the line, trailing blanks dropped).
std::map<std::string, std::string> by_owner_and_type(const std::string& text) {
    std::map<std::string, std::string> out;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        std::size_t pos = 0;
        std::string fields[4];
        for (auto& f : fields) {
            pos = line.find_first_not_of(" \t", pos);
            REQUIRE(pos != std::string::npos);
            auto end = line.find_first_of(" \t", pos);
            f = line.substr(pos, end - pos);
            pos = end;
        }
        pos = line.find_first_not_of(" \t", pos);
        std::string rdata = pos == std::string::npos ? "" : line.substr(pos);
        while (!rdata.empty() && (rdata.back() == ' ' || rdata.back() == '\t'))
            rdata.pop_back();
        out[fields[0] + ' ' + fields[3]] = rdata;
    }
    return out;
}

} // namespace

TEST_CASE("quoted and free-text RDATA prints as named-checkzone -D prints it") {
    const auto reference = by_owner_and_type(fixture("presentation.named-checkzone"));
    auto records = parse_zone(fixture("presentation.zone"));
    REQUIRE_MESSAGE(records.has_value(), records.error().message());
    std::string ours;
    for (const auto& r : *records) {
        append_record_text(ours, r);
        ours += '\n';
    }
    const auto printed = by_owner_and_type(ours);
    REQUIRE(reference.size() == records->size());
    CHECK(printed.size() == reference.size());
    for (const auto& entry : reference) {
        // Not a structured binding: clang 14 cannot capture one in CAPTURE's lambda.
        const std::string& key = entry.first;
        const std::string& text = entry.second;
        CAPTURE(key);
        REQUIRE(printed.count(key) == 1);
        CHECK(printed.at(key) == text);
    }
    // And every printed record reads back to the same octets.
    for (const auto& r : *records) {
        std::string text;
        REQUIRE(append_rdata_text(text, r.type, r.rdata).has_value());
        auto again = parse_zone("$TTL 1\nx. " + to_string(r.type) + " " + text + "\n");
        REQUIRE_MESSAGE(again.has_value(), text);
        CHECK((*again)[0].rdata == r.rdata);
    }
}

TEST_CASE("a query dig signed with TSIG parses, and its TSIG prints as dig prints it") {
    const auto wire = octets_of(fixture("tsig-query.bin"));
    auto m = message_view::parse(wire);
    REQUIRE_MESSAGE(m.has_value(), m.error().message());
    std::vector<record_view> additional(m->additional().begin(), m->additional().end());
    REQUIRE_FALSE(additional.empty());
    const auto& tsig = additional.back();
    CHECK(tsig.type() == rr_type::tsig);
    CHECK(tsig.klass() == rr_class::any);
    auto printed = by_owner_and_type(to_string(tsig.to_record().value()));
    auto dig = by_owner_and_type(fixture("tsig-query.dig"));
    REQUIRE(dig.size() == 1);
    CHECK(printed == dig);

    // RFC 8945 §5.1: the TSIG is the last record. One more record after it, or a second
    // TSIG, and the message is refused with that rule.
    const std::size_t tsig_at = tsig.offset();
    auto with_more = [&](const byte_buffer& extra) {
        byte_buffer b = wire;
        b.insert(b.end(), extra.begin(), extra.end());
        const unsigned ar = static_cast<unsigned>(m->count(section::additional)) + 1;
        b[10] = std::byte(ar >> 8);
        b[11] = std::byte(ar & 0xff);
        return b;
    };
    const byte_buffer a_record = octets_of(std::string("\0\0\1\0\1\0\0\0\0\0\4\xc0\0\2\1", 15));
    auto after = with_more(a_record);
    auto e = message_view::parse(after);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error() == errc::bad_tsig);
    CHECK(e.error().offset == tsig_at);
    CHECK(e.error().message().find("RFC 8945") != std::string::npos);
    auto twice =
        with_more(byte_buffer(wire.begin() + static_cast<std::ptrdiff_t>(tsig_at), wire.end()));
    CHECK(message_view::parse(twice).error() == errc::bad_tsig);

    // The TSIG's RDATA cut by one octet (RDLENGTH and the message shortened alike).
    byte_buffer cut = wire;
    cut.pop_back();
    const std::size_t rdlen_at = tsig.rdata_offset() - 2;
    const std::size_t rdlen = tsig.rdata_length() - 1;
    cut[rdlen_at] = std::byte(rdlen >> 8);
    cut[rdlen_at + 1] = std::byte(rdlen & 0xff);
    auto c = message_view::parse(cut);
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error() == errc::bad_tsig_rdata);
    CHECK(c.error().message().find("RFC 8945 §4.2") != std::string::npos);
}

TEST_CASE("TSIG outside the additional section and TKEY with foreign RDATA are refused") {
    // Responses with one record owned by "key.", class ANY, TTL 0, of `type`, in the
    // section the counts choose.
    const std::string tsig_rdata = "0b686d61632d73686132353600" // hmac-sha256.
                                   "00006553f100012c"           // time signed, fudge
                                   "0000"                       // no MAC
                                   "123400000000";              // ID, NOERROR, no other
    auto response = [](unsigned an, unsigned ns, unsigned ar, unsigned type,
                       const std::string& rdata_hex) {
        char head[96];
        std::snprintf(head, sizeof head, "123484000000%04x%04x%04x036b657900%04x00ff00000000%04zx",
                      an, ns, ar, type, rdata_hex.size() / 2);
        return from_hex(std::string(head) + rdata_hex).value();
    };
    auto in_additional = response(0, 0, 1, 250, tsig_rdata);
    CHECK(message_view::parse(in_additional).has_value());
    auto in_answer = response(1, 0, 0, 250, tsig_rdata);
    CHECK(message_view::parse(in_answer).error() == errc::bad_tsig);
    auto in_authority = response(0, 1, 0, 250, tsig_rdata);
    CHECK(message_view::parse(in_authority).error() == errc::bad_tsig);

    // RFC 2930 §2: a TKEY in the authority section holding an address instead.
    auto foreign = response(0, 1, 0, 249, "c0000201");
    auto e = message_view::parse(foreign);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error() == errc::bad_tkey_rdata);
    CHECK(e.error().message().find("RFC 2930 §2") != std::string::npos);
    // A well-formed TKEY parses and prints field by field.
    const std::string tkey_rdata = "086773732d7473696700" // gss-tsig.
                                   "6592008065935200"     // inception, expiration
                                   "00030000"
                                   "00020102"
                                   "0000"; // mode 3, NOERROR, key, other
    auto good = response(1, 0, 0, 249, tkey_rdata);
    auto m = message_view::parse(good);
    REQUIRE_MESSAGE(m.has_value(), m.error().message());
    auto r = (*m->answer().begin()).to_record().value();
    CHECK(to_string(r) ==
          "key.\t0\tANY\tTKEY\tgss-tsig. 20240101000000 20240102000000 3 NOERROR 2 AQI= 0");
}
