// The options every validating subcommand shares (verify, lookup, verify-chain, smtp): the
// validation time, the smallest RSA key accepted, the trust anchor file, and the upstream
// resolver. Each helper
// prints the usage error itself and returns nullopt, so a command just returns exit_usage.
#pragma once

#include <charconv>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "dane/crypto/backend.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/io/endpoint.hpp"
#include "dane/io/resolv_conf.hpp"
#include "tool.hpp"

namespace dane_tool {

// --time YYYYMMDDHHMMSS, or the system clock without it.
inline std::optional<std::chrono::sys_seconds>
validation_time(std::string_view command, std::optional<std::string_view> text) {
    if (!text) return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto t = dane::dns::parse_rrsig_time(*text);
    if (!t || text->size() != 14) {
        usage_error(std::string(command) + ": bad --time '" + std::string(*text) +
                    "' (want YYYYMMDDHHMMSS)");
        return std::nullopt;
    }
    // RRSIG times are 32-bit; the time given is taken in the epoch window after 1970.
    return std::chrono::sys_seconds(std::chrono::seconds(*t));
}

// --min-rsa-bits N: RSA keys below N bits are refused by policy (default 1024).
inline std::optional<dane::crypto::key_limits>
key_limits_option(std::string_view command, std::optional<std::string_view> text) {
    dane::crypto::key_limits limits;
    if (!text) return limits;
    std::size_t bits = 0;
    const char* end = text->data() + text->size();
    auto [p, ec] = std::from_chars(text->data(), end, bits);
    if (text->empty() || ec != std::errc() || p != end || bits == 0 || bits > limits.max_rsa_bits) {
        usage_error(std::string(command) + ": bad --min-rsa-bits '" + std::string(*text) +
                    "' (want 1 to " + std::to_string(limits.max_rsa_bits) + ")");
        return std::nullopt;
    }
    limits.min_rsa_bits = bits;
    return limits;
}

// --trust-anchor FILE: DS or DNSKEY records in zone-file form, or IANA's root-anchors.xml
// (whose anchors are taken as valid at `now`).
inline std::optional<dane::dnssec::trust_anchors>
trust_anchor_file(std::string_view command, std::string_view path, std::chrono::sys_seconds now) {
    auto text = read_input(path);
    if (!text) {
        usage_error(std::string(command) + ": cannot read " + std::string(path));
        return std::nullopt;
    }
    auto anchors = dane::dnssec::load_trust_anchors(*text, now);
    if (!anchors) {
        usage_error(std::string(command) + ": " + std::string(path) + ": " +
                    anchors.error().message());
        return std::nullopt;
    }
    return std::move(*anchors);
}

// The upstream: --resolver, or the first nameserver of /etc/resolv.conf.
inline std::optional<dane::io::endpoint> upstream_option(std::string_view command,
                                                         std::optional<std::string_view> text) {
    namespace io = dane::io;
    const std::string c(command);
    if (text) {
        auto e = io::parse_endpoint(*text);
        if (!e) {
            usage_error(c + ": bad --resolver '" + std::string(*text) +
                        "': " + e.error().message());
            return std::nullopt;
        }
        return *e;
    }
    auto conf = io::read_resolv_conf();
    if (!conf) {
        usage_error(c + ": cannot read " + io::default_resolv_conf_path + ": " +
                    conf.error().message() + " (give --resolver)");
        return std::nullopt;
    }
    for (const auto& skipped : conf->skipped)
        std::cerr << "dane: " << c << ": " << io::default_resolv_conf_path << ": "
                  << skipped.message() << "\n";
    if (conf->nameservers.empty()) {
        usage_error(c + ": no nameserver in " + io::default_resolv_conf_path +
                    " (give --resolver)");
        return std::nullopt;
    }
    return conf->nameservers.front();
}

} // namespace dane_tool
