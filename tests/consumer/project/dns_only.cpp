// Builds a TLSA query and parses it back with nothing but the DNS layer (no Botan).
#include <dane/dns/message.hpp>
#include <dane/dns/message_builder.hpp>

#include <cstdio>

int main() {
    auto name = dane::dns::name::parse("_25._tcp.mx.example.net.");
    if (!name) return 1;
    auto query = dane::dns::message_builder::query(0x2a2a, *name, dane::dns::rr_type::tlsa).build();
    if (!query) return 1;
    auto msg = dane::dns::message_view::parse(*query);
    if (!msg || msg->id() != 0x2a2a) return 1;
    std::printf("dns_only: %zu-octet TLSA query parsed back\n", query->size());
    return 0;
}
