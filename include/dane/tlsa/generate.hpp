// Making TLSA records from a certificate or a public key (what `danetool --tlsa-rr` and
// `ldns-dane create` do), the pair of records for a key rollover, and the check that a
// published RRset is ready for one (RFC 7671 §8.1: publish "current + next", switch the
// key, then drop "current").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/crypto/x509.hpp"
#include "dane/dns/name.hpp"
#include "dane/tlsa/error.hpp"
#include "dane/tlsa/match.hpp"
#include "dane/tlsa/record.hpp"

namespace dane::tlsa {

namespace detail {
inline result<record> record_from_selected(const auto& backend, bytes_view selected, cert_usage u,
                                           selector_type s, matching_type m) {
    record r;
    r.usage = u;
    r.selector = s;
    r.matching = m;
    switch (m) {
    case matching_type::full:
        r.data.assign(selected.begin(), selected.end());
        break;
    case matching_type::sha2_256:
        if (auto d = backend.digest(crypto::hash_algorithm::sha256, selected))
            r.data = std::move(*d);
        else
            return fail(errc::unsupported);
        break;
    case matching_type::sha2_512:
        if (auto d = backend.digest(crypto::hash_algorithm::sha512, selected))
            r.data = std::move(*d);
        else
            return fail(errc::unsupported);
        break;
    default:
        return fail(errc::unsupported);
    }
    return r;
}
} // namespace detail

// The record with parameters (u, s, m) for the DER certificate `cert_der`. The usage is
// copied as given, even one outside 0-3: generating is not judging.
template <crypto::x509_backend B>
result<record> generate(const B& backend, bytes_view cert_der, cert_usage u = cert_usage::dane_ee,
                        selector_type s = selector_type::spki,
                        matching_type m = matching_type::sha2_256) {
    auto c = backend.parse_certificate(cert_der);
    if (!c) return fail(errc::bad_certificate);
    bytes_view selected;
    if (s == selector_type::cert)
        selected = backend.der(*c);
    else if (s == selector_type::spki)
        selected = backend.spki(*c);
    else
        return fail(errc::unsupported);
    return detail::record_from_selected(backend, selected, u, s, m);
}

// The SPKI(1) record for a bare public key (DER SubjectPublicKeyInfo): how a record for
// the next key is made before its certificate exists (RFC 7671 §8.1).
template <crypto::x509_backend B>
result<record> generate_from_key(const B& backend, bytes_view spki_der,
                                 cert_usage u = cert_usage::dane_ee,
                                 matching_type m = matching_type::sha2_256) {
    if (!backend.parse_public_key(spki_der)) return fail(errc::bad_public_key);
    return detail::record_from_selected(backend, spki_der, u, selector_type::spki, m);
}

// The "current + next" pair of RFC 7671 §8.1 for a key rollover: the record for the
// certificate in use and the one for the next key (a certificate or a bare key; give one).
// When both yield the same record (the same key, selector SPKI) it is listed once.
template <crypto::x509_backend B>
result<std::vector<record>>
rollover_pair(const B& backend, bytes_view current_cert, std::optional<bytes_view> next_cert,
              std::optional<bytes_view> next_key, cert_usage u = cert_usage::dane_ee,
              selector_type s = selector_type::spki, matching_type m = matching_type::sha2_256) {
    auto cur = generate(backend, current_cert, u, s, m);
    if (!cur) return fail(cur.error());
    std::vector<record> out{*cur};
    result<record> next = fail(errc::unsupported);
    if (next_cert)
        next = generate(backend, *next_cert, u, s, m);
    else if (next_key && s == selector_type::spki)
        next = generate_from_key(backend, *next_key, u, m);
    if (!next) return fail(next.error());
    if (!(*next == *cur)) out.push_back(std::move(*next));
    return out;
}

// `owner TTL IN TLSA u s m hex`, a zone-file line.
inline std::string zone_line(dns::name_view owner, const record& r, std::uint32_t ttl = 3600,
                             text_style style = text_style::numeric) {
    std::string s = owner.to_string();
    s += ' ';
    s += std::to_string(ttl);
    s += " IN TLSA ";
    r.append_text(s, style);
    return s;
}

// Whether a published TLSA RRset fits a certificate chain, now and after a rollover.
struct rollover_report {
    std::vector<std::size_t> current_matches; // records matching the current chain
    std::vector<std::size_t> next_matches;    // records matching the next chain
    std::vector<unusable_reason> unusable;    // per record, as in a verification
    bool current_ok = false;
    std::optional<bool> next_ok; // set when a next chain was given
    // True when some usable record is not tied to the current leaf key (a DANE-TA record,
    // or EE records for more than one key): a rollover can then happen without an outage
    // if the next key is covered. internet.nl's rollover test looks for the same.
    bool has_second_association = false;
};

namespace detail {
// Indices of usable records that match `chain`: EE usages the leaf, TA usages a
// certificate above it.
template <crypto::x509_backend B>
std::vector<std::size_t> matching_records(const B& backend, std::span<const record> records,
                                          const std::vector<unusable_reason>& state,
                                          std::span<const bytes_view> chain) {
    std::vector<typename B::certificate> certs;
    for (auto der : chain)
        if (auto c = backend.parse_certificate(der)) certs.push_back(std::move(*c));
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (state[i] != unusable_reason::none) continue;
        bool ta = is_ta_usage(records[i].usage);
        for (std::size_t d = ta ? 1 : 0; d < certs.size() && (ta || d == 0); ++d) {
            association_forms<B> forms(backend, certs[d]);
            if (forms.matches(records[i])) {
                out.push_back(i);
                break;
            }
        }
    }
    return out;
}
} // namespace detail

template <crypto::x509_backend B>
rollover_report check_rollover(const B& backend, std::span<const record> records,
                               std::span<const bytes_view> current_chain,
                               std::optional<std::span<const bytes_view>> next_chain,
                               profile p = profile::smtp) {
    rollover_report rep;
    rep.unusable.resize(records.size());
    for (std::size_t i = 0; i < records.size(); ++i)
        rep.unusable[i] = check_parameters(records[i], p);
    apply_digest_agility(records, rep.unusable);
    rep.current_matches = detail::matching_records(backend, records, rep.unusable, current_chain);
    rep.current_ok = !rep.current_matches.empty();
    if (next_chain) {
        rep.next_matches = detail::matching_records(backend, records, rep.unusable, *next_chain);
        rep.next_ok = !rep.next_matches.empty();
    }
    // A second association: a usable TA record, or a usable EE record that does not match
    // the current leaf.
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (rep.unusable[i] != unusable_reason::none) continue;
        bool current = false;
        for (auto k : rep.current_matches)
            current = current || k == i;
        if (is_ta_usage(records[i].usage) || !current) rep.has_second_association = true;
    }
    return rep;
}

} // namespace dane::tlsa
