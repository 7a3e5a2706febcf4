#include <dane/core/codec.hpp>
#include <dane/dns/message.hpp>
#include <dane/dns/message_builder.hpp>

#include <fstream>
#include <iostream>
#include <string>

int main() {
    // A query: the caller picks the ID (from a good random source, RFC 5452 §9.2).
    auto name = dane::dns::name::parse("_25._tcp.mail.example.net.").value();
    auto query = dane::dns::message_builder::query(0x1f2e, name, dane::dns::rr_type::tlsa,
                                                   {.checking_disabled = true})
                     .build();
    std::cout << "query: " << query.value().size() << " octets\n";

    // A response read from hex text (lines starting with '#' are comments).
    std::ifstream in("examples/data/signed-answer.hex");
    dane::byte_buffer bytes;
    for (std::string line; std::getline(in, line);)
        if (!line.starts_with('#') && !dane::append_from_hex(bytes, line)) return 2;

    auto msg = dane::dns::message_view::parse(bytes); // checks every name and RDATA once
    if (!msg) {
        std::cout << msg.error().message() << '\n'; // e.g. "compression pointer loop at offset 40"
        return 1;
    }
    for (auto rr : msg->answer()) {   // zero-copy views over `bytes`
        auto record = rr.to_record(); // an owning copy, names uncompressed
        if (record) std::cout << dane::dns::to_string(*record) << '\n';
    }
}
