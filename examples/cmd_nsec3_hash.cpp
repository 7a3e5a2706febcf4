// dane nsec3-hash NAME SALT ITERATIONS: the NSEC3 hash of NAME (RFC 5155 §5) in base32hex,
// as an NSEC3 owner label prints it. SALT is hex, or "-" for none.
#include <iostream>
#include <string>

#include "dane/core/codec.hpp"
#include "dane/crypto/botan.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dnssec/nsec3.hpp"
#include "tool.hpp"

namespace {

using namespace dane;

int run_nsec3_hash(dane_tool::args args) {
    if (args.size() != 3)
        return dane_tool::usage_error("usage: dane nsec3-hash NAME SALT ITERATIONS");
    const dns::name root;
    auto n = dns::name::parse(args[0], &root);
    if (!n) return dane_tool::usage_error("nsec3-hash: bad name '" + std::string(args[0]) + "'");
    byte_buffer salt;
    if (args[1] != "-") {
        auto s = from_hex(args[1]);
        if (!s || s->size() > 255)
            return dane_tool::usage_error("nsec3-hash: bad salt '" + std::string(args[1]) + "'");
        salt = *s;
    }
    auto it = dns::parse_decimal(args[2], 0xffff);
    if (!it)
        return dane_tool::usage_error("nsec3-hash: bad iterations '" + std::string(args[2]) + "'");
    const crypto::botan_backend backend;
    auto h = dnssec::nsec3_hash_text(backend, *n, salt, static_cast<std::uint16_t>(*it));
    if (!h) return dane_tool::usage_error("nsec3-hash: " + h.error().message());
    std::cout << *h << "\n";
    return dane_tool::exit_ok;
}

const dane_tool::registration reg{
    "nsec3-hash",
    {"nsec3-hash NAME SALT ITERATIONS",
     "print the base32hex NSEC3 hash of NAME (SALT in hex, - for none)", run_nsec3_hash}};

} // namespace
