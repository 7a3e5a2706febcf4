// An owning resource record with uncompressed RDATA: what the zone-file parser produces,
// caches keep and DNSSEC code works on.
#pragma once

#include <cstdint>
#include <string>

#include "dane/core/bytes.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dns/types.hpp"

namespace dane::dns {

struct record {
    name owner;
    rr_type type = rr_type::a;
    rr_class klass = rr_class::in;
    std::uint32_t ttl = 0;
    byte_buffer rdata; // uncompressed wire form

    friend bool operator==(const record& a, const record& b) {
        return a.owner == b.owner && a.type == b.type && a.klass == b.klass && a.ttl == b.ttl &&
               a.rdata == b.rdata;
    }
};

// One line of zone-file text: `owner TTL CLASS TYPE RDATA`, absolute owner, tabs between
// the fields as dig prints them.
inline void append_record_text(std::string& out, const record& r) {
    r.owner.append_text(out);
    out += '\t';
    out += std::to_string(r.ttl);
    out += '\t';
    out += to_string(r.klass);
    out += '\t';
    out += to_string(r.type);
    std::string rd;
    if (append_rdata_text(rd, r.type, r.rdata)) {
        if (!rd.empty()) {
            out += '\t';
            out += rd;
        }
    } else {
        out += "\t; malformed RDATA";
    }
}
inline std::string to_string(const record& r) {
    std::string s;
    append_record_text(s, r);
    return s;
}

} // namespace dane::dns
