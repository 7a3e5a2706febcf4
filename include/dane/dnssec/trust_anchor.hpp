// Trust anchors: the DS or DNSKEY records a validator trusts without proof (RFC 4033 §2,
// RFC 4035 §4.4). The IANA root KSKs are built in; anchors also load from IANA's
// root-anchors.xml format (RFC 9718) and from DS/DNSKEY records in zone-file form, for any
// name (test hierarchies and private roots have their own).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dane/core/ascii.hpp"
#include "dane/core/bytes.hpp"
#include "dane/core/codec.hpp"
#include "dane/core/result.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dns/zone_parser.hpp"
#include "dane/dnssec/error.hpp"
#include "dane/dnssec/verdict.hpp"

namespace dane::dnssec {

// The anchors of one name: DS RDATAs (vouching for DNSKEYs by digest) and DNSKEY RDATAs
// (trusted as they are).
struct trust_anchor {
    dns::name owner;
    std::vector<byte_buffer> ds;
    std::vector<byte_buffer> dnskeys;
    // Set for a zone known to be unsigned: validation treats it as insecure, for this
    // reason, without looking at DS or DNSKEY records (a negative trust anchor, RFC 7646;
    // the resolver's cache marks delegations it has proven unsigned this way).
    std::optional<dnssec::reason> insecure{};
};

class trust_anchors {
public:
    // Adds one DS or DNSKEY record; other types are refused. Duplicates are dropped.
    result<void> add(const dns::record& r) {
        if (r.type == dns::rr_type::ds) {
            if (r.rdata.size() < 4) return fail(errc::bad_ds);
            add_unique(slot(r.owner).ds, r.rdata);
        } else if (r.type == dns::rr_type::dnskey) {
            if (r.rdata.size() < 4) return fail(errc::bad_dnskey);
            add_unique(slot(r.owner).dnskeys, r.rdata);
        } else {
            return fail(errc::bad_anchor);
        }
        return {};
    }
    result<void> add_ds(dns::name_view owner, bytes_view rdata) {
        return add(dns::record{owner, dns::rr_type::ds, dns::rr_class::in, 0,
                               byte_buffer(rdata.begin(), rdata.end())});
    }
    result<void> add_dnskey(dns::name_view owner, bytes_view rdata) {
        return add(dns::record{owner, dns::rr_type::dnskey, dns::rr_class::in, 0,
                               byte_buffer(rdata.begin(), rdata.end())});
    }
    // Marks `owner` as a zone known to be unsigned (trust_anchor::insecure).
    void add_insecure(dns::name_view owner, dnssec::reason why) {
        slot(dns::name(owner)).insecure = std::move(why);
    }
    void merge(const trust_anchors& o) {
        for (const auto& a : o.anchors_) {
            if (a.insecure) slot(a.owner).insecure = a.insecure;
            for (const auto& d : a.ds)
                add_unique(slot(a.owner).ds, d);
            for (const auto& k : a.dnskeys)
                add_unique(slot(a.owner).dnskeys, k);
        }
    }

    // The anchor at exactly this name, if any.
    const trust_anchor* find(dns::name_view n) const noexcept {
        for (const auto& a : anchors_)
            if (a.owner == n) return &a;
        return nullptr;
    }
    // The deepest anchor at or above `n` (RFC 4035 §4.4: the closest one applies).
    const trust_anchor* closest(dns::name_view n) const noexcept {
        const trust_anchor* best = nullptr;
        for (const auto& a : anchors_)
            if (n.is_subdomain_of(a.owner) &&
                (!best || a.owner.label_count() > best->owner.label_count()))
                best = &a;
        return best;
    }
    std::span<const trust_anchor> anchors() const noexcept { return anchors_; }
    bool empty() const noexcept { return anchors_.empty(); }

private:
    trust_anchor& slot(const dns::name& owner) {
        for (auto& a : anchors_)
            if (a.owner == owner) return a;
        anchors_.push_back(trust_anchor{owner, {}, {}, std::nullopt});
        return anchors_.back();
    }
    static void add_unique(std::vector<byte_buffer>& v, const byte_buffer& rd) {
        for (const auto& x : v)
            if (x == rd) return;
        v.push_back(rd);
    }
    std::vector<trust_anchor> anchors_;
};

// The IANA root zone KSKs as DS records (https://data.iana.org/root-anchors/): KSK-2017
// (key tag 20326, in use since 2018) and KSK-2024 (key tag 38696, published 2025), both
// RSASHA256 with SHA-256 digests.
inline trust_anchors iana_root_anchors() {
    static constexpr std::string_view digests[][2] = {
        {"20326", "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"},
        {"38696", "683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16"},
    };
    trust_anchors out;
    for (const auto& d : digests) {
        byte_buffer rd;
        byte_writer w(rd);
        w.u16(static_cast<std::uint16_t>(std::stoul(std::string(d[0]))));
        w.u8(8);
        w.u8(2);
        (void)append_from_hex(rd, d[1]);
        (void)out.add_ds(dns::name(), rd);
    }
    return out;
}

namespace detail {

// The text between <tag> and </tag> starting the search at `from`; npos-safe.
struct xml_element {
    std::string_view attributes; // the text inside the opening tag after its name
    std::string_view content;
    std::size_t end = std::string_view::npos; // just past the closing tag
};

inline std::optional<xml_element> xml_find(std::string_view xml, std::string_view tag,
                                           std::size_t from = 0) {
    const std::string open = "<" + std::string(tag);
    const std::string close = "</" + std::string(tag) + ">";
    for (std::size_t pos = xml.find(open, from); pos != std::string_view::npos;
         pos = xml.find(open, pos + 1)) {
        const std::size_t after = pos + open.size();
        if (after >= xml.size()) return std::nullopt;
        const char c = xml[after];
        if (c != '>' && c != ' ' && c != '\t' && c != '\r' && c != '\n') continue;
        const std::size_t gt = xml.find('>', after);
        if (gt == std::string_view::npos) return std::nullopt;
        const std::size_t end = xml.find(close, gt + 1);
        if (end == std::string_view::npos) return std::nullopt;
        return xml_element{xml.substr(after, gt - after), xml.substr(gt + 1, end - gt - 1),
                           end + close.size()};
    }
    return std::nullopt;
}

inline std::optional<std::string_view> xml_attribute(std::string_view attrs,
                                                     std::string_view name) {
    const std::string key = std::string(name) + "=\"";
    for (std::size_t pos = attrs.find(key); pos != std::string_view::npos;
         pos = attrs.find(key, pos + 1)) {
        if (pos > 0 && attrs[pos - 1] != ' ' && attrs[pos - 1] != '\t' && attrs[pos - 1] != '\n' &&
            attrs[pos - 1] != '\r')
            continue;
        const std::size_t start = pos + key.size();
        const std::size_t end = attrs.find('"', start);
        if (end == std::string_view::npos) return std::nullopt;
        return attrs.substr(start, end - start);
    }
    return std::nullopt;
}

// xsd:dateTime as root-anchors.xml writes it: YYYY-MM-DDTHH:MM:SS, optional fraction,
// then Z or ±HH:MM (none means UTC).
inline std::optional<std::chrono::sys_seconds> parse_xml_time(std::string_view t) {
    using namespace std::chrono;
    auto num = [&](std::size_t at, std::size_t n) -> std::optional<int> {
        if (at + n > t.size()) return std::nullopt;
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (t[i] < '0' || t[i] > '9') return std::nullopt;
            v = v * 10 + (t[i] - '0');
        }
        return v;
    };
    auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
         s = num(17, 2);
    if (!y || !mo || !d || !h || !mi || !s || t[4] != '-' || t[7] != '-' || t[10] != 'T' ||
        t[13] != ':' || t[16] != ':')
        return std::nullopt;
    year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
    if (!ymd.ok() || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
    sys_seconds tp = sys_days{ymd} + hours{*h} + minutes{*mi} + seconds{*s};
    std::size_t pos = 19;
    if (pos < t.size() && t[pos] == '.') {
        ++pos;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9')
            ++pos;
    }
    if (pos == t.size() || (t[pos] == 'Z' && pos + 1 == t.size())) return tp;
    if ((t[pos] == '+' || t[pos] == '-') && pos + 6 == t.size() && t[pos + 3] == ':') {
        auto oh = num(pos + 1, 2), om = num(pos + 4, 2);
        if (!oh || !om) return std::nullopt;
        seconds off = hours{*oh} + minutes{*om};
        return t[pos] == '+' ? tp - off : tp + off;
    }
    return std::nullopt;
}

} // namespace detail

// Reads IANA's root-anchors.xml (RFC 9718 §2): the <Zone> and each <KeyDigest> with its
// <KeyTag>, <Algorithm>, <DigestType> and <Digest>, as DS records of the zone. With `at`,
// digests outside their validFrom/validUntil window are left out (RFC 9718 §3: a digest
// whose validUntil has passed is not to be trusted); without it all are taken.
inline result<trust_anchors>
parse_root_anchors_xml(std::string_view xml,
                       std::optional<std::chrono::sys_seconds> at = std::nullopt) {
    auto anchor = detail::xml_find(xml, "TrustAnchor");
    if (!anchor) return fail(errc::bad_anchor_xml);
    auto zone_el = detail::xml_find(anchor->content, "Zone");
    if (!zone_el) return fail(errc::bad_anchor_xml);
    const dns::name root;
    auto zone = dns::name::parse(ascii_trim(zone_el->content), &root);
    if (!zone) return fail(errc::bad_anchor_xml);
    trust_anchors out;
    std::size_t from = 0;
    bool any = false;
    while (auto kd = detail::xml_find(anchor->content, "KeyDigest", from)) {
        from = kd->end;
        auto field = [&](std::string_view tag) -> std::optional<std::string_view> {
            auto e = detail::xml_find(kd->content, tag);
            if (!e) return std::nullopt;
            return ascii_trim(e->content);
        };
        auto tag = field("KeyTag"), alg = field("Algorithm"), dt = field("DigestType"),
             digest = field("Digest");
        if (!tag || !alg || !dt || !digest) return fail(errc::bad_anchor_xml);
        auto tag_v = dns::detail::parse_decimal(*tag, 0xffff);
        auto alg_v = dns::detail::parse_decimal(*alg, 0xff);
        auto dt_v = dns::detail::parse_decimal(*dt, 0xff);
        byte_buffer rd;
        if (!tag_v || !alg_v || !dt_v) return fail(errc::bad_anchor_xml);
        byte_writer w(rd);
        w.u16(static_cast<std::uint16_t>(*tag_v));
        w.u8(static_cast<std::uint8_t>(*alg_v));
        w.u8(static_cast<std::uint8_t>(*dt_v));
        if (!append_from_hex(rd, *digest)) return fail(errc::bad_anchor_xml);
        any = true;
        if (at) {
            auto from_attr = detail::xml_attribute(kd->attributes, "validFrom");
            auto until_attr = detail::xml_attribute(kd->attributes, "validUntil");
            std::optional<std::chrono::sys_seconds> vf, vu;
            if (from_attr && !(vf = detail::parse_xml_time(*from_attr)))
                return fail(errc::bad_anchor_xml);
            if (until_attr && !(vu = detail::parse_xml_time(*until_attr)))
                return fail(errc::bad_anchor_xml);
            if ((vf && *at < *vf) || (vu && *at >= *vu)) continue;
        }
        DANE_TRY(out.add_ds(*zone, rd));
    }
    // No digest at all, or none valid at `at`: nothing to trust, which must not read as
    // an empty (and so permissive-looking) set of anchors.
    if (!any || out.empty()) return fail(errc::no_anchor);
    return out;
}

// Where a trust anchor source went wrong: the library's one located error type
// (core/error.hpp), with the line (1-based) for zone-file text; no line for XML or an
// error not tied to one.
using anchor_error = dane::located_error;

// Trust anchors from text: root-anchors.xml when the text starts with '<', otherwise DS
// and DNSKEY records in zone-file form (relative names complete with the root).
inline result<trust_anchors, anchor_error>
load_trust_anchors(std::string_view text,
                   std::optional<std::chrono::sys_seconds> at = std::nullopt) {
    std::string_view t = ascii_trim(text);
    if (t.starts_with("<")) {
        auto r = parse_root_anchors_xml(t, at);
        if (!r) return fail(anchor_error(r.error()));
        return std::move(*r);
    }
    const dns::name root;
    dns::zone_parser p(text, &root, 0);
    trust_anchors out;
    for (;;) {
        auto r = p.next();
        if (!r) return fail(std::move(r.error()));
        if (!*r) break;
        if (auto ok = out.add(**r); !ok) {
            anchor_error e(ok.error());
            e.context = "a trust anchor must be DS or DNSKEY, not " + dns::to_string((*r)->type);
            return fail(std::move(e));
        }
    }
    if (out.empty()) return fail(anchor_error(errc::no_anchor));
    return out;
}

} // namespace dane::dnssec
