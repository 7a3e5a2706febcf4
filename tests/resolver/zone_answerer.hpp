// Test support, not library: plays the upstream recursive resolver in memory. It answers
// a DNS query message from a set of loaded zones as a recursive resolver asked with DO=1
// and CD=1 would (RFC 4035 §3.2.2: with CD set it hands back what the zones hold, bogus
// data included), so the resolver tests, bench_resolve and the fuzz seeds need no sockets
// and no real servers.
//
// How it answers (RFC 1034 §4.3.2, RFC 4035 §3.1):
// - the zone for a name is the deepest loaded apex at or above it; for DS the parent's
//   (strictly above), since a DS RRset lives on the parent side of a cut (RFC 4034 §5);
// - data: the RRset with its RRSIGs; a CNAME is followed, across zones too, and the whole
//   chain goes in the answer section (RFC 1034 §4.3.2 step 3a);
// - no such type (NODATA) or name (NXDOMAIN): the zone's SOA and the NSEC or NSEC3
//   records that prove it, with their RRSIGs, in the authority section (RFC 4035 §3.1.3,
//   RFC 5155 §7.2: closest encloser, next closer name, wildcard);
// - wildcards are expanded with the proof that QNAME itself does not exist (RFC 4035
//   §3.1.3.3, RFC 5155 §7.2.6);
// - names under an insecure delegation come from the unsigned child as they are.
// The response copies ID, question, opcode, RD and CD, sets QR and RA, carries EDNS (DO
// as asked) when the query did, and is cut to the header and question with TC set when it
// exceeds the query's UDP payload size (RFC 6891 §6.2.3; 512 without EDNS, RFC 1035 §4.2.1).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dane/core/bytes.hpp"
#include "dane/crypto/botan.hpp"
#include "dane/dns/message.hpp"
#include "dane/dns/message_builder.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/zone_parser.hpp"
#include "dane/dnssec/canonical.hpp"
#include "dane/dnssec/nsec.hpp"
#include "dane/dnssec/nsec3.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/resolver/query.hpp"

namespace resolver_test {

using namespace dane;

// The zone files of tests/data/resolver/ (scripts/make-resolver-fixtures.sh).
inline constexpr std::string_view fixture_zones[] = {
    "root.zone",
    "danebed.zone",
    "example.danebed.zone",
    "sub.example.danebed.zone",
    "other.danebed.zone",
    "insecure.example.danebed.zone",
    "plain.danebed.zone",
};

// The text of a file under tests/data/resolver/ (the test runner sets DANE_SOURCE_ROOT);
// empty when it cannot be read.
inline std::string fixture_text(std::string_view file) {
    const char* root = std::getenv("DANE_SOURCE_ROOT");
    std::string path = std::string(root ? root : ".") + "/tests/data/resolver/" + std::string(file);
    std::ifstream in(path);
    if (!in) return {};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The fixture's trust anchor (the root key's DS).
inline std::optional<dnssec::trust_anchors> fixture_anchors() {
    auto a = dnssec::load_trust_anchors(fixture_text("anchor.ds"));
    if (!a) return std::nullopt;
    return std::move(*a);
}

class zone_answerer {
public:
    explicit zone_answerer(const crypto::botan_backend& backend) : backend_(&backend) {}

    // Loads one zone: its apex is the owner of its SOA. Fails with a message.
    std::optional<std::string> load(std::string_view text) {
        const dns::name root;
        auto records = dns::parse_zone(text, &root, 3600);
        if (!records) return records.error().message();
        zone z;
        for (const auto& r : *records)
            if (r.type == dns::rr_type::soa) z.apex = r.owner.lowercased();
        if (std::none_of(records->begin(), records->end(),
                         [](const dns::record& r) { return r.type == dns::rr_type::soa; }))
            return std::string("zone without SOA");
        for (auto r : *records) {
            r.owner = r.owner.lowercased();
            if (!r.owner.is_subdomain_of(z.apex)) return "out of zone: " + r.owner.to_string();
            auto type = r.type;
            if (type == dns::rr_type::rrsig) {
                auto covered = dnssec::rrsig_type_covered(r.rdata);
                if (!covered) return std::string("bad RRSIG");
                z.nodes[r.owner][*covered].signatures.push_back(r);
            } else {
                z.nodes[r.owner][type].records.push_back(r);
            }
            if (type == dns::rr_type::ns && r.owner != z.apex) z.cuts.insert(r.owner);
            if (type == dns::rr_type::nsec) {
                auto n = dnssec::parse_nsec(r);
                if (!n) return std::string("bad NSEC");
                z.nsecs.push_back(std::move(*n));
            }
            if (type == dns::rr_type::nsec3) {
                auto n = dnssec::parse_nsec3(r);
                if (!n) return std::string("bad NSEC3");
                z.nsec3s.push_back(std::move(*n));
            }
        }
        // Names that exist: owners and their ancestors up to the apex (empty non-terminals,
        // RFC 4592 §2.2.2), except what lies below a zone cut (glue, RFC 4035 §2.2).
        for (const auto& [owner, _] : z.nodes) {
            if (z.below_cut(owner)) continue;
            if (!z.nsec3s.empty() && owner.label_count() == z.apex.label_count() + 1 &&
                z.nodes.at(owner).count(dns::rr_type::nsec3) && z.nodes.at(owner).size() == 1)
                continue; // NSEC3 records live on hashed names that are not zone data
            for (dns::name n = owner; n.is_subdomain_of(z.apex); n = n.parent()) {
                z.existing.insert(n);
                if (n == z.apex) break;
            }
        }
        zones_.push_back(std::move(z));
        responses_.clear();
        wires_.clear();
        return std::nullopt;
    }

    // Loads the fixture hierarchy; fails with a message.
    std::optional<std::string> load_fixture() {
        for (auto f : fixture_zones) {
            auto text = fixture_text(f);
            if (text.empty()) return "cannot read " + std::string(f);
            if (auto e = load(text)) return std::string(f) + ": " + *e;
        }
        return std::nullopt;
    }

    // The sections of the answer for a question, before they become a message.
    struct answer_sections {
        dns::rcode rcode = dns::rcode::noerror;
        std::vector<dns::record> answer;
        std::vector<dns::record> authority;
    };

    answer_sections resolve(dns::name_view qname, dns::rr_type qtype) const {
        answer_sections out;
        dns::name current = dns::name(qname).lowercased();
        // CNAME loops in test zones would be a fixture mistake; a bound keeps them finite.
        for (int hop = 0; hop < 16; ++hop) {
            const zone* z = zone_for(current, qtype == dns::rr_type::ds);
            if (!z) {
                out.rcode = dns::rcode::refused;
                return out;
            }
            if (const auto* set = z->find(current, qtype)) {
                append(out.answer, *set);
                return out;
            }
            const auto* cname = z->find(current, dns::rr_type::cname);
            if (cname && qtype != dns::rr_type::cname) {
                append(out.answer, *cname);
                current = cname_target(*cname);
                continue;
            }
            if (z->existing.count(current)) { // NODATA (RFC 4035 §3.1.3.1)
                add_soa(out, *z);
                if (z->nsec3s.empty())
                    add_nsec_matching_or_covering(out, *z, current);
                else
                    add_nsec3_matching(out, *z, current);
                return out;
            }
            const dns::name encloser = z->closest_encloser(current);
            const dns::name wildcard = encloser.prepend("*").value();
            if (z->nodes.count(wildcard)) {
                // Wildcard answer or wildcard NODATA (RFC 4035 §3.1.3.3, §3.1.3.4).
                const auto* set = z->find(wildcard, qtype);
                const auto* wcname = z->find(wildcard, dns::rr_type::cname);
                if (!set && wcname && qtype != dns::rr_type::cname) set = wcname;
                if (set) {
                    append(out.answer, expand(*set, current));
                    add_no_exact_match(out, *z, current, encloser);
                    if (set == wcname) {
                        current = cname_target(*set);
                        continue;
                    }
                    return out;
                }
                add_soa(out, *z);
                add_no_exact_match(out, *z, current, encloser);
                if (z->nsec3s.empty())
                    add_nsec_matching_or_covering(out, *z, wildcard);
                else
                    add_nsec3_matching(out, *z, wildcard);
                return out;
            }
            // NXDOMAIN (RFC 4035 §3.1.3.2, RFC 5155 §7.2.2); after a CNAME the code is the
            // last name's (RFC 6604 §2.1).
            out.rcode = dns::rcode::nxdomain;
            add_soa(out, *z);
            add_no_exact_match(out, *z, current, encloser);
            if (z->nsec3s.empty())
                add_nsec_covering(out, *z, wildcard);
            else
                add_nsec3_covering(out, *z, wildcard);
            return out;
        }
        out.rcode = dns::rcode::servfail;
        return out;
    }

    // The response to a query message; nullopt for bytes that are not a DNS message (a
    // server drops them). Over UDP it fits the query's payload size or is truncated.
    std::optional<byte_buffer> respond(bytes_view query,
                                       resolver::transport t = resolver::transport::udp) {
        auto q = dns::message_view::parse(query);
        if (!q) return std::nullopt;
        // The same query bytes (ID aside) over the same transport get the same response.
        std::string wire_key(as_chars(query.subspan(2)));
        wire_key += t == resolver::transport::tcp ? 't' : 'u';
        if (auto hit = wires_.find(wire_key); hit != wires_.end()) {
            ++answered_;
            byte_buffer out = hit->second;
            out[0] = query[0];
            out[1] = query[1];
            return out;
        }
        byte_buffer out = build_response(*q, t);
        wires_.emplace(std::move(wire_key), out);
        return out;
    }

    // Responses made so far (each call of respond() with a parsable query).
    std::size_t answered() const noexcept { return answered_; }

private:
    byte_buffer build_response(const dns::message_view& q, resolver::transport t) {
        dns::message_builder b;
        b.set_id(q.id()).set_qr(true).set_opcode(q.opcode()).set_rd(q.rd()).set_ra(true);
        b.set_cd(q.cd());
        const auto e = q.edns();
        if (e) {
            dns::edns reply;
            reply.udp_payload_size = 1232;
            reply.dnssec_ok = e->dnssec_ok();
            b.set_edns(reply);
        }
        if (q.qr() || q.opcode() != dns::opcode::query || q.count(dns::section::question) != 1) {
            b.set_rcode(dns::rcode::formerr);
            return b.build().value();
        }
        const auto question = (*q.question().begin()).to_question();
        (void)b.add_question(question);
        const bool dnssec_ok = e && e->dnssec_ok();
        const std::size_t limit = t == resolver::transport::tcp ? dns::max_message_size
                                  : e ? std::max<std::size_t>(512, e->udp_payload_size())
                                      : 512;
        std::string key(as_chars(question.qname.lowercased().wire()));
        key += std::to_string(static_cast<unsigned>(question.qtype));
        const answer_sections* sections = nullptr;
        answer_sections none;
        none.rcode = dns::rcode::refused;
        if (question.qclass != dns::rr_class::in) {
            sections = &none;
        } else {
            auto it = responses_.find(key);
            if (it == responses_.end())
                it = responses_.emplace(key, resolve(question.qname, question.qtype)).first;
            sections = &it->second;
        }
        ++answered_;
        dns::message_builder full = b;
        full.set_rcode(sections->rcode);
        for (const auto& r : sections->answer)
            if (dnssec_ok || r.type != dns::rr_type::rrsig) (void)full.add_answer(r);
        for (const auto& r : sections->authority)
            if (dnssec_ok || r.type != dns::rr_type::rrsig) (void)full.add_authority(r);
        auto wire = full.build().value();
        if (wire.size() <= limit) return wire;
        b.set_rcode(sections->rcode).set_tc(true);
        return b.build().value();
    }

    struct rrset_records {
        std::vector<dns::record> records;
        std::vector<dns::record> signatures;
    };
    struct zone {
        dns::name apex;
        std::map<dns::name, std::map<dns::rr_type, rrset_records>, dns::canonical_less> nodes;
        std::set<dns::name, dns::canonical_less> cuts;     // delegation points
        std::set<dns::name, dns::canonical_less> existing; // names with data or descendants
        std::vector<dnssec::nsec_record> nsecs;
        std::vector<dnssec::nsec3_record> nsec3s;

        const rrset_records* find(dns::name_view n, dns::rr_type t) const {
            auto node = nodes.find(dns::name(n));
            if (node == nodes.end()) return nullptr;
            auto set = node->second.find(t);
            if (set == node->second.end() || set->second.records.empty()) return nullptr;
            return &set->second;
        }
        bool below_cut(dns::name_view n) const {
            return std::any_of(cuts.begin(), cuts.end(),
                               [&](const dns::name& c) { return n.is_strict_subdomain_of(c); });
        }
        // The longest existing ancestor of a name that does not exist (RFC 5155 §1.3).
        dns::name closest_encloser(dns::name_view n) const {
            dns::name c = dns::name(n).parent();
            while (c != apex && !existing.count(c))
                c = c.parent();
            return c;
        }
    };

    const zone* zone_for(dns::name_view n, bool parent_side) const {
        const zone* best = nullptr;
        for (const auto& z : zones_) {
            if (!n.is_subdomain_of(z.apex)) continue;
            if (parent_side && z.apex == n && !n.is_root()) continue;
            if (!best || z.apex.label_count() > best->apex.label_count()) best = &z;
        }
        return best;
    }

    static void append(std::vector<dns::record>& out, const rrset_records& set) {
        out.insert(out.end(), set.records.begin(), set.records.end());
        out.insert(out.end(), set.signatures.begin(), set.signatures.end());
    }
    static rrset_records expand(const rrset_records& set, dns::name_view owner) {
        rrset_records out = set;
        for (auto& r : out.records)
            r.owner = owner;
        for (auto& r : out.signatures)
            r.owner = owner;
        return out;
    }
    static dns::name cname_target(const rrset_records& set) {
        return dns::name::from_wire(set.records.front().rdata).value().lowercased();
    }
    static void add_once(std::vector<dns::record>& out, const rrset_records& set) {
        for (const auto& r : set.records)
            if (std::find_if(out.begin(), out.end(), [&](const dns::record& x) {
                    return x.type == r.type && x.owner == r.owner && x.rdata == r.rdata;
                }) != out.end())
                return;
        append(out, set);
    }
    void add_soa(answer_sections& out, const zone& z) const {
        if (const auto* soa = z.find(z.apex, dns::rr_type::soa)) append(out.authority, *soa);
    }
    void add_denial(answer_sections& out, const zone& z, dns::name_view owner,
                    dns::rr_type type) const {
        if (const auto* set = z.find(owner, type)) add_once(out.authority, *set);
    }

    // NSEC: the record at the name, or for an empty non-terminal the one covering it.
    void add_nsec_matching_or_covering(answer_sections& out, const zone& z,
                                       dns::name_view n) const {
        for (const auto& r : z.nsecs)
            if (dnssec::nsec_matches(r, n)) return add_denial(out, z, r.owner, dns::rr_type::nsec);
        add_nsec_covering(out, z, n);
    }
    void add_nsec_covering(answer_sections& out, const zone& z, dns::name_view n) const {
        for (const auto& r : z.nsecs)
            if (dnssec::nsec_covers(r, n, z.apex))
                return add_denial(out, z, r.owner, dns::rr_type::nsec);
    }

    std::optional<crypto::digest_value> hash_in(const zone& z, dns::name_view n) const {
        if (z.nsec3s.empty()) return std::nullopt;
        const auto& p = z.nsec3s.front();
        auto h = dnssec::nsec3_hash(*backend_, n, p.salt, p.iterations);
        if (!h) return std::nullopt;
        return *h;
    }
    void add_nsec3_matching(answer_sections& out, const zone& z, dns::name_view n) const {
        auto h = hash_in(z, n);
        if (!h) return;
        for (const auto& r : z.nsec3s)
            if (dnssec::nsec3_matches(r, h->bytes()))
                return add_denial(out, z, r.owner, dns::rr_type::nsec3);
    }
    void add_nsec3_covering(answer_sections& out, const zone& z, dns::name_view n) const {
        auto h = hash_in(z, n);
        if (!h) return;
        for (const auto& r : z.nsec3s)
            if (dnssec::nsec3_covers(r, h->bytes()))
                return add_denial(out, z, r.owner, dns::rr_type::nsec3);
    }
    // That `n` itself does not exist: with NSEC the record covering it; with NSEC3 the
    // closest encloser's record and the one covering the next closer name (RFC 5155 §7.2.1).
    void add_no_exact_match(answer_sections& out, const zone& z, dns::name_view n,
                            dns::name_view encloser) const {
        if (z.nsec3s.empty()) return add_nsec_covering(out, z, n);
        add_nsec3_matching(out, z, encloser);
        add_nsec3_covering(out, z, dns::name(n).suffix(encloser.label_count() + 1));
    }

    const crypto::botan_backend* backend_;
    std::vector<zone> zones_;
    // Answers by name and type: the zones do not change, so each question is worked out
    // once (bench_resolve times the resolver, not this); likewise whole responses by the
    // query's bytes after the ID, and the transport.
    std::map<std::string, answer_sections> responses_;
    std::map<std::string, byte_buffer> wires_;
    std::size_t answered_ = 0;
};

} // namespace resolver_test
