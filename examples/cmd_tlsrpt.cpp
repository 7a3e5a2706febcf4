// dane tlsrpt: SMTP TLS reporting (RFC 8460) from the command line.
//   dane tlsrpt record TXT...     check a _smtp._tls TXT record (several: pick as §3 says)
//   dane tlsrpt report [options] OUTCOMES   aggregate session outcome lines (the format is in
//                                 include/dane/tlsrpt/report.hpp) into one report per policy
//                                 domain and UTC day
//   dane tlsrpt summarize FILE... read received reports (JSON, gzip or mail) and tabulate them
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "dane/tlsrpt/delivery.hpp"
#include "dane/tlsrpt/reader.hpp"
#include "dane/tlsrpt/record.hpp"
#include "tool.hpp"

namespace {

using namespace dane;
namespace rpt = dane::tlsrpt;

constexpr std::string_view usage_text =
    "usage: dane tlsrpt record TXT...\n"
    "       dane tlsrpt report [--organization NAME] [--contact ADDR] [--unique-id ID]\n"
    "                          [--gzip] [--mime] [--to ADDR] [--output-dir DIR] OUTCOMES\n"
    "       dane tlsrpt summarize FILE...";

int run_record(dane_tool::args args) {
    if (args.empty()) return dane_tool::usage_error(usage_text);
    std::vector<std::string> records(args.begin(), args.end());
    auto r = args.size() == 1 ? rpt::parse_record(records[0]) : rpt::select_record(records);
    if (!r) {
        std::cout << "invalid: " << r.error().message() << "\n";
        return dane_tool::exit_not_ok;
    }
    std::string out = "valid TLSRPTv1 record\n";
    for (const auto& u : r->rua) {
        const char* scheme = u.scheme == rpt::uri_scheme::mailto  ? "mailto"
                             : u.scheme == rpt::uri_scheme::https ? "https"
                                                                  : "other (not deliverable)";
        out += "rua " + std::string(scheme) + " " + u.uri + "\n";
    }
    for (const auto& e : r->extensions)
        out += "extension " + e.name + "=" + e.value + " (ignored)\n";
    std::cout << out;
    return dane_tool::exit_ok;
}

bool write_file(const std::filesystem::path& p, const std::string& data) {
    std::ofstream f(p, std::ios::binary);
    f << data;
    return static_cast<bool>(f);
}

int run_report(dane_tool::args args) {
    rpt::report_settings settings;
    settings.contact_info = "tlsrpt@localhost";
    settings.unique_id = "1";
    std::string to, output_dir;
    bool gzip = false, mime = false, have_org = false;
    std::string input;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view a = args[i];
        const auto value = [&](std::string& out) {
            if (i + 1 >= args.size()) return false;
            out = std::string(args[++i]);
            return true;
        };
        if (a == "--gzip") {
            gzip = true;
        } else if (a == "--mime") {
            mime = true;
        } else if (a == "--organization") {
            if (!value(settings.organization_name)) return dane_tool::usage_error(usage_text);
            have_org = true;
        } else if (a == "--contact") {
            if (!value(settings.contact_info)) return dane_tool::usage_error(usage_text);
        } else if (a == "--unique-id") {
            if (!value(settings.unique_id)) return dane_tool::usage_error(usage_text);
        } else if (a == "--to") {
            if (!value(to)) return dane_tool::usage_error(usage_text);
        } else if (a == "--output-dir") {
            if (!value(output_dir)) return dane_tool::usage_error(usage_text);
        } else if (a.starts_with("--") || !input.empty()) {
            return dane_tool::usage_error(usage_text);
        } else {
            input = std::string(a);
        }
    }
    if (input.empty()) return dane_tool::usage_error(usage_text);
    const std::string submitter = rpt::submitter_domain(settings.contact_info);
    if (!have_org) settings.organization_name = submitter;
    const std::string shown = input == "-" ? "standard input" : input;
    auto text = dane_tool::read_input(input);
    if (!text) return dane_tool::usage_error("tlsrpt report: cannot read " + shown);

    rpt::aggregator totals;
    std::size_t line_number = 0, start = 0;
    while (start < text->size()) {
        auto end = text->find('\n', start);
        if (end == std::string::npos) end = text->size();
        std::string_view line(text->data() + start, end - start);
        start = end + 1;
        ++line_number;
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos || line[first] == '#') continue;
        auto outcomes = rpt::parse_outcome_lines(line);
        if (!outcomes)
            return dane_tool::usage_error("tlsrpt report: " + shown + " line " +
                                          std::to_string(line_number) + ": " +
                                          outcomes.error().message());
        for (const auto& o : *outcomes)
            totals.add(o);
    }

    std::string out;
    for (const auto& r : totals.reports(settings)) {
        std::string body;
        std::string name;
        if (mime) {
            rpt::mail_settings m;
            m.from = settings.contact_info;
            m.to = to.empty() ? "tlsrpt@" + r.policy_domain : to;
            m.date = r.end + 1; // the report is sent after its day ends (§4.1)
            m.gzipped = gzip;
            m.unique_id = settings.unique_id;
            auto msg = rpt::mail_message(r, m);
            if (!msg) return dane_tool::usage_error("tlsrpt report: " + msg.error().message());
            body = std::move(*msg);
            name = rpt::report_file_name(submitter, r, settings.unique_id, gzip) + ".eml";
        } else if (gzip) {
            auto z = rpt::gzip_compress(rpt::to_json(r));
            if (!z) return dane_tool::usage_error("tlsrpt report: " + z.error().message());
            body = std::move(*z);
            name = rpt::report_file_name(submitter, r, settings.unique_id, true);
        } else {
            body = rpt::to_json(r);
            name = rpt::report_file_name(submitter, r, settings.unique_id, false);
        }
        if (output_dir.empty()) {
            out += body;
            continue;
        }
        const auto path = std::filesystem::path(output_dir) / name;
        if (!write_file(path, body))
            return dane_tool::usage_error("tlsrpt report: cannot write " + path.string());
        out += path.string() + "\n";
    }
    std::cout << out << std::flush;
    return dane_tool::exit_ok;
}

int run_summarize(dane_tool::args args) {
    if (args.empty()) return dane_tool::usage_error(usage_text);
    std::vector<rpt::received_report> reports;
    bool all_good = true;
    for (const auto& file : args) {
        const std::string shown = file == "-" ? "standard input" : std::string(file);
        auto data = dane_tool::read_input(file);
        if (!data) return dane_tool::usage_error("tlsrpt summarize: cannot read " + shown);
        auto r = rpt::read_report(*data);
        if (!r) {
            std::cerr << "dane: tlsrpt summarize: " << shown << ": " << r.error().message() << "\n";
            all_good = false;
            continue;
        }
        reports.push_back(std::move(*r));
    }
    const auto rows = rpt::summarize(reports);
    std::vector<std::vector<std::string>> table{
        {"policy-domain", "mx-host", "reports", "sessions", "failures", "result-types"}};
    for (const auto& row : rows) {
        std::string types;
        for (const auto& [type, n] : row.result_types)
            types += (types.empty() ? "" : " ") + type + "=" + std::to_string(n);
        const std::uint64_t sessions =
            rpt::detail::saturating_add(row.successful_sessions, row.failed_sessions);
        table.push_back({row.policy_domain, row.mx_host.empty() ? "-" : row.mx_host,
                         std::to_string(row.reports), std::to_string(sessions),
                         std::to_string(row.failed_sessions), types.empty() ? "-" : types});
    }
    std::vector<std::size_t> width(table[0].size(), 0);
    for (const auto& r : table)
        for (std::size_t c = 0; c < r.size(); ++c)
            width[c] = std::max(width[c], r[c].size());
    std::string out;
    for (const auto& r : table) {
        std::string line;
        for (std::size_t c = 0; c < r.size(); ++c) {
            line += r[c];
            if (c + 1 < r.size()) line += std::string(width[c] - r[c].size() + 2, ' ');
        }
        out += line + "\n";
    }
    std::cout << out << std::flush;
    return all_good ? dane_tool::exit_ok : dane_tool::exit_not_ok;
}

int run_tlsrpt(dane_tool::args args) {
    if (args.empty()) return dane_tool::usage_error(usage_text);
    const auto rest = args.subspan(1);
    if (args[0] == "record") return run_record(rest);
    if (args[0] == "report") return run_report(rest);
    if (args[0] == "summarize") return run_summarize(rest);
    return dane_tool::usage_error(usage_text);
}

const dane_tool::registration reg{
    "tlsrpt",
    {"tlsrpt record TXT... | report [--organization NAME] [--contact ADDR] [--gzip] [--mime] "
     "OUTCOMES | summarize FILE...",
     "SMTP TLS reporting (RFC 8460): check a policy record, write reports from session "
     "outcomes, summarise received reports",
     run_tlsrpt}};

} // namespace
