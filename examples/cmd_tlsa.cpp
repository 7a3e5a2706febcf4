// dane tlsa verify | generate | check-rollover: DANE certificate checks from the command
// line, on files (no network): what danecheck, `danetool --tlsa-rr`, `ldns-dane create`
// and internet.nl's rollover test do, built on dane/tlsa/.
#include <charconv>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dane/crypto/botan_x509.hpp"
#include "dane/crypto/x509.hpp"
#include "dane/tlsa/generate.hpp"
#include "dane/tlsa/record.hpp"
#include "dane/tlsa/verify.hpp"
#include "tool.hpp"

namespace {

using namespace dane;
using namespace dane::tlsa;
using dane_tool::args;
using dane_tool::usage_error;

constexpr int exit_unusable = 3;

// Options of the form --name VALUE, repeatable, and bare flags.
struct parsed_args {
    std::vector<std::pair<std::string_view, std::string_view>> values;
    std::vector<std::string_view> flags;

    std::optional<std::string_view> get(std::string_view key) const {
        std::optional<std::string_view> v;
        for (const auto& [k, val] : values)
            if (k == key) v = val;
        return v;
    }
    std::vector<std::string_view> all(std::string_view key) const {
        std::vector<std::string_view> out;
        for (const auto& [k, val] : values)
            if (k == key) out.push_back(val);
        return out;
    }
    bool has(std::string_view flag) const {
        for (auto f : flags)
            if (f == flag) return true;
        return false;
    }
};

std::optional<parsed_args> parse_args(args a, std::initializer_list<std::string_view> valued,
                                      std::initializer_list<std::string_view> bare,
                                      std::string& error) {
    parsed_args out;
    for (std::size_t i = 0; i < a.size(); ++i) {
        bool known = false;
        for (auto k : valued)
            if (a[i] == k) {
                if (i + 1 >= a.size()) {
                    error = std::string(k) + " needs a value";
                    return std::nullopt;
                }
                out.values.emplace_back(k, a[++i]);
                known = true;
                break;
            }
        for (auto f : bare)
            if (!known && a[i] == f) {
                out.flags.push_back(f);
                known = true;
            }
        if (!known) {
            error = "unknown argument '" + std::string(a[i]) + "'";
            return std::nullopt;
        }
    }
    return out;
}

// Certificates from a file: PEM blocks, or one DER certificate.
std::optional<std::vector<byte_buffer>> read_certificates(std::string_view path) {
    auto text = dane_tool::read_input(path);
    if (!text) return std::nullopt;
    auto pem = crypto::pem_blocks(*text, "CERTIFICATE");
    if (pem && !pem->empty()) return std::move(*pem);
    if (!pem) return std::nullopt;
    // Not PEM: one DER certificate, or nothing usable.
    if (crypto::botan_x509{}.parse_certificate(as_bytes(*text))) {
        auto b = as_bytes(*text);
        return std::vector<byte_buffer>{byte_buffer(b.begin(), b.end())};
    }
    return std::nullopt;
}

std::optional<dns::name> parse_host(std::string_view text) {
    std::string s(text);
    if (s.empty()) return std::nullopt;
    if (s.back() != '.') s += '.';
    auto n = dns::name::parse(s);
    if (!n) return std::nullopt;
    return *n;
}

// YYYYMMDDHHMMSS, UTC.
std::optional<std::chrono::sys_seconds> parse_time(std::string_view s) {
    if (s.size() != 14) return std::nullopt;
    auto num = [&](std::size_t at, std::size_t len) -> std::optional<int> {
        int v = 0;
        auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + len, v);
        if (ec != std::errc() || end != s.data() + at + len) return std::nullopt;
        return v;
    };
    auto y = num(0, 4), mo = num(4, 2), d = num(6, 2), h = num(8, 2), mi = num(10, 2),
         se = num(12, 2);
    if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
    using namespace std::chrono;
    year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
    if (!ymd.ok() || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
    return sys_days{ymd} + hours{*h} + minutes{*mi} + seconds{*se};
}

std::optional<std::vector<record>> read_tlsa(std::string_view path) {
    auto text = dane_tool::read_input(path);
    if (!text) {
        std::cerr << "dane: cannot read " << path << "\n";
        return std::nullopt;
    }
    auto lines = parse_lines(*text);
    if (!lines) {
        std::cerr << "dane: " << path << ": " << lines.error().message() << "\n";
        return std::nullopt;
    }
    std::vector<record> out;
    for (auto& e : *lines)
        out.push_back(std::move(e.rr));
    return out;
}

std::optional<profile> parse_profile(std::optional<std::string_view> p) {
    if (!p || *p == "smtp") return profile::smtp;
    if (*p == "generic") return profile::generic;
    return std::nullopt;
}

std::string time_text(std::chrono::sys_seconds t) {
    auto d = std::chrono::floor<std::chrono::days>(t);
    std::chrono::year_month_day ymd{d};
    std::chrono::hh_mm_ss hms{t - d};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()),
                  static_cast<long long>(hms.hours().count()),
                  static_cast<long long>(hms.minutes().count()),
                  static_cast<long long>(hms.seconds().count()));
    return buf;
}

int run_verify(args a) {
    std::string err;
    auto p = parse_args(a, {"--chain", "--tlsa", "--name", "--profile", "--ca-file", "--time"},
                        {"-v", "--verbose"}, err);
    if (!p) return usage_error(err);
    auto chain_file = p->get("--chain");
    auto tlsa_file = p->get("--tlsa");
    auto names = p->all("--name");
    if (!chain_file || !tlsa_file || names.empty())
        return usage_error("tlsa verify needs --chain, --tlsa and --name");
    verify_options opt;
    auto prof = parse_profile(p->get("--profile"));
    if (!prof) return usage_error("--profile is smtp or generic");
    opt.mode = *prof;
    for (auto n : names) {
        auto host = parse_host(n);
        if (!host) return usage_error("bad name '" + std::string(n) + "'");
        opt.reference_ids.push_back(*host);
    }
    if (auto t = p->get("--time")) {
        auto parsed = parse_time(*t);
        if (!parsed) return usage_error("--time is YYYYMMDDHHMMSS (UTC)");
        opt.now = *parsed;
    } else {
        opt.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    }
    auto chain = read_certificates(*chain_file);
    if (!chain) return usage_error("no certificates in " + std::string(*chain_file));
    auto records = read_tlsa(*tlsa_file);
    if (!records) return dane_tool::exit_usage;
    std::vector<byte_buffer> anchors;
    if (auto ca = p->get("--ca-file")) {
        auto certs = read_certificates(*ca);
        if (!certs) return usage_error("no certificates in " + std::string(*ca));
        anchors = std::move(*certs);
    }
    for (const auto& c : anchors)
        opt.trust_anchors.push_back(c);
    bool verbose = p->has("-v") || p->has("--verbose");
    opt.describe_certificates = verbose;

    crypto::botan_x509 x509;
    auto v = verify(x509, *records, *chain, opt);
    auto report = format_report(v, *records);
    if (verbose) {
        std::cout << report;
        auto describe = [](std::size_t i, const crypto::cert_summary& c) {
            std::cout << "  [" << i << "] " << c.subject << "\n      issuer " << c.issuer;
            if (c.validity)
                std::cout << "\n      valid " << time_text(c.validity->not_before) << " to "
                          << time_text(c.validity->not_after) << "\n";
            else
                std::cout << "\n      validity unreadable\n";
            for (const auto& d : c.dns_ids)
                std::cout << "      name " << d << "\n";
        };
        std::cout << "chain:\n";
        for (std::size_t i = 0; i < v.chain.size(); ++i)
            describe(i, v.chain[i]);
        if (!v.path.empty()) {
            std::cout << "path";
            if (v.path_number > 0) std::cout << " " << v.path_number;
            std::cout << " (of " << v.work.paths_checked << " checked, " << v.work.signature_checks
                      << " signature checks):\n";
            for (std::size_t i = 0; i < v.path.size(); ++i)
                describe(i, v.path[i]);
        }
    } else {
        std::cout << report.substr(0, report.find('\n') + 1);
    }
    switch (v.status) {
    case outcome::authenticated:
        return dane_tool::exit_ok;
    case outcome::unusable:
        return exit_unusable;
    case outcome::failed:
        break;
    }
    return dane_tool::exit_not_ok;
}

template <class T>
std::optional<T> parse_param(std::optional<std::string_view> text, T fallback,
                             std::optional<T> (*parse)(std::string_view)) {
    if (!text) return fallback;
    return parse(*text);
}

int run_generate(args a) {
    std::string err;
    auto p = parse_args(a,
                        {"--cert", "--key", "--usage", "--selector", "--mtype", "--host", "--port",
                         "--proto", "--ttl", "--next-cert", "--next-key"},
                        {"--acronyms"}, err);
    if (!p) return usage_error(err);
    auto u = parse_param(p->get("--usage"), cert_usage::dane_ee, parse_usage);
    auto s = parse_param(p->get("--selector"), selector_type::spki, parse_selector);
    auto m = parse_param(p->get("--mtype"), matching_type::sha2_256, parse_matching_type);
    if (!u || !s || !m) return usage_error("bad --usage, --selector or --mtype");
    auto cert_file = p->get("--cert");
    auto key_file = p->get("--key");
    if (!cert_file == !key_file) return usage_error("tlsa generate needs --cert or --key");
    unsigned port = 25;
    if (auto pt = p->get("--port")) {
        auto [end, ec] = std::from_chars(pt->data(), pt->data() + pt->size(), port);
        if (ec != std::errc() || end != pt->data() + pt->size() || port > 65535)
            return usage_error("bad --port");
    }
    unsigned ttl = 3600;
    if (auto t = p->get("--ttl")) {
        auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), ttl);
        if (ec != std::errc() || end != t->data() + t->size()) return usage_error("bad --ttl");
    }
    std::string proto(p->get("--proto").value_or("tcp"));

    crypto::botan_x509 x509;
    std::vector<record> out;
    std::optional<dns::name> host;
    if (auto h = p->get("--host")) {
        host = parse_host(*h);
        if (!host) return usage_error("bad --host");
    }
    auto read_key = [&](std::string_view path) -> std::optional<byte_buffer> {
        auto text = dane_tool::read_input(path);
        if (!text) return std::nullopt;
        auto keys = crypto::pem_blocks(*text, "PUBLIC KEY");
        if (!keys || keys->empty()) return std::nullopt;
        return std::move(keys->front());
    };
    if (cert_file) {
        auto certs = read_certificates(*cert_file);
        if (!certs) return usage_error("no certificates in " + std::string(*cert_file));
        // A trust-anchor usage names the issuing CA: the last certificate of a chain file.
        const auto& cert = is_ta_usage(*u) ? certs->back() : certs->front();
        auto r = generate(x509, cert, *u, *s, *m);
        if (!r) return usage_error(std::string(*cert_file) + ": " + r.error().message());
        out.push_back(*r);
        if (!host) {
            // The leaf's first DNS-ID that is a host name, as danetool does without --host.
            if (auto c = x509.parse_certificate(certs->front())) {
                if (auto ids = x509.identifiers(*c))
                    for (const auto& d : ids->dns_ids)
                        if (d.find('*') == std::string::npos && (host = parse_host(d))) break;
            }
        }
    } else {
        auto key = read_key(*key_file);
        if (!key) return usage_error("no PUBLIC KEY in " + std::string(*key_file));
        if (*s != selector_type::spki) return usage_error("--key needs --selector 1 (SPKI)");
        auto r = generate_from_key(x509, *key, *u, *m);
        if (!r) return usage_error(std::string(*key_file) + ": " + r.error().message());
        out.push_back(*r);
    }
    // The record for the next key, for a rollover (RFC 7671 §8.1).
    if (auto nc = p->get("--next-cert")) {
        auto certs = read_certificates(*nc);
        if (!certs) return usage_error("no certificates in " + std::string(*nc));
        auto r = generate(x509, is_ta_usage(*u) ? certs->back() : certs->front(), *u, *s, *m);
        if (!r) return usage_error(std::string(*nc) + ": " + r.error().message());
        if (!(*r == out.front())) out.push_back(*r);
    } else if (auto nk = p->get("--next-key")) {
        auto key = read_key(*nk);
        if (!key || *s != selector_type::spki)
            return usage_error("--next-key needs a PUBLIC KEY file and --selector 1");
        auto r = generate_from_key(x509, *key, *u, *m);
        if (!r) return usage_error(std::string(*nk) + ": " + r.error().message());
        if (!(*r == out.front())) out.push_back(*r);
    }
    if (!host) return usage_error("no --host given and none in the certificate");
    auto owner = owner_name(*host, static_cast<std::uint16_t>(port), proto);
    if (!owner) return usage_error("the owner name is too long");
    auto style = p->has("--acronyms") ? text_style::acronyms : text_style::numeric;
    for (const auto& r : out)
        std::cout << zone_line(*owner, r, ttl, style) << "\n";
    return dane_tool::exit_ok;
}

int run_check_rollover(args a) {
    std::string err;
    auto p = parse_args(a, {"--tlsa", "--cert", "--next-cert", "--profile"}, {}, err);
    if (!p) return usage_error(err);
    auto tlsa_file = p->get("--tlsa");
    auto cert_file = p->get("--cert");
    if (!tlsa_file || !cert_file) return usage_error("check-rollover needs --tlsa and --cert");
    auto prof = parse_profile(p->get("--profile"));
    if (!prof) return usage_error("--profile is smtp or generic");
    auto records = read_tlsa(*tlsa_file);
    if (!records) return dane_tool::exit_usage;
    auto current = read_certificates(*cert_file);
    if (!current) return usage_error("no certificates in " + std::string(*cert_file));
    std::optional<std::vector<byte_buffer>> next;
    if (auto nc = p->get("--next-cert")) {
        next = read_certificates(*nc);
        if (!next) return usage_error("no certificates in " + std::string(*nc));
    }
    auto views = [](const std::vector<byte_buffer>& v) {
        return std::vector<bytes_view>(v.begin(), v.end());
    };
    auto cur_views = views(*current);
    std::vector<bytes_view> next_views;
    std::optional<std::span<const bytes_view>> next_span;
    if (next) {
        next_views = views(*next);
        next_span = next_views;
    }
    crypto::botan_x509 x509;
    auto rep = check_rollover(x509, *records, cur_views, next_span, *prof);
    auto list = [&](const std::vector<std::size_t>& idx) {
        std::string s;
        for (auto i : idx)
            s += "\n  " + (*records)[i].to_string();
        return s;
    };
    std::size_t usable = 0;
    for (auto u : rep.unusable)
        usable += u == unusable_reason::none;
    std::cout << "published: " << records->size() << " TLSA records, " << usable << " usable\n";
    if (rep.current_ok)
        std::cout << "current: ok, matched by" << list(rep.current_matches) << "\n";
    else
        std::cout << "current: FAIL, no usable record matches the current certificate\n";
    bool ready = rep.current_ok;
    if (rep.next_ok) {
        if (*rep.next_ok) {
            std::cout << "next: ok, matched by" << list(rep.next_matches) << "\n";
        } else {
            ready = false;
            std::cout << "next: FAIL, no usable record matches the next certificate; publish";
            if (auto r = generate(x509, next->front())) std::cout << "\n  " << r->to_string();
            std::cout << "\n";
        }
    }
    if (!rep.has_second_association)
        std::cout << "warning: every usable record is tied to the current key; publish the "
                     "next key's record before the change (RFC 7671 section 8.1)\n";
    std::cout << (ready ? (next ? "rollover: ready\n" : "rollover: current set ok\n")
                        : "rollover: NOT ready\n");
    return ready ? dane_tool::exit_ok : dane_tool::exit_not_ok;
}

int run_tlsa(args a) {
    if (a.empty())
        return usage_error("tlsa needs a subcommand: verify, generate or check-rollover");
    auto sub = a[0];
    auto rest = a.subspan(1);
    if (sub == "verify") return run_verify(rest);
    if (sub == "generate") return run_generate(rest);
    if (sub == "check-rollover") return run_check_rollover(rest);
    return usage_error("unknown tlsa subcommand '" + std::string(sub) + "'");
}

const dane_tool::registration reg{
    "tlsa",
    {"tlsa verify --chain FILE --tlsa FILE --name NAME [--name NAME]... "
     "[--profile smtp|generic] [--ca-file FILE] [--time YYYYMMDDHHMMSS] [-v]\n"
     "  dane tlsa generate (--cert FILE | --key FILE) [--usage N --selector N --mtype N] "
     "[--host NAME --port N] [--next-cert FILE | --next-key FILE]\n"
     "  dane tlsa check-rollover --tlsa FILE --cert FILE [--next-cert FILE]",
     "DANE: check a certificate chain against TLSA records (exit 0 pass, 1 fail, 3 no usable "
     "records), make TLSA records, check a TLSA set before a key rollover",
     run_tlsa}};

} // namespace
