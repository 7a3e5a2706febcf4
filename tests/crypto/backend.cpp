#include <doctest/doctest.h>

#include <optional>
#include <system_error>

#include "dane/crypto/backend.hpp"

using namespace dane;
using namespace dane::crypto;

TEST_CASE("algorithms print with their RFC 8624 mnemonics, others as numbers") {
    CHECK(to_string(algorithm::rsasha1) == "RSASHA1");
    CHECK(to_string(algorithm::rsasha1_nsec3_sha1) == "RSASHA1-NSEC3-SHA1");
    CHECK(to_string(algorithm::rsasha256) == "RSASHA256");
    CHECK(to_string(algorithm::rsasha512) == "RSASHA512");
    CHECK(to_string(algorithm::ecdsap256sha256) == "ECDSAP256SHA256");
    CHECK(to_string(algorithm::ecdsap384sha384) == "ECDSAP384SHA384");
    CHECK(to_string(algorithm::ed25519) == "ED25519");
    CHECK(to_string(algorithm::ed448) == "ED448");
    CHECK(to_string(algorithm::ecc_gost) == "ECC-GOST");
    CHECK(to_string(algorithm{200}) == "200");
    CHECK(mnemonic(algorithm{9}).empty());
}

TEST_CASE("one mnemonic table, in the dns layer, for crypto and zone files alike") {
    // DH (2) was missing from one of two tables before they became one.
    CHECK(mnemonic(algorithm::dh) == "DH");
    CHECK(parse_algorithm("dh") == algorithm::dh);
    for (unsigned v = 0; v < 256; ++v) {
        CAPTURE(v);
        auto a = algorithm{static_cast<std::uint8_t>(v)};
        CHECK(mnemonic(a) == dns::dnssec_algorithm_mnemonic(static_cast<std::uint8_t>(v)));
        if (!mnemonic(a).empty())
            CHECK(dns::parse_dnssec_algorithm_mnemonic(mnemonic(a)) ==
                  std::optional(std::uint8_t(v)));
    }
}

TEST_CASE("algorithms parse from mnemonics in any case and from numbers") {
    CHECK(parse_algorithm("RSASHA256") == algorithm::rsasha256);
    CHECK(parse_algorithm("ecdsap256sha256") == algorithm::ecdsap256sha256);
    CHECK(parse_algorithm("Ed448") == algorithm::ed448);
    CHECK(parse_algorithm("8") == algorithm::rsasha256);
    CHECK(parse_algorithm("200") == algorithm{200});
    CHECK(parse_algorithm("0") == algorithm{0});
    CHECK(!parse_algorithm("256"));
    CHECK(!parse_algorithm(""));
    CHECK(!parse_algorithm("8x"));
    CHECK(!parse_algorithm("-8"));
    CHECK(!parse_algorithm("RSASHA"));
}

TEST_CASE("DS digest types map onto hashes; GOST and unassigned numbers do not") {
    CHECK(ds_hash(digest_type::sha1) == hash_algorithm::sha1);
    CHECK(ds_hash(digest_type::sha256) == hash_algorithm::sha256);
    CHECK(ds_hash(digest_type::sha384) == hash_algorithm::sha384);
    CHECK(!ds_hash(digest_type::gost));
    CHECK(!ds_hash(digest_type{0}));
    CHECK(!ds_hash(digest_type{5}));
    CHECK(to_string(digest_type::sha256) == "SHA-256");
    CHECK(to_string(digest_type{9}) == "9");
    CHECK(digest_size(hash_algorithm::sha1) == 20);
    CHECK(digest_size(hash_algorithm::sha384) == 48);
    CHECK(to_string(hash_algorithm::sha512) == "SHA-512");
}

TEST_CASE("digest_value holds up to 64 octets inline and compares by content") {
    std::byte raw[3] = {std::byte{1}, std::byte{2}, std::byte{3}};
    digest_value d(raw);
    CHECK(d.size() == 3);
    CHECK(d == bytes_view(raw));
    CHECK(d == digest_value(raw));
    CHECK(!(d == digest_value(bytes_view(raw).first(2))));
    CHECK(digest_value().size() == 0);
}

TEST_CASE("crypto errors have their own category and plain messages") {
    std::error_code ec = errc::key_too_small;
    CHECK(ec.category() == crypto_category());
    CHECK(std::string(ec.category().name()) == "dane.crypto");
    CHECK(ec.message() == "key too small");
    CHECK(std::error_code(errc::unsupported_algorithm).message() == "unsupported DNSSEC algorithm");
    CHECK(ec != std::error_code(errc::bad_key));
}
