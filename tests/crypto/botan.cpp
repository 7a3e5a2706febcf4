#include <doctest/doctest.h>

#include <span>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "dane/core/codec.hpp"
#include "dane/crypto/botan.hpp"

using namespace dane;
using namespace dane::crypto;

namespace {

byte_buffer b64(std::string_view text) {
    return from_base64(text).value();
}
byte_buffer hex(std::string_view text) {
    return from_hex(text).value();
}

// Wire form of an absolute name written with dots ("www.example.net."), lowercased as the
// canonical form (RFC 4034 §6.2) has it. Enough for the RFC examples; no escapes.
byte_buffer wire_name(std::string_view dotted) {
    byte_buffer out;
    while (!dotted.empty() && dotted != ".") {
        auto dot = dotted.find('.');
        auto label = dotted.substr(0, dot);
        out.push_back(std::byte(label.size()));
        for (char c : label)
            out.push_back(std::byte(c >= 'A' && c <= 'Z' ? c + 32 : c));
        dotted.remove_prefix(dot + 1);
    }
    out.push_back(std::byte{0});
    return out;
}

// An RRSIG time written as in the RFCs' text, YYYYMMDDHHmmSS (RFC 4034 §3.2).
std::uint32_t rrsig_time(int y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s) {
    using namespace std::chrono;
    auto t = sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
    return static_cast<std::uint32_t>(t.time_since_epoch().count());
}

struct rrsig_fields {
    std::uint16_t type_covered;
    std::uint8_t alg;
    std::uint8_t labels;
    std::uint32_t original_ttl;
    std::uint32_t expiration;
    std::uint32_t inception;
    std::uint16_t key_tag;
    std::string_view signer;
};

// The data an RRSIG signs (RFC 4034 §3.1.8.1): its RDATA up to the signature field, then
// the RRset in canonical form; here one record.
byte_buffer signed_data(const rrsig_fields& f, std::string_view owner, std::uint16_t type,
                        std::uint32_t ttl, bytes_view rdata) {
    byte_buffer out;
    byte_writer w(out);
    w.u16(f.type_covered);
    w.u8(f.alg);
    w.u8(f.labels);
    w.u32(f.original_ttl);
    w.u32(f.expiration);
    w.u32(f.inception);
    w.u16(f.key_tag);
    w.bytes(wire_name(f.signer));
    w.bytes(wire_name(owner));
    w.u16(type);
    w.u16(1); // IN
    w.u32(ttl);
    w.u16(static_cast<std::uint16_t>(rdata.size()));
    w.bytes(rdata);
    return out;
}

byte_buffer a_rdata(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return {std::byte{a}, std::byte{b}, std::byte{c}, std::byte{d}};
}

// MX RDATA: preference, then the exchange name, lowercased (RFC 4034 §6.2 item 3).
byte_buffer mx_rdata(std::uint16_t pref, std::string_view exchange) {
    byte_buffer out;
    byte_writer w(out);
    w.u16(pref);
    w.bytes(wire_name(exchange));
    return out;
}

// The DS digest input (RFC 4034 §5.1.4): owner name, then the DNSKEY RDATA.
byte_buffer ds_input(std::string_view owner, std::uint16_t flags, std::uint8_t alg,
                     bytes_view key) {
    byte_buffer out = wire_name(owner);
    byte_writer w(out);
    w.u16(flags);
    w.u8(3); // protocol (RFC 4034 §2.1.2)
    w.u8(alg);
    w.bytes(key);
    return out;
}

byte_buffer flip(bytes_view b, std::size_t at, unsigned bit = 0) {
    byte_buffer out(b.begin(), b.end());
    out[at] ^= std::byte(1u << bit);
    return out;
}

const algorithm all_supported_candidates[] = {
    algorithm::rsasha1,         algorithm::rsasha1_nsec3_sha1,
    algorithm::rsasha256,       algorithm::rsasha512,
    algorithm::ecdsap256sha256, algorithm::ecdsap384sha384,
    algorithm::ed25519,         algorithm::ed448,
};

} // namespace

TEST_CASE("the Botan backend models both concepts: it verifies and it signs") {
    static_assert(verifier_backend<botan_backend>);
    static_assert(signing_backend<botan_backend>);
}

TEST_CASE("supported algorithms are those of RFC 8624 §3.1 a validator must or should have") {
    botan_backend b;
    for (auto a : {algorithm::rsasha1, algorithm::rsasha1_nsec3_sha1, algorithm::rsasha256,
                   algorithm::rsasha512, algorithm::ecdsap256sha256, algorithm::ecdsap384sha384,
                   algorithm::ed25519})
        CHECK_MESSAGE(b.supports(a), to_string(a));
#if defined(BOTAN_HAS_ED448)
    CHECK(b.supports(algorithm::ed448));
#else
    CHECK(!b.supports(algorithm::ed448));
#endif
    for (auto a : {algorithm{0}, algorithm::rsamd5, algorithm::dh, algorithm::dsa, algorithm{4},
                   algorithm::dsa_nsec3_sha1, algorithm{9}, algorithm{11}, algorithm::ecc_gost,
                   algorithm{17}, algorithm{123}, algorithm::indirect, algorithm::privatedns,
                   algorithm::privateoid, algorithm{255}})
        CHECK_MESSAGE(!b.supports(a), to_string(a));
}

TEST_CASE("unsupported algorithms report unsupported, for parsing and for key generation") {
    botan_backend b;
    byte_buffer key = b64("AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgt"
                          "vd4Qs8PkxUdp6p/DlUmObdk=");
    for (auto a : {algorithm::rsamd5, algorithm::dsa, algorithm::dsa_nsec3_sha1,
                   algorithm::ecc_gost, algorithm{200}, algorithm::privateoid}) {
        CHECK(b.parse_public_key(a, key).error() == errc::unsupported_algorithm);
        CHECK(b.generate_key(a).error() == errc::unsupported_algorithm);
    }
#if !defined(BOTAN_HAS_ED448)
    CHECK(b.parse_public_key(algorithm::ed448, byte_buffer(57)).error() ==
          errc::unsupported_algorithm);
#endif
}

TEST_CASE("DS digest types 1, 2 and 4 are supported; GOST and unassigned are not") {
    botan_backend b;
    CHECK(b.supports_digest(digest_type::sha1));
    CHECK(b.supports_digest(digest_type::sha256));
    CHECK(b.supports_digest(digest_type::sha384));
    CHECK(!b.supports_digest(digest_type::gost));
    CHECK(!b.supports_digest(digest_type{0}));
    CHECK(!b.supports_digest(digest_type{5}));
}

TEST_CASE("digests of \"abc\" match FIPS 180 test vectors") {
    botan_backend b;
    auto abc = as_bytes("abc");
    CHECK(to_hex(b.digest(hash_algorithm::sha1, abc)->bytes()) ==
          "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(to_hex(b.digest(hash_algorithm::sha256, abc)->bytes()) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(to_hex(b.digest(hash_algorithm::sha384, abc)->bytes()) ==
          "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
          "8086072ba1e7cc2358baeca134c825a7");
    CHECK(to_hex(b.digest(hash_algorithm::sha512, abc)->bytes()) ==
          "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    CHECK(to_hex(b.digest(hash_algorithm::sha256, bytes_view{})->bytes()) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("digests over pieces equal the digest of their concatenation; hashers reset") {
    botan_backend b;
    auto whole = b.digest(hash_algorithm::sha1, as_bytes("abcdef")).value();
    CHECK(
        b.digest(hash_algorithm::sha1, {as_bytes("ab"), as_bytes(""), as_bytes("cdef")}).value() ==
        whole);
    auto h = b.make_hasher(hash_algorithm::sha1).value();
    h.update(as_bytes("abc"));
    h.update(as_bytes("def"));
    CHECK(h.final() == whole);
    // After final() the hasher starts over, as NSEC3's iterations need (RFC 5155 §5).
    h.update(as_bytes("abcdef"));
    CHECK(h.final() == whole);
    CHECK(h.final() == b.digest(hash_algorithm::sha1, bytes_view{}).value());
}

TEST_CASE("DS digests of RFC 4034 §5.4, RFC 4509 §2.3, RFC 6605 §6 and RFC 8080 §6") {
    botan_backend b;
    struct vector {
        std::string_view owner;
        std::uint16_t flags;
        std::uint8_t alg;
        std::string_view key;
        hash_algorithm hash;
        std::string_view digest;
    };
    const vector vectors[] = {
        {"dskey.example.com.", 256, 5,
         "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMm"
         "mAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==",
         hash_algorithm::sha1, "2bb183af5f22588179a53b0a98631fad1a292118"},
        {"dskey.example.com.", 256, 5,
         "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMm"
         "mAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==",
         hash_algorithm::sha256,
         "d4b7d520e7bb5f0f67674a0cceb1e3e0614b93c4f9e99b8383f6a1e4469da50a"},
        {"example.net.", 257, 13,
         "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==",
         hash_algorithm::sha256,
         "b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17"},
        {"example.net.", 257, 14,
         "xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8"
         "/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
         hash_algorithm::sha384,
         "72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f27e305c6a9b0563a9b5f4d288405c3008a94"
         "6df983d6"},
        {"example.com.", 257, 15,
         "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=", hash_algorithm::sha256,
         "3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b"},
        {"example.com.", 257, 15,
         "zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=", hash_algorithm::sha256,
         "401781b934e392de492ec77ae2e15d70f6575a1c0bc59c5275c04ebe80c6614c"},
        {"example.com.", 257, 16,
         "3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx1FYYUcJKm1MDpJtIA",
         hash_algorithm::sha256,
         "6ccf18d5bc5d7fc2fceb1d59d17321402f2aa8d368048db93dd811f5cb2b19c7"},
        {"example.com.", 257, 16,
         "kkreGWoccSDmUBGAe7+zsbG6ZAFQp+syPmYUurBRQc3tDjeMCJcVMRDmgcNLp5HlHAMy12VoISsA",
         hash_algorithm::sha256,
         "645ff078b3568f5852b70cb60e8e696cc77b75bfaaffc118cf79cbda1ba28af4"},
    };
    for (const auto& v : vectors) {
        auto input = ds_input(v.owner, v.flags, v.alg, b64(v.key));
        CHECK_MESSAGE(to_hex(b.digest(v.hash, input)->bytes()) == v.digest, v.key);
    }
}

TEST_CASE("for every algorithm, a generated key signs and verifies; flipped bits fail") {
    botan_backend b;
    const auto data = as_bytes("www.example.net. 3600 IN A 192.0.2.1, or any octets at all");
    for (auto alg : all_supported_candidates) {
        if (!b.supports(alg)) continue;
        CAPTURE(to_string(alg));
        // 1024-bit RSA keeps the test quick; the size rules are tested below.
        auto gen = b.generate_key(alg, 1024);
        REQUIRE(gen.has_value());
        CHECK(gen->private_key.alg() == alg);
        auto key = b.parse_public_key(alg, gen->public_key);
        REQUIRE(key.has_value());
        CHECK(key->alg() == alg);
        auto sig = b.sign(gen->private_key, data);
        REQUIRE(sig.has_value());
        CHECK(sig->size() == key->signature_size());
        CHECK(b.verify(*key, data, *sig).has_value());
        // The cached verifier serves the next call as well.
        CHECK(b.verify(*key, data, *sig).has_value());

        // A flipped bit in the data, at the start, middle and end.
        for (std::size_t at : {std::size_t{0}, data.size() / 2, data.size() - 1})
            CHECK(b.verify(*key, flip(data, at), *sig).error() == errc::signature_mismatch);
        // ... in the signature.
        for (std::size_t at : {std::size_t{0}, sig->size() / 2, sig->size() - 1})
            CHECK(!b.verify(*key, data, flip(*sig, at, 3)).has_value());
        // ... in the key: rejected when parsed, or the signature does not verify.
        for (std::size_t at : {gen->public_key.size() / 2, gen->public_key.size() - 2}) {
            auto bad = b.parse_public_key(alg, flip(gen->public_key, at, 1));
            if (bad.has_value()) CHECK(!b.verify(*bad, data, *sig).has_value());
        }
        // The good signature still verifies after all those failures.
        CHECK(b.verify(*key, data, *sig).has_value());

        // Data given in pieces is their concatenation.
        CHECK(b.verify(*key, {data.first(10), bytes_view{}, data.subspan(10)}, *sig).has_value());
        auto sig2 = b.sign(gen->private_key, {data.first(3), data.subspan(3)});
        REQUIRE(sig2.has_value());
        CHECK(b.verify(*key, data, *sig2).has_value());

        // Copies verify on their own verifier.
        auto copy = *key;
        CHECK(b.verify(copy, data, *sig).has_value());
        botan_backend::public_key assigned;
        assigned = copy;
        CHECK(b.verify(assigned, data, *sig).has_value());
    }
}

TEST_CASE("a signature verifies only with the key that made it") {
    botan_backend b;
    auto data = as_bytes("data");
    auto k1 = b.generate_key(algorithm::ecdsap256sha256).value();
    auto k2 = b.generate_key(algorithm::ecdsap256sha256).value();
    auto sig = b.sign(k1.private_key, data).value();
    CHECK(b.verify(b.parse_public_key(algorithm::ecdsap256sha256, k2.public_key).value(), data, sig)
              .error() == errc::signature_mismatch);
    // The same key octets under another algorithm number.
    auto k3 = b.generate_key(algorithm::rsasha256, 1024).value();
    auto sig3 = b.sign(k3.private_key, data).value();
    auto as_sha512 = b.parse_public_key(algorithm::rsasha512, k3.public_key).value();
    CHECK(b.verify(as_sha512, data, sig3).error() == errc::signature_mismatch);
}

TEST_CASE("RSA key sizes: 1024 to 4096 bits by default, 2048 generated unless asked") {
    botan_backend b;
    auto k = b.generate_key(algorithm::rsasha256).value();
    auto key = b.parse_public_key(algorithm::rsasha256, k.public_key).value();
    CHECK(key.bits() == 2048);
    CHECK(key.signature_size() == 256);
    // RFC 3110 §2 field: exponent length 3, then 65537.
    CHECK(to_hex(bytes_view(k.public_key).first(4)) == "03010001");
    CHECK(b.generate_key(algorithm::rsasha256, 512).error() == errc::key_too_small);
    CHECK(b.generate_key(algorithm::rsasha256, 8192).error() == errc::key_too_large);
}

TEST_CASE("RFC 5702 §6.1: the 512-bit RSASHA256 example is too small, and verifies if allowed") {
    auto key = b64("AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8Pk"
                   "xUdp6p/DlUmObdk=");
    auto sig = b64("kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK/lP"
                   "tPiVYP4bwg==");
    auto data = signed_data({1, 8, 3, 3600, rrsig_time(2030, 1, 1, 0, 0, 0),
                             rrsig_time(2000, 1, 1, 0, 0, 0), 9033, "example.net."},
                            "www.example.net.", 1, 3600, a_rdata(192, 0, 2, 91));

    CHECK(botan_backend().parse_public_key(algorithm::rsasha256, key).error() ==
          errc::key_too_small);

    botan_backend lax(key_limits{.min_rsa_bits = 512});
    auto k = lax.parse_public_key(algorithm::rsasha256, key);
    REQUIRE(k.has_value());
    CHECK(k->bits() == 512);
    CHECK(lax.verify(*k, data, sig).has_value());
    CHECK(lax.verify(*k, flip(data, 20), sig).error() == errc::signature_mismatch);
}

TEST_CASE("RFC 5702 §6.2: RSASHA512 example signature verifies") {
    botan_backend b;
    auto key = b64("AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQujX/AyhqFD"
                   "xj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpztNFLpPBz1bWXjDtaR7ZQ"
                   "BlZ3PFY12ZTSncorffcGmhOL");
    auto sig = b64("tsb4wnjRUDnB1BUi+t6TMTXThjVnG+eCkWqjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJRaeUw1ep9"
                   "4PzEWzr0iGYgZBWm/zpq+9fOuagYJRfDqfReKBzMweOLDiNa8iP5g9vMhpuv6OPlvpXwm9Sa9ZXI"
                   "bNl1MBGk0fthPgxdDLw=");
    auto data = signed_data({1, 10, 3, 3600, rrsig_time(2030, 1, 1, 0, 0, 0),
                             rrsig_time(2000, 1, 1, 0, 0, 0), 3740, "example.net."},
                            "www.example.net.", 1, 3600, a_rdata(192, 0, 2, 91));
    auto k = b.parse_public_key(algorithm::rsasha512, key);
    REQUIRE(k.has_value());
    CHECK(k->bits() == 1024);
    CHECK(b.verify(*k, data, sig).has_value());
    // Same key and signature under RSASHA256: the digest differs, so it must fail.
    CHECK(b.verify(b.parse_public_key(algorithm::rsasha256, key).value(), data, sig).error() ==
          errc::signature_mismatch);
}

TEST_CASE("RFC 6605 §6.1 and §6.2: ECDSA example signatures verify") {
    botan_backend b;
    {
        auto key = b64("GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+"
                       "Wi9xMWyQLc8NAA==");
        auto sig = b64("qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus"
                       "7ZwmwWep666VCw==");
        auto data = signed_data({1, 13, 3, 3600, rrsig_time(2010, 9, 9, 10, 4, 39),
                                 rrsig_time(2010, 8, 12, 10, 4, 39), 55648, "example.net."},
                                "www.example.net.", 1, 3600, a_rdata(192, 0, 2, 1));
        auto k = b.parse_public_key(algorithm::ecdsap256sha256, key);
        REQUIRE(k.has_value());
        CHECK(k->bits() == 256);
        CHECK(b.verify(*k, data, sig).has_value());
        CHECK(b.verify(*k, flip(data, data.size() - 1), sig).error() == errc::signature_mismatch);
    }
    {
        auto key = b64("xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X"
                       "1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40");
        auto sig = b64("/L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74"
                       "hbavRKayJNuydCuzWTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm");
        auto data = signed_data({1, 14, 3, 3600, rrsig_time(2010, 9, 9, 10, 20, 25),
                                 rrsig_time(2010, 8, 12, 10, 20, 25), 10771, "example.net."},
                                "www.example.net.", 1, 3600, a_rdata(192, 0, 2, 1));
        auto k = b.parse_public_key(algorithm::ecdsap384sha384, key);
        REQUIRE(k.has_value());
        CHECK(k->bits() == 384);
        CHECK(b.verify(*k, data, sig).has_value());
        CHECK(b.verify(*k, flip(data, 0), sig).error() == errc::signature_mismatch);
    }
}

namespace {
struct eddsa_example {
    algorithm alg;
    std::uint16_t key_tag;
    std::string_view key, sig;
};
// RFC 8080 §6.1 and §6.2. The RRSIGs there print "MX 3 3600": the algorithm field is
// missing (erratum 4935), and the labels field says 3 where the owner example.com. has
// 2. The signatures were computed over labels = 3, as printed: with the algorithm field
// restored they verify over that data and not over labels = 2. (A validator would refuse
// these RRSIGs before any crypto, as RFC 4035 §5.3.1 forbids labels above the owner's
// count; this layer only checks the signature over the octets it is given.)
const eddsa_example eddsa_examples[] = {
    {algorithm::ed25519, 3613, "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
     "Edk+IB9KNNWg0HAjm7FazXyrd5m3Rk8zNZbvNpAcM+eysqcUOMIjWoevFkjH5GaMWeG96GUVZu6ECKOQmemHDg=="},
    {algorithm::ed25519, 35217, "zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=",
     "5LL2obmzdqjWI+Xto5eP5adXt/T5tMhasWvwcyW4L3SzfcRawOle9bodhC+oip9ayUGjY9T/rL4rN3bOuESGDA=="},
    {algorithm::ed448, 9713,
     "3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx1FYYUcJKm1MDpJtIA",
     "Nmc0rgGKpr3GKYXcB1JmqqS4NYwhmechvJTqVzt3jR+Qy/lSLFoIk1L+9e39GPL+5tVzDPN3f9kAwiu8KCuPPjtl2"
     "27ayaCZtRKZuJax7n9NuYlZJIusX0SOIOKBGzG+yWYtz1/jjbzl5GGkWvREUCUA"},
    {algorithm::ed448, 38353,
     "kkreGWoccSDmUBGAe7+zsbG6ZAFQp+syPmYUurBRQc3tDjeMCJcVMRDmgcNLp5HlHAMy12VoISsA",
     "+JjANio/LIzp7osmMYE5XD3H/YES8kXs5Vb9H8MjPS8OAGZMD37+LsCIcjg5ivt0d4Om/UaqETEAsJjaYe56CEQP5"
     "lhRWuD2ivBqE0zfwJTyp4WqvpULbpvaukswvv/WNEFxzEYQEIm9+xDlXj4pMAMA"},
};
} // namespace

namespace {
// Verifies each example's signature over the RRSIG with `signed_labels`, and checks that
// it does not verify over `other_labels`.
void check_eddsa_examples(std::span<const eddsa_example> examples, std::uint8_t signed_labels,
                          std::uint8_t other_labels) {
    botan_backend b;
    for (const auto& ex : examples) {
        CAPTURE(ex.key_tag);
        if (!b.supports(ex.alg)) {
            MESSAGE(to_string(ex.alg) << " not in this Botan: example skipped");
            continue;
        }
        auto alg = static_cast<std::uint8_t>(ex.alg);
        auto fields = [&](std::uint8_t labels) {
            return rrsig_fields{15,         alg,        labels,     3600,
                                1440021600, 1438207200, ex.key_tag, "example.com."};
        };
        auto rdata = mx_rdata(10, "mail.example.com.");
        auto key = b.parse_public_key(ex.alg, b64(ex.key));
        REQUIRE(key.has_value());
        auto sig = b64(ex.sig);
        CHECK(
            b.verify(*key, signed_data(fields(signed_labels), "example.com.", 15, 3600, rdata), sig)
                .has_value());
        CHECK(
            b.verify(*key, signed_data(fields(other_labels), "example.com.", 15, 3600, rdata), sig)
                .error() == errc::signature_mismatch);
    }
}
} // namespace

TEST_CASE("RFC 8080 §6.1 and §6.2: EdDSA example signatures verify (algorithm field restored)") {
    // The labels value an RRSIG for example.com. should carry (2) is not what was signed.
    check_eddsa_examples(eddsa_examples, 3, 2);
}

TEST_CASE("malformed RSA keys are errors, not exceptions") {
    botan_backend b;
    auto good = b.generate_key(algorithm::rsasha256, 1024).value().public_key;
    bytes_view g = good;
    auto modulus = g.subspan(4); // after 03 01 00 01
    auto alg = algorithm::rsasha256;
    auto parse = [&](std::initializer_list<bytes_view> parts) {
        byte_buffer field;
        for (auto p : parts)
            field.insert(field.end(), p.begin(), p.end());
        return b.parse_public_key(alg, field);
    };
    CHECK(b.parse_public_key(alg, good).has_value());
    CHECK(b.parse_public_key(alg, bytes_view{}).error() == errc::bad_key);
    CHECK(b.parse_public_key(alg, hex("03010001")).error() == errc::bad_key); // no modulus
    CHECK(b.parse_public_key(alg, hex("00")).error() == errc::bad_key);
    CHECK(b.parse_public_key(alg, hex("0000")).error() == errc::bad_key);
    // The three-octet length form with length zero.
    CHECK(parse({hex("000000"), modulus}).error() == errc::bad_key);
    // The three-octet form is valid with a nonzero length, even one that would fit in one.
    CHECK(parse({hex("000003010001"), modulus}).has_value());
    // An exponent length running past the end.
    CHECK(b.parse_public_key(alg, hex("ff0100")).error() == errc::bad_key);
    CHECK(b.parse_public_key(alg, hex("00ffff01")).error() == errc::bad_key);
    // Exponents that are zero, one or even.
    CHECK(parse({hex("0100"), modulus}).error() == errc::bad_key);
    CHECK(parse({hex("0101"), modulus}).error() == errc::bad_key);
    CHECK(parse({hex("0102"), modulus}).error() == errc::bad_key);
    CHECK(parse({hex("0103"), modulus}).has_value());
    // Leading zero octets do not change the number.
    CHECK(parse({hex("0400010001"), modulus}).has_value());
    // An exponent over 64 bits is refused (the cost of a verification grows with it).
    CHECK(parse({hex("09010000000000000001"), modulus}).error() == errc::key_too_large);
    CHECK(parse({hex("08ff00000000000001"), modulus}).has_value());
    // An even modulus.
    CHECK(parse({hex("03010001"), flip(modulus, modulus.size() - 1)}).error() == errc::bad_key);
    // Too small: 1016 bits, and a modulus that is 1024 bits only with a leading zero.
    CHECK(parse({hex("03010001"), modulus.subspan(1)}).error() == errc::key_too_small);
    CHECK(parse({hex("0301000100"), modulus.subspan(1)}).error() == errc::key_too_small);
    // Too large: 4104 bits.
    byte_buffer big(513, std::byte{0xff});
    CHECK(parse({hex("03010001"), big}).error() == errc::key_too_large);
}

TEST_CASE("RSA signatures must be exactly as long as the modulus") {
    botan_backend b;
    auto gen = b.generate_key(algorithm::rsasha1, 1024).value();
    auto key = b.parse_public_key(algorithm::rsasha1, gen.public_key).value();
    auto data = as_bytes("data");
    auto sig = b.sign(gen.private_key, data).value();
    REQUIRE(sig.size() == 128);
    CHECK(b.verify(key, data, bytes_view(sig).first(127)).error() == errc::bad_signature_format);
    byte_buffer longer = sig;
    longer.insert(longer.begin(), std::byte{0});
    CHECK(b.verify(key, data, longer).error() == errc::bad_signature_format);
    CHECK(b.verify(key, data, bytes_view{}).error() == errc::bad_signature_format);
    // A value not below the modulus is not a signature; Botan may throw inside.
    CHECK(b.verify(key, data, byte_buffer(128, std::byte{0xff})).error() ==
          errc::signature_mismatch);
    CHECK(b.verify(key, data, byte_buffer(128)).error() == errc::signature_mismatch);
    CHECK(b.verify(key, data, sig).has_value());
}

TEST_CASE("malformed ECDSA and EdDSA keys and signatures are errors, not exceptions") {
    botan_backend b;
    auto p256 = b64("GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+"
                    "Wi9xMWyQLc8NAA==");
    bytes_view k = p256;
    auto alg = algorithm::ecdsap256sha256;
    CHECK(b.parse_public_key(alg, k).has_value());
    CHECK(b.parse_public_key(alg, k.first(63)).error() == errc::bad_key);
    byte_buffer longer(p256);
    longer.push_back(std::byte{0});
    CHECK(b.parse_public_key(alg, longer).error() == errc::bad_key);
    // With the SEC 1 prefix octet that DNSSEC leaves out (RFC 6605 §4).
    byte_buffer prefixed;
    byte_writer(prefixed).u8(4);
    byte_writer(prefixed).bytes(p256);
    CHECK(b.parse_public_key(alg, prefixed).error() == errc::bad_key);
    CHECK(b.parse_public_key(alg, bytes_view(prefixed).first(64)).error() == errc::bad_key);
    // Not on the curve.
    CHECK(b.parse_public_key(alg, flip(p256, 63)).error() == errc::bad_key);
    CHECK(b.parse_public_key(alg, byte_buffer(64)).error() == errc::bad_key);
    // A P-256 key is not a P-384 key.
    CHECK(b.parse_public_key(algorithm::ecdsap384sha384, p256).error() == errc::bad_key);

    auto key = b.parse_public_key(alg, p256).value();
    auto data = as_bytes("data");
    CHECK(b.verify(key, data, byte_buffer(63)).error() == errc::bad_signature_format);
    CHECK(b.verify(key, data, byte_buffer(65)).error() == errc::bad_signature_format);
    CHECK(b.verify(key, data, byte_buffer(96)).error() == errc::bad_signature_format);
    // r = s = 0 and r = s = all ones: right length, never valid.
    CHECK(b.verify(key, data, byte_buffer(64)).error() == errc::signature_mismatch);
    CHECK(b.verify(key, data, byte_buffer(64, std::byte{0xff})).error() ==
          errc::signature_mismatch);

    auto ed = b64("l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=");
    CHECK(b.parse_public_key(algorithm::ed25519, bytes_view(ed).first(31)).error() ==
          errc::bad_key);
    byte_buffer ed33(ed);
    ed33.push_back(std::byte{0});
    CHECK(b.parse_public_key(algorithm::ed25519, ed33).error() == errc::bad_key);
    CHECK(b.parse_public_key(algorithm::ed25519, bytes_view{}).error() == errc::bad_key);
    auto edkey = b.parse_public_key(algorithm::ed25519, ed).value();
    CHECK(edkey.signature_size() == 64);
    CHECK(b.verify(edkey, data, byte_buffer(63)).error() == errc::bad_signature_format);
    CHECK(b.verify(edkey, data, byte_buffer(114)).error() == errc::bad_signature_format);
    CHECK(b.verify(edkey, data, byte_buffer(64)).error() == errc::signature_mismatch);
    CHECK(b.verify(edkey, data, byte_buffer(64, std::byte{0xff})).error() ==
          errc::signature_mismatch);

    if (b.supports(algorithm::ed448)) {
        CHECK(b.parse_public_key(algorithm::ed448, byte_buffer(56)).error() == errc::bad_key);
        CHECK(b.parse_public_key(algorithm::ed448, ed).error() == errc::bad_key);
        auto k448 = b.parse_public_key(algorithm::ed448, b64(eddsa_examples[2].key)).value();
        CHECK(k448.bits() == 448);
        CHECK(b.verify(k448, data, byte_buffer(64)).error() == errc::bad_signature_format);
        CHECK(b.verify(k448, data, byte_buffer(114)).error() == errc::signature_mismatch);
    }
}

TEST_CASE("an empty key object verifies nothing and signs nothing") {
    botan_backend b;
    botan_backend::public_key none;
    CHECK(!none.valid());
    CHECK(b.verify(none, as_bytes("x"), as_bytes("y")).error() == errc::bad_key);
    CHECK(b.sign(botan_backend::private_key{}, as_bytes("x")).error() == errc::bad_key);
    auto gen = b.generate_key(algorithm::ed25519).value();
    auto key = b.parse_public_key(algorithm::ed25519, gen.public_key).value();
    auto moved = std::move(key);
    CHECK(moved.valid());
    CHECK(
        b.verify(moved, as_bytes("x"), b.sign(gen.private_key, as_bytes("x")).value()).has_value());
}

TEST_CASE("a seeded backend makes the same keys and signatures on every run") {
    auto seed = as_bytes("dane test fixtures");
    for (auto alg : {algorithm::ecdsap256sha256, algorithm::ed25519, algorithm::rsasha256}) {
        CAPTURE(to_string(alg));
        auto a = botan_backend::deterministic(seed);
        auto b = botan_backend::deterministic(seed);
        auto c = botan_backend::deterministic(as_bytes("another seed"));
        auto ka = a.generate_key(alg, 1024).value();
        auto kb = b.generate_key(alg, 1024).value();
        auto kc = c.generate_key(alg, 1024).value();
        CHECK(ka.public_key == kb.public_key);
        CHECK(ka.public_key != kc.public_key);
        auto sa = a.sign(ka.private_key, as_bytes("data")).value();
        auto sb = b.sign(kb.private_key, as_bytes("data")).value();
        CHECK(sa == sb);
        auto key = a.parse_public_key(alg, ka.public_key).value();
        CHECK(a.verify(key, as_bytes("data"), sa).has_value());
    }
}

namespace {
// The same four examples as corrected by verified erratum 4935: RRSIGs with labels 2
// and signatures recomputed over that (also in tests/data/dnssec/rfc8080-*.zone).
const eddsa_example erratum_4935_examples[] = {
    {algorithm::ed25519, 3613, "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
     "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg=="},
    {algorithm::ed25519, 35217, "zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=",
     "zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg=="},
    {algorithm::ed448, 9713,
     "3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx1FYYUcJKm1MDpJtIA",
     "3cPAHkmlnxcDHMyg7vFC34l0blBhuG1qpwLmjInI8w1CMB29FkEAIJUA0amxWndkmnBZ6SKiwZSAxGILn/NBtOX"
     "ft0+Gj7FSvOKxE/07+4RQvE581N3Aj/JtIyaiYVdnYtyMWbSNyGEY2213WKsJlwEA"},
    {algorithm::ed448, 38353,
     "kkreGWoccSDmUBGAe7+zsbG6ZAFQp+syPmYUurBRQc3tDjeMCJcVMRDmgcNLp5HlHAMy12VoISsA",
     "E1/oLjSGIbmLny/4fcgM1z4oL6aqo+izT3urCyHyvEp4Sp8Syg1eI+lJ57CSnZqjJP41O/9l4m0AsQ4f7qI1gVn"
     "ML8vWWiyW2KXhT9kuAICUSxv5OWbf81Rq7Yu60npabODB0QFPb/rkW3kUZmQ0YQUA"},
};
} // namespace

TEST_CASE("RFC 8080 erratum 4935: the corrected EdDSA signatures verify over labels 2") {
    check_eddsa_examples(erratum_4935_examples, 2, 3);
}
