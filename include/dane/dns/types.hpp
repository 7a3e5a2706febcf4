// Record types, classes, opcodes and response codes, with their mnemonics. Values the
// library has no name for are still valid values: they print as TYPEnnn / CLASSnnn
// (RFC 3597 §5) and parse back from that form.
#pragma once

#include "dane/core/config.hpp"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dane/core/ascii.hpp"

namespace dane::dns {

enum class rr_type : std::uint16_t {
    a = 1,
    ns = 2,
    md = 3,
    mf = 4,
    cname = 5,
    soa = 6,
    mb = 7,
    mg = 8,
    mr = 9,
    null = 10,
    wks = 11,
    ptr = 12,
    hinfo = 13,
    minfo = 14,
    mx = 15,
    txt = 16,
    rp = 17,
    afsdb = 18,
    x25 = 19,
    isdn = 20,
    rt = 21,
    nsap = 22,
    nsap_ptr = 23,
    sig = 24,
    key = 25,
    px = 26,
    gpos = 27,
    aaaa = 28,
    loc = 29,
    nxt = 30,
    srv = 33,
    naptr = 35,
    kx = 36,
    cert = 37,
    a6 = 38,
    dname = 39,
    opt = 41,
    apl = 42,
    ds = 43,
    sshfp = 44,
    ipseckey = 45,
    rrsig = 46,
    nsec = 47,
    dnskey = 48,
    dhcid = 49,
    nsec3 = 50,
    nsec3param = 51,
    tlsa = 52,
    smimea = 53,
    hip = 55,
    cds = 59,
    cdnskey = 60,
    openpgpkey = 61,
    csync = 62,
    zonemd = 63,
    svcb = 64,
    https = 65,
    spf = 99,
    nid = 104,
    l32 = 105,
    l64 = 106,
    lp = 107,
    eui48 = 108,
    eui64 = 109,
    tkey = 249,
    tsig = 250,
    ixfr = 251,
    axfr = 252,
    any = 255,
    uri = 256,
    caa = 257,
};

enum class rr_class : std::uint16_t { in = 1, ch = 3, hs = 4, none = 254, any = 255 };

enum class opcode : std::uint8_t { query = 0, iquery = 1, status = 2, notify = 4, update = 5 };

// Response codes, including the extended ones that need EDNS (RFC 6891 §6.1.3).
enum class rcode : std::uint16_t {
    noerror = 0,
    formerr = 1,
    servfail = 2,
    nxdomain = 3,
    notimp = 4,
    refused = 5,
    yxdomain = 6,
    yxrrset = 7,
    nxrrset = 8,
    notauth = 9,
    notzone = 10,
    badvers = 16,
    badcookie = 23,
};

namespace detail {
struct mnemonic {
    std::uint16_t value;
    std::string_view text;
};
inline constexpr mnemonic type_names[] = {
    {1, "A"},         {2, "NS"},          {3, "MD"},          {4, "MF"},      {5, "CNAME"},
    {6, "SOA"},       {7, "MB"},          {8, "MG"},          {9, "MR"},      {10, "NULL"},
    {11, "WKS"},      {12, "PTR"},        {13, "HINFO"},      {14, "MINFO"},  {15, "MX"},
    {16, "TXT"},      {17, "RP"},         {18, "AFSDB"},      {19, "X25"},    {20, "ISDN"},
    {21, "RT"},       {22, "NSAP"},       {23, "NSAP-PTR"},   {24, "SIG"},    {25, "KEY"},
    {26, "PX"},       {27, "GPOS"},       {28, "AAAA"},       {29, "LOC"},    {30, "NXT"},
    {33, "SRV"},      {35, "NAPTR"},      {36, "KX"},         {37, "CERT"},   {38, "A6"},
    {39, "DNAME"},    {41, "OPT"},        {42, "APL"},        {43, "DS"},     {44, "SSHFP"},
    {45, "IPSECKEY"}, {46, "RRSIG"},      {47, "NSEC"},       {48, "DNSKEY"}, {49, "DHCID"},
    {50, "NSEC3"},    {51, "NSEC3PARAM"}, {52, "TLSA"},       {53, "SMIMEA"}, {55, "HIP"},
    {59, "CDS"},      {60, "CDNSKEY"},    {61, "OPENPGPKEY"}, {62, "CSYNC"},  {63, "ZONEMD"},
    {64, "SVCB"},     {65, "HTTPS"},      {99, "SPF"},        {104, "NID"},   {105, "L32"},
    {106, "L64"},     {107, "LP"},        {108, "EUI48"},     {109, "EUI64"}, {249, "TKEY"},
    {250, "TSIG"},    {251, "IXFR"},      {252, "AXFR"},      {255, "ANY"},   {256, "URI"},
    {257, "CAA"},
};
inline constexpr mnemonic class_names[] = {
    {1, "IN"}, {3, "CH"}, {4, "HS"}, {254, "NONE"}, {255, "ANY"}};
inline constexpr mnemonic rcode_names[] = {
    {0, "NOERROR"},  {1, "FORMERR"},  {2, "SERVFAIL"},  {3, "NXDOMAIN"}, {4, "NOTIMP"},
    {5, "REFUSED"},  {6, "YXDOMAIN"}, {7, "YXRRSET"},   {8, "NXRRSET"},  {9, "NOTAUTH"},
    {10, "NOTZONE"}, {16, "BADVERS"}, {23, "BADCOOKIE"}};
inline constexpr mnemonic opcode_names[] = {
    {0, "QUERY"}, {1, "IQUERY"}, {2, "STATUS"}, {4, "NOTIFY"}, {5, "UPDATE"}};

template <std::size_t N>
std::string mnemonic_or(const mnemonic (&table)[N], std::uint16_t v, std::string_view prefix) {
    for (const auto& m : table)
        if (m.value == v) return std::string(m.text);
    return std::string(prefix) + std::to_string(v);
}

// Parses a mnemonic from `table`, or `prefix` followed by a decimal number (RFC 3597 §5).
template <std::size_t N>
std::optional<std::uint16_t> parse_mnemonic(const mnemonic (&table)[N], std::string_view text,
                                            std::string_view prefix) {
    for (const auto& m : table)
        if (ascii_iequals(m.text, text)) return m.value;
    if (text.size() > prefix.size() && ascii_iequals(text.substr(0, prefix.size()), prefix)) {
        auto digits = text.substr(prefix.size());
        unsigned v = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec == std::errc() && end == digits.data() + digits.size() && v <= 0xffff)
            return static_cast<std::uint16_t>(v);
    }
    return std::nullopt;
}
// DNSSEC algorithm mnemonics: RFC 8624 §3.1 and the other names of the IANA "DNS
// Security Algorithm Numbers" registry (RFC 4034 App. A.1). The one table of the library:
// zone file parsing uses it here, crypto::mnemonic and crypto::parse_algorithm use it too.
inline constexpr mnemonic dnssec_algorithm_names[] = {
    {1, "RSAMD5"},
    {2, "DH"},
    {3, "DSA"},
    {5, "RSASHA1"},
    {6, "DSA-NSEC3-SHA1"},
    {7, "RSASHA1-NSEC3-SHA1"},
    {8, "RSASHA256"},
    {10, "RSASHA512"},
    {12, "ECC-GOST"},
    {13, "ECDSAP256SHA256"},
    {14, "ECDSAP384SHA384"},
    {15, "ED25519"},
    {16, "ED448"},
    {252, "INDIRECT"},
    {253, "PRIVATEDNS"},
    {254, "PRIVATEOID"},
};
} // namespace detail

inline std::string to_string(rr_type t) {
    return detail::mnemonic_or(detail::type_names, static_cast<std::uint16_t>(t), "TYPE");
}
inline std::string to_string(rr_class c) {
    return detail::mnemonic_or(detail::class_names, static_cast<std::uint16_t>(c), "CLASS");
}
inline std::string to_string(rcode r) {
    return detail::mnemonic_or(detail::rcode_names, static_cast<std::uint16_t>(r), "RCODE");
}
inline std::string to_string(opcode o) {
    return detail::mnemonic_or(detail::opcode_names, static_cast<std::uint16_t>(o), "OPCODE");
}

inline std::optional<rr_type> parse_rr_type(std::string_view text) {
    auto v = detail::parse_mnemonic(detail::type_names, text, "TYPE");
    if (!v) return std::nullopt;
    return static_cast<rr_type>(*v);
}
inline std::optional<rr_class> parse_rr_class(std::string_view text) {
    auto v = detail::parse_mnemonic(detail::class_names, text, "CLASS");
    if (!v) return std::nullopt;
    return static_cast<rr_class>(*v);
}

// Meta types and QTYPEs that never appear as data in a zone (RFC 6895 §3.1).
// The mnemonic of a DNSSEC algorithm number ("RSASHA256"), or an empty view for a number
// without one.
constexpr std::string_view dnssec_algorithm_mnemonic(std::uint8_t number) noexcept {
    for (const auto& m : detail::dnssec_algorithm_names)
        if (m.value == number) return m.text;
    return {};
}
// The number of a DNSSEC algorithm mnemonic, in any case (RFC 4034 §2.2 lets zone files
// use either); nullopt for text that is no mnemonic.
constexpr std::optional<std::uint8_t>
parse_dnssec_algorithm_mnemonic(std::string_view text) noexcept {
    for (const auto& m : detail::dnssec_algorithm_names)
        if (ascii_iequals(m.text, text)) return static_cast<std::uint8_t>(m.value);
    return std::nullopt;
}

constexpr bool is_meta_type(rr_type t) noexcept {
    auto v = static_cast<std::uint16_t>(t);
    return v == 41 || (v >= 128 && v <= 255);
}

} // namespace dane::dns
