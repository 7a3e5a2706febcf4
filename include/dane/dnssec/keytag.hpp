// The key tag of a DNSKEY (RFC 4034 Appendix B): the 16-bit checksum that RRSIG and DS
// records use to point at a key. It is not unique; several keys may share one (and KeyTrap
// makes hundreds share one), so a tag narrows the search and never identifies a key.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dane/core/bytes.hpp"

namespace dane::dnssec {

// The key tag of DNSKEY RDATA in wire form. Algorithm 1 (RSA/MD5) has its own definition
// (RFC 4034 Appendix B.1: the second-to-last two octets of the modulus); algorithm 1 is
// never validated (RFC 8624 §3.1), but its tag still names the key in DS records and
// `dane keytag` prints it.
constexpr std::uint16_t key_tag(bytes_view rdata) noexcept {
    if (rdata.size() >= 4 && std::to_integer<unsigned>(rdata[3]) == 1) {
        if (rdata.size() < 7) return 0;
        auto hi = std::to_integer<unsigned>(rdata[rdata.size() - 3]);
        auto lo = std::to_integer<unsigned>(rdata[rdata.size() - 2]);
        return static_cast<std::uint16_t>(hi << 8 | lo);
    }
    std::uint32_t ac = 0;
    for (std::size_t i = 0; i < rdata.size(); ++i)
        ac += (i & 1) ? std::to_integer<std::uint32_t>(rdata[i])
                      : std::to_integer<std::uint32_t>(rdata[i]) << 8;
    ac += (ac >> 16) & 0xffff;
    return static_cast<std::uint16_t>(ac & 0xffff);
}

} // namespace dane::dnssec
