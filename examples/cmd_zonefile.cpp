// dane zonefile [--origin NAME] FILE: reads a zone file and prints every record on one line
// in canonical presentation form (absolute owner, TTL, class, type, RDATA), much as
// `ldns-read-zone` prints a zone. Records stream out as they are parsed; the first error
// stops the run with exit 2 and a message naming the file and the line.
#include <iostream>
#include <optional>
#include <string>

#include "dane/dns/zone_parser.hpp"
#include "tool.hpp"

namespace {

using namespace dane;
using namespace dane::dns;

int run_zonefile(dane_tool::args args) {
    std::optional<std::string_view> origin_text;
    std::string_view path;
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto a = args[i];
        if (a == "--origin") {
            if (++i == args.size())
                return dane_tool::usage_error("zonefile: --origin needs a NAME");
            origin_text = args[i];
        } else if (a.starts_with("--origin=")) {
            origin_text = a.substr(9);
        } else if (path.empty() && (a == "-" || !a.starts_with("-"))) {
            path = a;
        } else {
            return dane_tool::usage_error("zonefile: unexpected argument '" + std::string(a) + "'");
        }
    }
    if (path.empty()) return dane_tool::usage_error("usage: dane zonefile [--origin NAME] FILE");

    std::optional<name> origin;
    if (origin_text) {
        // On the command line "example.com" means the absolute name: nothing else could
        // complete it.
        const name root;
        auto n = name::parse(*origin_text, &root);
        if (!n)
            return dane_tool::usage_error("zonefile: bad --origin '" + std::string(*origin_text) +
                                          "': " + n.error().message());
        origin = *n;
    }

    const std::string shown = path == "-" ? "standard input" : std::string(path);
    auto text = dane_tool::read_input(path);
    if (!text) return dane_tool::usage_error("zonefile: cannot read " + shown);

    zone_parser parser(*text, origin ? &*origin : nullptr);
    std::string line;
    for (;;) {
        auto r = parser.next();
        if (!r) {
            std::cout.flush();
            return dane_tool::usage_error("zonefile: " + shown + ": " + r.error().message());
        }
        if (!*r) break;
        line.clear();
        append_record_text(line, **r);
        line += '\n';
        std::cout << line;
    }
    std::cout.flush();
    return std::cout ? dane_tool::exit_ok : dane_tool::exit_usage;
}

const dane_tool::registration reg{
    "zonefile",
    {"zonefile [--origin NAME] FILE",
     "parse a zone file (- reads stdin) and print each record on one line in canonical "
     "presentation form",
     run_zonefile}};

} // namespace
