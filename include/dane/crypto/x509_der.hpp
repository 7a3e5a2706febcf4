// A small, bounded DER reader for the parts of an X.509 certificate (RFC 5280 §4.1) that
// DANE needs whatever a full parser thinks of the rest: the TBSCertificate, the issuer and
// subject names as DER, the validity times, the SubjectPublicKeyInfo, the signature
// algorithm and value. Botan's parser refuses validity years above 3100 (RFC 5280
// §4.1.2.5 gives 99991231235959Z for "no well-defined expiration"), and Botan 2 cannot
// hold years from 2262 in a system_clock time point; this reader has neither limit.
//
// It reads one fixed structure (no recursion into unknown data): every length is checked
// against what is left, only definite minimal lengths of at most four octets and
// single-octet tags are accepted (X.690 §10.1 and §8.1.2), nothing is copied.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "dane/core/bytes.hpp"
#include "dane/core/result.hpp"
#include "dane/crypto/x509.hpp"

namespace dane::crypto {

namespace der {

inline constexpr std::uint8_t sequence = 0x30;
inline constexpr std::uint8_t integer = 0x02;
inline constexpr std::uint8_t bit_string = 0x03;
inline constexpr std::uint8_t utc_time = 0x17;
inline constexpr std::uint8_t generalized_time = 0x18;
inline constexpr std::uint8_t explicit_0 = 0xa0; // [0] EXPLICIT, constructed
inline constexpr std::uint8_t implicit_1 = 0x81; // [1] IMPLICIT issuerUniqueID
inline constexpr std::uint8_t implicit_2 = 0x82; // [2] IMPLICIT subjectUniqueID
inline constexpr std::uint8_t explicit_3 = 0xa3; // [3] EXPLICIT extensions

// One element: its tag, the whole encoding and the contents.
struct element {
    std::uint8_t tag = 0;
    bytes_view whole;
    bytes_view contents;
};

// Reads the elements of one level in order.
class reader {
public:
    explicit reader(bytes_view in) noexcept : in_(in) {}

    bool empty() const noexcept { return pos_ == in_.size(); }
    std::optional<std::uint8_t> peek_tag() const noexcept {
        if (empty()) return std::nullopt;
        return std::to_integer<std::uint8_t>(in_[pos_]);
    }

    result<element> next() noexcept {
        const std::size_t start = pos_;
        const std::size_t left = in_.size() - pos_;
        if (left < 2) return fail(x509_errc::bad_certificate);
        auto tag = std::to_integer<std::uint8_t>(in_[pos_]);
        if ((tag & 0x1f) == 0x1f) return fail(x509_errc::bad_certificate); // multi-octet tag
        std::size_t len = std::to_integer<std::size_t>(in_[pos_ + 1]);
        std::size_t header = 2;
        if (len & 0x80) {
            std::size_t n = len & 0x7f;
            if (n == 0 || n > 4 || left < 2 + n) return fail(x509_errc::bad_certificate);
            if (in_[pos_ + 2] == std::byte{0}) return fail(x509_errc::bad_certificate);
            len = 0;
            for (std::size_t i = 0; i < n; ++i)
                len = len << 8 | std::to_integer<std::size_t>(in_[pos_ + 2 + i]);
            if (len < 128) return fail(x509_errc::bad_certificate); // not minimal
            header += n;
        }
        if (left - header < len) return fail(x509_errc::bad_certificate);
        pos_ += header + len;
        return element{tag, in_.subspan(start, header + len), in_.subspan(start + header, len)};
    }

    // The next element, which must carry `tag`.
    result<element> expect(std::uint8_t tag) noexcept {
        auto e = next();
        if (!e) return e;
        if (e->tag != tag) return fail(x509_errc::bad_certificate);
        return e;
    }

    std::size_t offset() const noexcept { return pos_; }

private:
    bytes_view in_;
    std::size_t pos_ = 0;
};

// The length octets of a DER element of `len` content octets.
inline void append_length(byte_buffer& out, std::size_t len) {
    if (len < 128) {
        out.push_back(static_cast<std::byte>(len));
        return;
    }
    std::byte octets[sizeof(std::size_t)];
    std::size_t n = 0;
    for (; len > 0; len >>= 8)
        octets[n++] = static_cast<std::byte>(len & 0xff);
    out.push_back(static_cast<std::byte>(0x80 | n));
    while (n > 0)
        out.push_back(octets[--n]);
}

} // namespace der

// A validity time (RFC 5280 §4.1.2.5): UTCTime "YYMMDDHHMMSSZ" with YY >= 50 meaning 19YY
// and YY < 50 meaning 20YY (§4.1.2.5.1), or GeneralizedTime "YYYYMMDDHHMMSSZ" without
// fractions (§4.1.2.5.2), to the second in sys_seconds (which holds every year to 9999).
inline result<std::chrono::sys_seconds> parse_x509_time(const der::element& e) noexcept {
    const bool utc = e.tag == der::utc_time;
    if (!utc && e.tag != der::generalized_time) return fail(x509_errc::bad_validity);
    const std::size_t digits = utc ? 12 : 14;
    if (e.contents.size() != digits + 1 || e.contents[digits] != std::byte{'Z'})
        return fail(x509_errc::bad_validity);
    int v[7] = {};
    std::size_t at = 0;
    auto two = [&](int& out) {
        auto a = std::to_integer<int>(e.contents[at]), b = std::to_integer<int>(e.contents[at + 1]);
        at += 2;
        if (a < '0' || a > '9' || b < '0' || b > '9') return false;
        out = (a - '0') * 10 + (b - '0');
        return true;
    };
    int century = 0, year = 0;
    if (!utc && !two(century)) return fail(x509_errc::bad_validity);
    if (!two(year)) return fail(x509_errc::bad_validity);
    for (int i = 1; i < 6; ++i)
        if (!two(v[i])) return fail(x509_errc::bad_validity);
    int full_year = utc ? (year >= 50 ? 1900 + year : 2000 + year) : century * 100 + year;
    using namespace std::chrono;
    year_month_day ymd{std::chrono::year{full_year}, month{static_cast<unsigned>(v[1])},
                       day{static_cast<unsigned>(v[2])}};
    if (!ymd.ok() || v[3] > 23 || v[4] > 59 || v[5] > 59) return fail(x509_errc::bad_validity);
    return sys_seconds{sys_days{ymd}} + hours{v[3]} + minutes{v[4]} + seconds{v[5]};
}

// Where the parts of one DER certificate are (views into the caller's buffer).
struct certificate_fields {
    bytes_view tbs;                 // TBSCertificate, whole
    bytes_view issuer;              // Name, whole
    bytes_view validity;            // Validity, whole
    bytes_view subject;             // Name, whole
    bytes_view spki;                // SubjectPublicKeyInfo, whole
    bytes_view signature_algorithm; // outer AlgorithmIdentifier, whole
    bytes_view signature;           // BIT STRING, whole
    // The validity times, or the error that reading them gave: a certificate whose dates
    // cannot be read still has a SubjectPublicKeyInfo to match (RFC 7671 §5.1).
    result<std::chrono::sys_seconds> not_before = fail(x509_errc::bad_validity);
    result<std::chrono::sys_seconds> not_after = fail(x509_errc::bad_validity);
};

// Reads Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
// (RFC 5280 §4.1) from exactly `der`.
inline result<certificate_fields> read_certificate_fields(bytes_view der) noexcept {
    certificate_fields f;
    der::reader outer(der);
    auto cert = outer.expect(der::sequence);
    if (!cert || !outer.empty()) return fail(x509_errc::bad_certificate);
    der::reader top(cert->contents);
    auto tbs = top.expect(der::sequence);
    auto alg = tbs ? top.expect(der::sequence) : tbs;
    auto sig = alg ? top.expect(der::bit_string) : alg;
    if (!sig || !top.empty()) return fail(x509_errc::bad_certificate);
    f.tbs = tbs->whole;
    f.signature_algorithm = alg->whole;
    f.signature = sig->whole;

    der::reader t(tbs->contents);
    if (t.peek_tag() == der::explicit_0 && !t.next()) // version
        return fail(x509_errc::bad_certificate);
    if (!t.expect(der::integer) || !t.expect(der::sequence)) // serial, signature
        return fail(x509_errc::bad_certificate);
    auto issuer = t.expect(der::sequence);
    auto validity = issuer ? t.expect(der::sequence) : issuer;
    auto subject = validity ? t.expect(der::sequence) : validity;
    auto spki = subject ? t.expect(der::sequence) : subject;
    if (!spki) return fail(x509_errc::bad_certificate);
    // Optional unique identifiers and extensions, in this order, and nothing else.
    for (std::uint8_t tag : {der::implicit_1, der::implicit_2, der::explicit_3})
        if (t.peek_tag() == tag && !t.next()) return fail(x509_errc::bad_certificate);
    if (!t.empty()) return fail(x509_errc::bad_certificate);
    f.issuer = issuer->whole;
    f.validity = validity->whole;
    f.subject = subject->whole;
    f.spki = spki->whole;

    der::reader times(validity->contents);
    auto nb = times.next();
    auto na = nb ? times.next() : nb;
    if (na && times.empty()) {
        f.not_before = parse_x509_time(*nb);
        f.not_after = parse_x509_time(*na);
    }
    return f;
}

// `der` with its validity replaced by `validity` (a whole DER Validity): the same
// certificate for a parser that refuses the real dates. The signature no longer covers
// it; only what does not depend on the dates or the signature may be read from it.
inline byte_buffer with_validity(const certificate_fields& f, bytes_view validity) {
    byte_buffer tbs_contents;
    der::reader tbs(f.tbs);
    auto whole = tbs.next(); // cannot fail: read before
    if (!whole) return {};
    bytes_view c = whole->contents;
    auto before = static_cast<std::size_t>(f.validity.data() - c.data());
    tbs_contents.assign(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(before));
    tbs_contents.insert(tbs_contents.end(), validity.begin(), validity.end());
    tbs_contents.insert(tbs_contents.end(),
                        c.begin() + static_cast<std::ptrdiff_t>(before + f.validity.size()),
                        c.end());
    byte_buffer body{std::byte{der::sequence}};
    der::append_length(body, tbs_contents.size());
    body.insert(body.end(), tbs_contents.begin(), tbs_contents.end());
    body.insert(body.end(), f.signature_algorithm.begin(), f.signature_algorithm.end());
    body.insert(body.end(), f.signature.begin(), f.signature.end());
    byte_buffer out{std::byte{der::sequence}};
    der::append_length(out, body.size());
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

} // namespace dane::crypto
