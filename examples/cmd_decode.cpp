// dane decode [--hex] FILE: prints one DNS message the way dig does.
#include <iostream>
#include <string>

#include "dane/core/codec.hpp"
#include "dane/dns/message.hpp"
#include "tool.hpp"

namespace {

using namespace dane;
using namespace dane::dns;

void print_header(std::string& out, const message_view& m) {
    out += ";; ->>HEADER<<- opcode: " + to_string(m.opcode()) +
           ", status: " + to_string(m.rcode()) + ", id: " + std::to_string(m.id()) + "\n;; flags:";
    const std::pair<bool, const char*> flags[] = {{m.qr(), "qr"}, {m.aa(), "aa"}, {m.tc(), "tc"},
                                                  {m.rd(), "rd"}, {m.ra(), "ra"}, {m.z(), "z"},
                                                  {m.ad(), "ad"}, {m.cd(), "cd"}};
    for (auto [set, text] : flags)
        if (set) out += std::string(" ") + text;
    out += "; QUERY: " + std::to_string(m.count(section::question)) +
           ", ANSWER: " + std::to_string(m.count(section::answer)) +
           ", AUTHORITY: " + std::to_string(m.count(section::authority)) + ", ADDITIONAL: " +
           std::to_string(m.count(section::additional) - (m.has_edns() ? 1 : 0)) + "\n";
}

void print_edns(std::string& out, const edns_view& e) {
    out += "\n;; OPT PSEUDOSECTION:\n; EDNS: version: " + std::to_string(e.version()) +
           ", flags:" + (e.dnssec_ok() ? " do" : "") +
           "; udp: " + std::to_string(e.udp_payload_size()) + "\n";
    for (const auto& opt : e.options()) {
        if (opt.is(edns_option_code::extended_error)) {
            auto ede = extended_error_view::parse(opt.data);
            if (!ede) continue;
            out += "; EDE: " + std::to_string(static_cast<unsigned>(ede->code)) + " (" +
                   to_string(ede->code) + ")";
            if (!ede->extra_text.empty()) {
                out += ": ";
                if (ede->text_is_utf8()) {
                    dns::append_quoted_string(out, as_bytes(ede->extra_text));
                } else {
                    out += "(" + to_hex(as_bytes(ede->extra_text)) + ")";
                }
            }
            out += "\n";
        } else if (opt.is(edns_option_code::cookie)) {
            out += "; COOKIE: " + to_hex(opt.data) + "\n";
        } else if (opt.is(edns_option_code::nsid)) {
            out += "; NSID: " + to_hex(opt.data) + "\n";
        } else {
            out += "; OPT=" + std::to_string(opt.code) + ": " + to_hex(opt.data) + "\n";
        }
    }
}

int run_decode(dane_tool::args args) {
    bool hex = false;
    std::string_view path;
    for (auto a : args) {
        if (a == "--hex")
            hex = true;
        else if (path.empty() && (a == "-" || !a.starts_with("--")))
            path = a;
        else
            return dane_tool::usage_error("decode: unexpected argument '" + std::string(a) + "'");
    }
    if (path.empty()) return dane_tool::usage_error("usage: dane decode [--hex] FILE");
    auto input = dane_tool::read_input(path);
    if (!input) return dane_tool::usage_error("decode: cannot read " + std::string(path));
    byte_buffer wire;
    if (hex) {
        // Hex digits, whitespace and '#' or ';' comments (dane::from_hex_dump).
        auto decoded = from_hex_dump(*input);
        if (!decoded)
            return dane_tool::usage_error("decode: " + std::string(path) + ": " +
                                          decoded.error().message());
        wire = std::move(*decoded);
    } else {
        auto b = as_bytes(*input);
        wire.assign(b.begin(), b.end());
    }
    auto m = message_view::parse(wire);
    if (!m) {
        return dane_tool::usage_error("decode: " + std::string(path) + ": " + m.error().message());
    }
    std::string out;
    print_header(out, *m);
    if (auto e = m->edns()) print_edns(out, *e);
    out += "\n;; QUESTION SECTION:\n";
    for (auto q : m->question()) {
        out += ';';
        q.qname().append_text(out);
        out += "\t\t" + to_string(q.qclass()) + "\t" + to_string(q.qtype()) + "\n";
    }
    const std::pair<section, const char*> sections[] = {{section::answer, "ANSWER"},
                                                        {section::authority, "AUTHORITY"},
                                                        {section::additional, "ADDITIONAL"}};
    for (auto [s, title] : sections) {
        std::string body;
        for (auto r : m->records(s)) {
            if (r.type() == rr_type::opt) continue; // shown as the pseudo-section
            auto rec = r.to_record();
            if (!rec) return dane_tool::usage_error("decode: " + rec.error().message());
            append_record_text(body, *rec);
            body += '\n';
        }
        if (!body.empty()) out += std::string("\n;; ") + title + " SECTION:\n" + body;
    }
    out += "\n;; MSG SIZE: " + std::to_string(wire.size()) + "\n";
    std::cout << out;
    return dane_tool::exit_ok;
}

const dane_tool::registration reg{
    "decode",
    {"decode [--hex] FILE",
     "print a DNS message (wire form, or hex with --hex; - reads stdin) as dig does", run_decode}};

} // namespace
