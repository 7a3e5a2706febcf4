// resolve_asio [--resolver ADDR[:PORT]] [--trust-anchor FILE] [--time YYYYMMDDHHMMSS]
//              NAME TYPE [NAME TYPE ...]
// The sans-I/O resolver driven by an event loop (standalone Asio): every lookup runs at once
// on one thread and one io_context, and all share one stub_resolver, so its cache serves
// the DNSKEY and DS sets that several lookups need. The resolver never touches a socket or
// a clock; this file owns both. Prints, per lookup, the answer, `verdict: ...` and the chain
// as `dane lookup` does, plus the lookup's wire counters; exits as `dane lookup` would for
// the worst lookup (0 secure, 1 insecure, 3 bogus or indeterminate, 2 usage).
#include <algorithm>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "asio_glue.hpp"
#include "dane/dns/types.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "lookup_output.hpp"

using namespace dane;
using asio_glue::lookup, asio_glue::now, asio_glue::pinned_time;
using stub = resolver::stub_resolver<crypto::botan_backend>;

// What `dane lookup` prints (the tool's lookup_output.hpp), after a line naming the question
// and followed by the lookup's wire counters.
void print(const resolver::lookup_result& r) {
    const auto& s = r.stats;
    std::cout << ";; " << r.qname.to_string() << ' ' << dns::to_string(r.qtype) << '\n'
              << dane_tool::lookup_text(r) << "stats: queries=" << s.queries_sent
              << " responses=" << s.responses << " retries=" << s.retries
              << " tcp_fallbacks=" << s.tcp_fallbacks
              << " from_cache=" << (s.answer_from_cache ? "yes" : "no") << "\n\n";
}

int main(int argc, char** argv) {
    const char* usage = "usage: resolve_asio [--resolver ADDR[:PORT]] [--trust-anchor FILE] "
                        "[--time YYYYMMDDHHMMSS] NAME TYPE [NAME TYPE ...]\n";
    std::optional<std::string> upstream_text, anchor_path;
    std::vector<std::pair<dns::name, dns::rr_type>> questions;
    const dns::name root;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if ((a == "--resolver" || a == "--trust-anchor" || a == "--time") && i + 1 < argc) {
            std::string v = argv[++i];
            if (a == "--resolver") upstream_text = v;
            if (a == "--trust-anchor") anchor_path = v;
            if (a == "--time") {
                auto t = dns::parse_rrsig_time(v);
                if (!t || v.size() != 14) return std::cerr << usage, 2;
                pinned_time = std::chrono::sys_seconds(std::chrono::seconds(*t));
            }
        } else if (!a.starts_with("-") && i + 1 < argc) {
            auto name = dns::name::parse(a, &root);
            auto type = dns::parse_rr_type(argv[++i]);
            if (!name || !type) return std::cerr << "bad question: " << a << '\n' << usage, 2;
            questions.emplace_back(*name, *type);
        } else {
            return std::cerr << usage, 2;
        }
    }
    auto upstream = asio_glue::upstream_endpoint(upstream_text);
    if (questions.empty() || !upstream) return std::cerr << usage, 2;

    auto anchors = dnssec::iana_root_anchors();
    if (anchor_path) {
        std::ifstream in(*anchor_path);
        std::stringstream text;
        text << in.rdbuf();
        auto loaded = dnssec::load_trust_anchors(text.str(), now().wall);
        if (!in || !loaded)
            return std::cerr << "cannot read trust anchors from " << *anchor_path << '\n', 2;
        anchors = std::move(*loaded);
    }

    // Query IDs must be unpredictable (RFC 5452 §9.2): random_device reads the kernel's
    // generator on Linux.
    std::random_device random;
    const crypto::botan_backend backend;
    stub resolver(backend, std::move(anchors),
                  [&random] { return static_cast<std::uint16_t>(random()); });

    asio::io_context io;
    std::vector<std::unique_ptr<lookup>> lookups; // handlers hold `this`: stable addresses
    try {
        for (const auto& [name, type] : questions)
            lookups.push_back(
                std::make_unique<lookup>(io, *upstream, resolver.start(name, type, now())));
        for (auto& l : lookups)
            l->begin();
        io.run(); // returns when every lookup is done and has closed its sockets
    } catch (const std::system_error& e) {
        // No socket to the upstream (no route, no such address family): as `dane lookup`,
        // a network failure is a lookup that could not decide.
        std::cerr << "resolve_asio: " << e.what() << '\n';
        return 3;
    }

    int worst = 0;
    for (const auto& l : lookups) {
        print(l->result());
        worst = std::max(worst, dane_tool::lookup_exit_code(l->result().verdict));
    }
    return worst;
}
