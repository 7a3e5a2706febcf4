// DANE authentication of a TLS server's certificate chain against validated TLSA records:
// the generic profile of RFC 6698 as updated by RFC 7671, and the SMTP profile of
// RFC 7672. The caller brings the records (already DNSSEC-secure), the chain as the
// server sent it (leaf first, DER), its reference identifiers and the time; the result
// says whether the server is authenticated, through which record at which depth, and if
// not, why, in RFC 8460 §4.3 terms.
//
//     crypto::botan_x509 x509;
//     tlsa::verify_options opt;
//     opt.mode = tlsa::profile::smtp;
//     opt.reference_ids = {tlsa_base_domain, mx_host_name, next_hop_domain};
//     opt.now = now;
//     auto v = tlsa::verify(x509, records, chain, opt);
//     if (v.authenticated()) ...
//
// The order of evaluation follows OpenSSL's DANE code (x509_vfy.c), so that depths and the
// record reported agree with SSL_get0_dane_authority and SSL_get0_dane_tlsa:
//  1. DANE-EE(3) against the leaf: a match authenticates, with no name or date checks
//     (RFC 7671 §5.1, RFC 7672 §3.1.1).
//  2. DANE-TA(2): paths are built up from the leaf out of what the server sent plus the
//     full certificates of TA records (RFC 7671 §5.2.2's "2 0 0"; also "0 0 0" in the
//     generic profile, as OpenSSL does). On each path, the first certificate above the leaf
//     that a DANE-TA record matches is the trust anchor. A "2 1 0" public key that signed
//     the top of a path is an anchor too (RFC 7671 §5.2.3); its depth is that
//     certificate's. A path is checked at the given time and the leaf must present a
//     reference identifier (RFC 7671 §10.2, RFC 7672 §3.2.2).
//  3. Generic profile only, PKIX-EE(1) and PKIX-TA(0): an ordinary PKIX path to the
//     caller's trust anchors, with names and dates, that a record matches (the leaf for
//     PKIX-EE, a certificate above it for PKIX-TA, RFC 7671 §5.3-5.4).
//
// Unlike OpenSSL, which takes the first certificate with the issuer's name and never
// another, paths are built depth first with backtracking (RFC 4158 §2-3): issuer
// candidates by name, narrowed by key identifiers, each kept only when its key verifies
// the signature below it. So a server that sends an intermediate cross-signed by another
// root first, a stale intermediate, or an unrelated CA with the same name, is still
// authenticated through the path the records name. The search stops at the first path
// that authenticates, and within verify_limits (paths, depth, signature checks).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/core/work.hpp"
#include "dane/crypto/x509.hpp"
#include "dane/dns/name.hpp"
#include "dane/tlsa/identity.hpp"
#include "dane/tlsa/match.hpp"
#include "dane/tlsa/record.hpp"

namespace dane::tlsa {

// What happened.
enum class outcome {
    authenticated, // a usable record matched and every check it requires passed
    failed,        // usable records exist and none authenticated the server
    unusable,      // no usable record: RFC 7672 §2.2 (SMTP) keeps TLS mandatory but
                   // unauthenticated; RFC 6698 §4.1 (generic) falls back to plain TLS rules
};

// RFC 8460 §4.3 result types that a DANE verification can produce.
enum class rpt_result {
    none,
    tlsa_invalid,              // §4.3.2.1: no record in the RRset was usable
    certificate_host_mismatch, // §4.3.1: the chain is trusted but names no reference id
    certificate_expired,       // §4.3.1
    certificate_not_trusted,   // §4.3.1: no record matched, or the path does not validate
    validation_failure,        // §4.3.1: anything else (no certificate, not yet valid)
};

inline std::string_view to_string(rpt_result r) noexcept {
    switch (r) {
    case rpt_result::none:
        return "none";
    case rpt_result::tlsa_invalid:
        return "tlsa-invalid";
    case rpt_result::certificate_host_mismatch:
        return "certificate-host-mismatch";
    case rpt_result::certificate_expired:
        return "certificate-expired";
    case rpt_result::certificate_not_trusted:
        return "certificate-not-trusted";
    case rpt_result::validation_failure:
        return "validation-failure";
    }
    return "validation-failure";
}

// Bounds on the work one verification may do. The inputs come from the network (the
// server's chain) and from DNS (the RRset); real ones are far below these.
struct verify_limits {
    // TLSA records considered; later ones are ignored (a real RRset has 1-4; a 64 KiB
    // RRset could hold ~1800 "3 1 1" records).
    std::size_t max_records = 64;
    // Certificates taken from the server's chain (TLS 1.2/1.3 put no limit on the
    // Certificate message; real chains have 2-4, OpenSSL's default depth is 100).
    std::size_t max_chain = 20;
    // Certificates in a path, leaf and trust anchor included.
    std::size_t max_path = 10;
    // Complete candidate paths checked (each a full path check) before giving up.
    std::size_t max_paths = 8;
    // Signatures verified while choosing issuers (each candidate issuer costs one).
    std::size_t max_signature_checks = 64;
    // Issuer candidates tried while building paths, a signature check remembered from an
    // earlier path included (paths share their lower parts).
    std::size_t max_issuer_candidates = 256;
    // Trust anchors parsed for the PKIX usages.
    std::size_t max_trust_anchors = 1000;
};

struct verify_options {
    profile mode = profile::smtp;
    // Reference identifiers, the TLSA base domain first (RFC 7671 §10.2). For SMTP, also
    // the MX host name as in the MX record and, optionally, the next-hop domain (RFC 7672
    // §3.2.2). Used for DANE-TA(2) and the PKIX usages; DANE-EE(3) ignores names.
    std::vector<dns::name> reference_ids;
    // Validation time for DANE-TA(2) and PKIX paths. DANE-EE(3) ignores dates (RFC 7671
    // §5.1: the DNSSEC signature's validity is what counts).
    std::chrono::sys_seconds now{};
    // The caller's PKIX trust anchors (DER certificates), for PKIX-TA(0) and PKIX-EE(1) in
    // the generic profile. Views: the buffers must outlive the call (verify() keeps
    // nothing; dane_tls_verifier, which lives longer, copies them).
    std::vector<bytes_view> trust_anchors;
    // Fill verification::chain and ::path with one summary per certificate.
    bool describe_certificates = false;
    verify_limits limits{};
};

// The reference identifiers of RFC 7672 §3.2.2 for one SMTP server, in order, without
// duplicates: the TLSA base domain (the MX host name after CNAME expansion, RFC 7672
// §2.2.3), the MX host name as the MX record gives it, and when the MX RRset was secure
// the original next-hop domain and its CNAME expansion. Pass std::nullopt for what does
// not apply (no MX records; an insecure MX lookup, where only the MX host counts).
inline std::vector<dns::name> smtp_reference_ids(dns::name_view tlsa_base_domain,
                                                 std::optional<dns::name> mx_host = {},
                                                 std::optional<dns::name> next_hop = {},
                                                 std::optional<dns::name> expanded_next_hop = {}) {
    std::vector<dns::name> out{dns::name(tlsa_base_domain)};
    for (const auto* n : {&mx_host, &next_hop, &expanded_next_hop}) {
        if (!*n) continue;
        bool seen = false;
        for (const auto& o : out)
            seen = seen || o == **n;
        if (!seen) out.push_back(**n);
    }
    return out;
}

// One TLSA record's part in a verification: what danecheck prints per record.
struct record_report {
    unusable_reason unusable = unusable_reason::none;
    bool matched = false;                  // it matched a certificate of the chain
    int depth = -1;                        // ... at this depth (leaf = 0)
    int path_number = -1;                  // ... on this candidate path (1 = first checked)
    bool authenticated = false;            // this is the record the server was authenticated by
    rpt_result failure = rpt_result::none; // matched, and the checks it requires failed
    std::string detail; // why it did not authenticate, in words ("no match", "expired ...")

    bool usable() const noexcept { return unusable == unusable_reason::none; }
};

struct verification {
    outcome status = outcome::failed;
    rpt_result failure = rpt_result::none;
    // A short failure-reason-code (RFC 8460 §4.4): "tlsa-no-match",
    // "certificate-expired at depth 1", "name-mismatch", ...
    std::string reason;
    std::optional<std::size_t> matched_record; // index into the records given
    int depth = -1;                            // what SSL_get0_dane_authority reports
    int path_number = -1;                      // the candidate path (1 = first checked)
    bool bare_key_anchor = false;              // the TA is a "2 1 0" public key
    std::optional<identity_match> name;        // the name checked (DANE-TA, PKIX)
    std::vector<record_report> records;        // one per record given, same order
    std::vector<crypto::cert_summary> chain;   // what the server sent, parsed
    std::vector<crypto::cert_summary> path;    // the path checked, leaf to anchor
    // The work done, bounded by verify_limits (docs/ARCHITECTURE.md: results report the work done).
    // Fills certificates_parsed, paths_checked, signature_checks and cut_short (the path
    // search stopped at a limit).
    dane::work_done work{};

    bool authenticated() const noexcept { return status == outcome::authenticated; }
};

namespace detail {

inline rpt_result rpt_for(crypto::path_error e) noexcept {
    switch (e) {
    case crypto::path_error::none:
        return rpt_result::none;
    case crypto::path_error::expired:
        return rpt_result::certificate_expired;
    case crypto::path_error::not_yet_valid:
    case crypto::path_error::bad_validity:
    case crypto::path_error::malformed:
    case crypto::path_error::other:
        return rpt_result::validation_failure;
    default:
        return rpt_result::certificate_not_trusted;
    }
}

// The state of one verification: parsed certificates and the records' reports.
template <crypto::x509_backend B>
class verifier {
public:
    using cert = typename B::certificate;
    using key = typename B::public_key;

    verifier(const B& b, std::span<const record> records, const verify_options& opt)
        : b_(b), records_(records), opt_(opt) {}

    verification run(std::span<const bytes_view> chain) {
        classify_records();
        bool any_usable = false;
        for (const auto& r : v_.records)
            any_usable = any_usable || r.usable();
        if (!any_usable) {
            v_.status = outcome::unusable;
            v_.failure = rpt_result::tlsa_invalid;
            v_.reason = "no-usable-tlsa-records";
            return std::move(v_);
        }
        if (!parse_chain(chain)) return std::move(v_);
        order_ = preference_order(records_);

        if (try_dane_ee()) return finish();
        bool found_ta = try_dane_ta();
        if (!v_.authenticated() && opt_.mode == profile::generic) try_pkix(found_ta);
        return finish();
    }

private:
    struct dns_cert {
        std::size_t record;
        cert c;
    };

    // Usability of every record (RFC 6698 §4.1, RFC 7671 §9, RFC 7672 §3.1.3); full
    // certificates and keys are parsed once here, as OpenSSL does when a record is added.
    void classify_records() {
        v_.records.resize(records_.size());
        keys_.resize(records_.size());
        std::vector<unusable_reason> state(records_.size());
        for (std::size_t i = 0; i < records_.size(); ++i) {
            const auto& r = records_[i];
            if (i >= opt_.limits.max_records) {
                state[i] = unusable_reason::over_limit;
                continue;
            }
            state[i] = check_parameters(r, opt_.mode);
            if (state[i] != unusable_reason::none || r.matching != matching_type::full) continue;
            if (r.selector == selector_type::cert) {
                ++v_.work.certificates_parsed;
                auto c = b_.parse_certificate(r.data);
                if (!c) {
                    state[i] = unusable_reason::bad_certificate;
                } else if (is_ta_usage(r.usage)) {
                    // A trust anchor that may be missing from the server's chain.
                    dns_certs_.push_back({i, std::move(*c)});
                }
            } else {
                auto k = b_.parse_public_key(r.data);
                if (!k)
                    state[i] = unusable_reason::bad_public_key;
                else if (r.usage == cert_usage::dane_ta)
                    keys_[i] = std::move(*k);
            }
        }
        apply_digest_agility(records_, state);
        for (std::size_t i = 0; i < records_.size(); ++i) {
            v_.records[i].unusable = state[i];
            if (state[i] != unusable_reason::none)
                v_.records[i].detail = std::string(to_string(state[i]));
        }
    }

    bool usable(std::size_t i) const { return v_.records[i].usable(); }

    bool parse_chain(std::span<const bytes_view> chain) {
        if (chain.empty()) {
            fail_all(rpt_result::validation_failure, "no-certificate",
                     "the server sent no certificate");
            return false;
        }
        std::size_t n = std::min(chain.size(), opt_.limits.max_chain);
        for (std::size_t i = 0; i < n; ++i) {
            ++v_.work.certificates_parsed;
            auto c = b_.parse_certificate(chain[i]);
            if (!c) {
                if (i == 0) {
                    fail_all(rpt_result::validation_failure, "malformed-leaf-certificate",
                             "the server's certificate does not parse");
                    return false;
                }
                continue; // an extra certificate that cannot be used for anything
            }
            if (opt_.describe_certificates) v_.chain.push_back(b_.summary(*c));
            sent_.push_back(std::move(*c));
        }
        return true;
    }

    // Marks every usable record with the same failure (nothing could be matched).
    void fail_all(rpt_result r, std::string_view reason, std::string_view detail) {
        v_.status = outcome::failed;
        v_.failure = r;
        v_.reason = std::string(reason);
        for (auto& rep : v_.records)
            if (rep.usable()) rep.detail = std::string(detail);
    }

    // Step 1: the leaf against DANE-EE(3), and PKIX-EE(1) for the report.
    bool try_dane_ee() {
        association_forms<B> leaf(b_, sent_[0]);
        for (auto i : order_) {
            const auto& r = records_[i];
            if (!usable(i)) continue;
            if (r.usage != cert_usage::dane_ee && r.usage != cert_usage::pkix_ee) continue;
            auto& rep = v_.records[i];
            if (leaf.matches(r)) {
                rep.matched = true;
                rep.depth = 0;
                if (r.usage == cert_usage::dane_ee && !v_.matched_record) {
                    // RFC 7671 §5.1, RFC 7672 §3.1.1 and §3.2.1: no name, no dates.
                    rep.authenticated = true;
                    v_.status = outcome::authenticated;
                    v_.matched_record = i;
                    v_.depth = 0;
                }
            } else {
                rep.detail = "does not match the server's certificate";
            }
        }
        return v_.authenticated();
    }

    bool in_path(const std::vector<const cert*>& path, const cert* c) const {
        for (const auto* p : path)
            if (p == c || equal_bytes(b_.der(*p), b_.der(*c))) return true;
        return false;
    }

    // What a visit of a partial path decides.
    enum class step {
        stop,   // authenticated, or a limit reached: the search is over
        done,   // this path was judged; do not build above it
        extend, // look for issuers above it
    };

    bool may_check_path() {
        if (v_.work.paths_checked < opt_.limits.max_paths) return true;
        v_.work.cut_short = true;
        return false;
    }

    // The key of `c`, parsed once per certificate.
    const key* key_of(const cert* c) {
        for (auto& [owner, k] : subject_keys_)
            if (owner == c) return k ? &*k : nullptr;
        auto k = b_.subject_key(*c);
        subject_keys_.emplace_back(c, k ? std::optional<key>(std::move(*k)) : std::nullopt);
        return subject_keys_.back().second ? &*subject_keys_.back().second : nullptr;
    }

    // Whether `k` verifies the signature on `subject`: one signature check, remembered per
    // pair, within max_signature_checks.
    bool verified(const cert* subject, const void* signer, const key* k) {
        for (const auto& s : signatures_)
            if (s.subject == subject && s.signer == signer) return s.ok;
        if (v_.work.signature_checks >= opt_.limits.max_signature_checks) {
            v_.work.cut_short = true;
            return false;
        }
        ++v_.work.signature_checks;
        bool ok = k && b_.signed_by(*subject, *k).has_value();
        signatures_.push_back({subject, signer, ok});
        return ok;
    }

    // The issuer candidates of path.back() in `pool` (RFC 4158 §3: name, then key
    // identifiers), not on the path yet; those valid at the validation time first, as
    // OpenSSL's get0_best_issuer_sk prefers them. A self-issued certificate ends a path.
    std::vector<const cert*> candidates(const std::vector<const cert*>& path,
                                        const std::vector<const cert*>& pool) const {
        std::vector<const cert*> now_valid, other;
        const cert* top = path.back();
        if (b_.is_self_issued(*top)) return {};
        for (const auto* c : pool) {
            if (!b_.may_have_issued(*c, *top) || in_path(path, c)) continue;
            auto period = b_.validity(*c);
            (period && period->contains(opt_.now) ? now_valid : other).push_back(c);
        }
        now_valid.insert(now_valid.end(), other.begin(), other.end());
        return now_valid;
    }

    // Depth-first path building with backtracking from `path` (the leaf alone at the
    // start). visit(path) judges a path as it grows; after(path) runs once every path
    // above it has been tried. Both return step::stop to end the search.
    template <class Visit, class After>
    bool search(std::vector<const cert*>& path, const std::vector<const cert*>& pool, Visit& visit,
                After& after) {
        step s = visit(path);
        if (s == step::stop) return true;
        if (s == step::extend && path.size() < opt_.limits.max_path) {
            // Issuers whose signature verifies first; then those whose signature does not,
            // so that a chain with no valid path is still checked, and its failure is
            // reported ("bad-signature at depth 0") rather than "no match". The path check
            // verifies every signature again, so such a path never authenticates.
            std::vector<const cert*> unverified;
            for (int pass = 0; pass < 2; ++pass) {
                for (const auto* c : pass == 0 ? candidates(path, pool) : unverified) {
                    if (++candidates_tried_ > opt_.limits.max_issuer_candidates) {
                        v_.work.cut_short = true;
                        return true;
                    }
                    if (pass == 0 && !verified(path.back(), c, key_of(c))) {
                        if (v_.work.cut_short) return true;
                        unverified.push_back(c);
                        continue;
                    }
                    path.push_back(c);
                    bool stop = search(path, pool, visit, after);
                    path.pop_back();
                    if (stop) return true;
                }
            }
        }
        if (v_.work.cut_short) return true;
        return after(path) == step::stop;
    }

    // Checks path[0..top] with path[top] (or `anchor_key`) as the trust anchor, then the
    // leaf's names. Returns the failure, or none.
    rpt_result check(const std::vector<const cert*>& path, std::size_t top, const key* anchor_key,
                     std::string& reason, std::string& detail) {
        crypto::path_options po;
        po.now = opt_.now;
        ++v_.work.paths_checked;
        auto pc = b_.check_path(std::span(path.data(), top + 1), anchor_key, po);
        if (!pc.ok()) {
            reason =
                std::string(crypto::to_string(pc.error)) + " at depth " + std::to_string(pc.depth);
            detail = reason + (pc.detail.empty() ? "" : " (" + pc.detail + ")");
            return rpt_for(pc.error);
        }
        if (opt_.reference_ids.empty()) {
            reason = "no-reference-identifiers";
            detail = "no reference identifier to check the certificate name against";
            return rpt_result::certificate_host_mismatch;
        }
        auto ids = b_.identifiers(*path[0]);
        std::optional<identity_match> m;
        if (ids) m = match_identity(*ids, opt_.reference_ids);
        if (!m) {
            reason = "name-mismatch";
            detail = ids ? "the certificate names none of the reference identifiers"
                         : "the certificate's names cannot be read";
            return rpt_result::certificate_host_mismatch;
        }
        name_ = std::move(*m);
        return rpt_result::none;
    }

    void describe_path(const std::vector<const cert*>& path, std::size_t top) {
        if (!opt_.describe_certificates || v_.authenticated()) return;
        v_.path.clear();
        for (std::size_t i = 0; i <= top && i < path.size(); ++i)
            v_.path.push_back(b_.summary(*path[i]));
    }

    // Records the result of checking through record `i` at `depth` on the path checked
    // last. A record keeps the first failure it met unless a later path authenticates.
    void settle(std::size_t i, int depth, rpt_result failure, std::string reason,
                std::string detail, bool bare_key) {
        auto& rep = v_.records[i];
        const int path_number = static_cast<int>(v_.work.paths_checked);
        if (rep.authenticated) return;
        if (failure == rpt_result::none) {
            rep.matched = true;
            rep.depth = depth;
            rep.path_number = path_number;
            rep.authenticated = true;
            rep.failure = rpt_result::none;
            rep.detail.clear();
            if (!v_.authenticated()) {
                v_.status = outcome::authenticated;
                v_.failure = rpt_result::none;
                v_.reason.clear();
                v_.matched_record = i;
                v_.depth = depth;
                v_.path_number = path_number;
                v_.bare_key_anchor = bare_key;
                v_.name = name_;
            }
            return;
        }
        if (rep.failure != rpt_result::none) return;
        rep.matched = true;
        rep.depth = depth;
        rep.path_number = path_number;
        rep.failure = failure;
        rep.detail = std::move(detail);
        if (!v_.authenticated() && v_.failure == rpt_result::none) {
            v_.failure = failure;
            v_.reason = std::move(reason);
            v_.matched_record = i;
            v_.depth = depth;
            v_.path_number = path_number;
            v_.bare_key_anchor = bare_key;
        }
    }

    // After a search that stopped at a limit without authenticating: that is the reason.
    void note_limit() {
        if (!v_.work.cut_short || v_.authenticated()) return;
        v_.failure = rpt_result::certificate_not_trusted;
        v_.reason = "path-search-limit";
        v_.matched_record.reset();
        v_.depth = -1;
        v_.path_number = -1;
    }

    // Step 2: DANE-TA(2). Returns whether a trust anchor was found on some path.
    bool try_dane_ta() {
        std::vector<std::size_t> ta;
        for (auto i : order_)
            if (usable(i) && records_[i].usage == cert_usage::dane_ta) ta.push_back(i);
        if (ta.empty()) return false;

        // Full certificates from DNS come first, as OpenSSL prepends them to the
        // untrusted certificates; then what the server sent after its leaf, in order.
        std::vector<const cert*> pool;
        for (const auto& d : dns_certs_)
            if (records_[d.record].usage == cert_usage::dane_ta || opt_.mode == profile::generic)
                pool.push_back(&d.c);
        for (std::size_t i = 1; i < sent_.size(); ++i)
            pool.push_back(&sent_[i]);

        bool found = false;
        // On each path, the first depth with a match is the trust anchor (OpenSSL's
        // check_dane_issuer): the path is judged there and not built further.
        auto visit = [&](const std::vector<const cert*>& path) {
            if (path.size() < 2) return step::extend;
            const std::size_t top = path.size() - 1;
            association_forms<B> forms(b_, *path[top]);
            std::vector<std::size_t> matched;
            for (auto i : ta)
                if (forms.matches(records_[i])) matched.push_back(i);
            if (matched.empty()) return step::extend;
            found = true;
            if (!may_check_path()) return step::stop;
            std::string reason, detail;
            auto failure = check(path, top, nullptr, reason, detail);
            describe_path(path, top);
            for (auto i : matched)
                settle(i, static_cast<int>(top), failure, reason, detail, false);
            return failure == rpt_result::none ? step::stop : step::done;
        };
        // RFC 7671 §5.2.3: a bare public key that signed the top of the path, tried once
        // the paths above it have been.
        auto after = [&](const std::vector<const cert*>& path) {
            const std::size_t top = path.size() - 1;
            for (auto i : ta) {
                if (!keys_[i] || !verified(path[top], &*keys_[i], &*keys_[i])) continue;
                found = true;
                if (!may_check_path()) return step::stop;
                std::string reason, detail;
                auto failure = check(path, top, &*keys_[i], reason, detail);
                describe_path(path, top);
                settle(i, static_cast<int>(top), failure, reason, detail, true);
                if (failure == rpt_result::none) return step::stop;
            }
            return v_.work.cut_short ? step::stop : step::extend;
        };
        std::vector<const cert*> path{&sent_[0]};
        search(path, pool, visit, after);
        note_unmatched(ta, "no certificate in the chain matches");
        note_limit();
        return found;
    }

    void note_unmatched(const std::vector<std::size_t>& idx, std::string_view why) {
        for (auto i : idx) {
            auto& rep = v_.records[i];
            if (!rep.matched && rep.detail.empty())
                rep.detail =
                    v_.work.cut_short ? "path search stopped at a limit" : std::string(why);
        }
    }

    // Step 3 (generic profile): PKIX-EE(1) and PKIX-TA(0).
    void try_pkix(bool dane_ta_found) {
        std::vector<std::size_t> pkix_ta, pkix_ee;
        for (auto i : order_) {
            if (!usable(i)) continue;
            if (records_[i].usage == cert_usage::pkix_ta) pkix_ta.push_back(i);
            if (records_[i].usage == cert_usage::pkix_ee) pkix_ee.push_back(i);
        }
        if (pkix_ta.empty() && pkix_ee.empty()) return;

        std::vector<cert> anchors_owned;
        for (std::size_t i = 0; i < opt_.trust_anchors.size() && i < opt_.limits.max_trust_anchors;
             ++i) {
            ++v_.work.certificates_parsed;
            if (auto c = b_.parse_certificate(opt_.trust_anchors[i])) anchors_owned.push_back(*c);
        }
        // Trusted issuers first (OpenSSL's default X509_V_FLAG_TRUSTED_FIRST).
        std::vector<const cert*> pool;
        for (const auto& c : anchors_owned)
            pool.push_back(&c);
        for (const auto& d : dns_certs_)
            pool.push_back(&d.c);
        for (std::size_t i = 1; i < sent_.size(); ++i)
            pool.push_back(&sent_[i]);
        auto is_trusted = [&](const cert* c) {
            for (const auto& t : anchors_owned)
                if (equal_bytes(b_.der(t), b_.der(*c))) return true;
            return false;
        };

        bool any_trusted = false;
        // The first PKIX-TA(0) match above the leaf on `path`, if any.
        auto ta_depth = [&](const std::vector<const cert*>& path) -> std::optional<std::size_t> {
            for (std::size_t d = 1; d < path.size(); ++d) {
                association_forms<B> forms(b_, *path[d]);
                for (auto i : pkix_ta)
                    if (forms.matches(records_[i])) return d;
            }
            return std::nullopt;
        };
        auto trusted_on = [&](const std::vector<const cert*>& path) {
            for (const auto* c : path)
                if (is_trusted(c)) return true;
            return false;
        };
        auto judge = [&](const std::vector<const cert*>& path) {
            any_trusted = true;
            if (!may_check_path()) return step::stop;
            const std::size_t top = path.size() - 1;
            std::string reason, detail;
            auto failure = check(path, top, nullptr, reason, detail);
            describe_path(path, top);
            // PKIX-EE first: OpenSSL records a depth-0 PKIX match before building the chain.
            for (auto i : pkix_ee)
                if (v_.records[i].matched) settle(i, 0, failure, reason, detail, false);
            for (std::size_t d = 1; d <= top; ++d) {
                association_forms<B> forms(b_, *path[d]);
                for (auto i : pkix_ta)
                    if (forms.matches(records_[i]))
                        settle(i, static_cast<int>(d), failure, reason, detail, false);
            }
            return v_.authenticated() ? step::stop : step::done;
        };
        // RFC 7671 §5.4: when no PKIX-TA record matches the trusted path and its top is
        // not self-issued, keep building towards a root in case the record names one
        // closer to it; the trusted path is judged as it is when that finds nothing.
        auto wants_more = [&](const std::vector<const cert*>& path) {
            return !pkix_ta.empty() && !ta_depth(path) && !b_.is_self_issued(*path.back());
        };
        auto visit = [&](const std::vector<const cert*>& path) {
            if (!trusted_on(path)) return step::extend;
            if (wants_more(path)) return step::extend;
            return judge(path);
        };
        auto after = [&](const std::vector<const cert*>& path) {
            if (trusted_on(path) && wants_more(path) && is_trusted(path.back())) return judge(path);
            return step::extend;
        };
        std::vector<const cert*> path{&sent_[0]};
        search(path, pool, visit, after);

        if (!any_trusted) {
            for (auto i : pkix_ee)
                if (v_.records[i].matched)
                    settle(i, 0, rpt_result::certificate_not_trusted, "pkix-no-trusted-path",
                           "no path to a trusted CA", false);
            for (auto i : pkix_ta)
                v_.records[i].detail = "no path to a trusted CA";
            if (v_.failure == rpt_result::none && !dane_ta_found) {
                v_.failure = rpt_result::certificate_not_trusted;
                v_.reason = "pkix-no-trusted-path";
            }
        }
        for (auto i : pkix_ta)
            if (!v_.records[i].matched && v_.records[i].detail.empty())
                v_.records[i].detail = "no certificate on a trusted path matches";
        note_limit();
    }

    verification finish() {
        if (!v_.authenticated() && v_.failure == rpt_result::none) {
            // No record matched. RFC 8460 §4.3.2.1 has no DANE type for a mismatch: with a
            // DANE-TA record the chain reached no trust anchor, which §4.3.1 calls
            // certificate-not-trusted (as OpenSSL's chain errors say); with DANE-EE records
            // alone no CA is involved, and the general validation-failure fits.
            const bool anchor_sought =
                std::any_of(records_.begin(), records_.end(), [](const record& r) {
                    return r.usage == cert_usage::dane_ta || r.usage == cert_usage::pkix_ta;
                });
            v_.status = outcome::failed;
            v_.failure = anchor_sought ? rpt_result::certificate_not_trusted
                                       : rpt_result::validation_failure;
            v_.reason = "tlsa-no-match";
            v_.matched_record.reset();
            v_.depth = -1;
        }
        if (!v_.authenticated()) v_.status = outcome::failed;
        return std::move(v_);
    }

    const B& b_;
    std::span<const record> records_;
    const verify_options& opt_;
    verification v_;
    std::vector<std::size_t> order_;
    std::vector<cert> sent_;
    std::vector<dns_cert> dns_certs_;
    std::vector<std::optional<key>> keys_;
    std::optional<identity_match> name_;
    // Path building's memory: each certificate's key, each signature checked.
    struct signature_seen {
        const cert* subject;
        const void* signer;
        bool ok;
    };
    std::deque<std::pair<const cert*, std::optional<key>>> subject_keys_; // stable addresses
    std::vector<signature_seen> signatures_;
    std::size_t candidates_tried_ = 0;
};

} // namespace detail

// Verifies `chain` (DER certificates, leaf first, as the server sent them) against the
// TLSA `records` of the server's TLSA base domain. The records must come from a secure
// RRset (RFC 7672 §2.1.1); an empty span means there were none, which is `unusable`.
template <crypto::x509_backend B>
verification verify(const B& backend, std::span<const record> records,
                    std::span<const bytes_view> chain, const verify_options& opt) {
    return detail::verifier<B>(backend, records, opt).run(chain);
}

// The same with owning buffers.
template <crypto::x509_backend B>
verification verify(const B& backend, std::span<const record> records,
                    const std::vector<byte_buffer>& chain, const verify_options& opt) {
    std::vector<bytes_view> views(chain.begin(), chain.end());
    return verify(backend, records, std::span<const bytes_view>(views), opt);
}

// A report in the style of danecheck: the outcome, then one line per record.
inline std::string format_report(const verification& v, std::span<const record> records) {
    std::string out;
    switch (v.status) {
    case outcome::authenticated: {
        const auto& r = records[*v.matched_record];
        out += "pass: " + r.describe_parameters() + " matched at depth " + std::to_string(v.depth);
        if (v.path_number > 0) out += " on path " + std::to_string(v.path_number);
        if (v.bare_key_anchor) out += " (trust anchor public key)";
        if (v.name) {
            out += ", name " + v.name->reference;
            if (v.name->presented != v.name->reference) out += " (as " + v.name->presented + ")";
        }
        out += '\n';
        break;
    }
    case outcome::failed:
        out += "fail: " + std::string(to_string(v.failure)) + " (" + v.reason + ")";
        if (v.path_number > 0) out += " on path " + std::to_string(v.path_number);
        out += '\n';
        break;
    case outcome::unusable:
        out += "unusable: no usable TLSA records\n";
        break;
    }
    for (std::size_t i = 0; i < records.size() && i < v.records.size(); ++i) {
        const auto& rep = v.records[i];
        std::string line = "  " + records[i].to_string();
        if (line.size() > 60) line = line.substr(0, 57) + "...";
        out += line + ": ";
        if (!rep.usable())
            out += "unusable, " + std::string(to_string(rep.unusable));
        else if (rep.authenticated)
            out += "pass at depth " + std::to_string(rep.depth) +
                   (rep.path_number > 0 ? " on path " + std::to_string(rep.path_number) : "");
        else if (rep.matched)
            out += "matched at depth " + std::to_string(rep.depth) +
                   (rep.path_number > 0 ? " on path " + std::to_string(rep.path_number) : "") +
                   (rep.detail.empty() ? std::string() : ", " + rep.detail);
        else
            out += rep.detail.empty() ? std::string("not used") : rep.detail;
        out += '\n';
    }
    return out;
}

} // namespace dane::tlsa
