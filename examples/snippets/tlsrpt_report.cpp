#include <dane/tlsrpt/delivery.hpp>
#include <dane/tlsrpt/record.hpp>

#include <iostream>

int main() {
    namespace rpt = dane::tlsrpt;
    // The policy domain asks for reports (the TXT record at _smtp._tls.example.net).
    auto policy = rpt::parse_record("v=TLSRPTv1; rua=mailto:tlsrpt@example.net");
    if (!policy) return std::cerr << policy.error().message() << '\n', 1;

    // Two sessions to its MX host on 2026-11-29, one of them failed.
    rpt::session_outcome session;
    session.policy_domain = "example.net";
    session.policy = rpt::policy_type::tlsa;
    session.policy_strings = {
        "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6"};
    session.mx_host = "mail.example.net";
    session.time = *rpt::parse_rfc3339("2026-11-29T08:00:00Z");
    rpt::aggregator day;
    day.add(session);
    session.result = rpt::result_type::validation_failure;
    day.add(session);

    for (const auto& report : day.reports({"Sender", "tlsrpt@mail.sender.example", "1"})) {
        auto body = rpt::https_post_body(report); // gzip, application/tlsrpt+gzip
        if (!body) return 1;
        std::cout << "to " << policy->rua[0].target << ": "
                  << rpt::report_file_name("mail.sender.example", report, "1", true) << ", "
                  << body->body.size() << " octets of " << body->content_type << "\n"
                  << rpt::to_json(report);
    }
}
