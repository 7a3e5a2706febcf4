// deliver_blocking [--resolver ADDR] [--trust-anchor FILE] FROM TO MESSAGE-FILE: delivers one
// message to TO's domain with DANE (RFC 7672) over blocking sockets: MX, addresses and TLSA
// validated from the trust anchors (default: the IANA root), hosts tried in MX order, TLS
// authenticated wherever secure TLSA records say so, never cleartext where they exist.
// The command line and the report are in delivery_args.hpp (shared with deliver_asio).
#include <random>

#include "dane/crypto/botan.hpp"
#include "dane/io/blocking_delivery.hpp"
#include "delivery_args.hpp"

int main(int argc, char** argv) {
    using namespace dane;
    auto request = delivery_args::read("deliver_blocking", argc, argv);
    if (!request) return 2;

    const crypto::botan_backend backend;
    std::random_device random; // unpredictable query IDs (RFC 5452 §9.2)
    resolver::stub_resolver<crypto::botan_backend> stub(backend, std::move(request->anchors),
                                                        [&] { return std::uint16_t(random()); });
    // The plan's lookups through `stub`, its sessions over TCP with the TLS each host's
    // policy asks for; everything seen is in the result (io/blocking_delivery.hpp).
    const auto r = io::deliver_blocking(stub, request->upstream, request->domain, request->mail);
    return delivery_args::report(r.attempts, r.final);
}
