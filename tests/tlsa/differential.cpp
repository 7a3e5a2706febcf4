// Differential test: the same chains and TLSA records through OpenSSL's DANE (a real
// `openssl s_server` on loopback, `openssl s_client -dane_tlsa_domain -dane_tlsa_rrdata`)
// and through tlsa::verify in the generic profile. Both must agree on pass or fail, and on
// a pass, on the depth (SSL_get0_dane_authority) and the record (SSL_get0_dane_tlsa).
// Every case prints both verdicts.
//
// The server listens on 127.0.0.1 on a port the kernel picks, and is stopped by its PID.
// Skipped when there is no `openssl` program.
#include <doctest/doctest.h>

#include <botan/pkcs8.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dane/crypto/botan_x509.hpp"
#include "dane/tlsa/generate.hpp"
#include "dane/tlsa/verify.hpp"
#include "pki.hpp"
#include "x509_fixtures.hpp"

using namespace dane;
using namespace dane::tlsa;
using namespace tlsa_test;

namespace {

const crypto::botan_x509 x509;

bool have_openssl() {
    return std::system("openssl version >/dev/null 2>&1") == 0;
}

// A scratch directory, removed at the end.
struct temp_dir {
    std::string path;
    temp_dir() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/dane-tlsa-XXXXXX";
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        if (mkdtemp(buf.data())) path = buf.data();
    }
    ~temp_dir() {
        if (!path.empty()) std::system(("rm -rf '" + path + "'").c_str());
    }
    std::string write(const std::string& name, const std::string& content) const {
        std::string p = path + "/" + name;
        std::ofstream(p) << content;
        return p;
    }
};

// A TCP port on 127.0.0.1 that is free right now: bound with port 0, then released.
int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

bool accepts_connections(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
}

// `openssl s_server` with one certificate chain on 127.0.0.1. Its output goes to
// /dev/null; it is ready when it accepts a connection (polled for up to five seconds).
class openssl_server {
public:
    openssl_server(const std::string& cert, const std::string& key, const std::string& chain) {
        for (int attempt = 0; attempt < 3 && port_ == 0; ++attempt) {
            int port = free_port();
            if (port == 0) continue;
            int in[2];
            if (pipe(in) != 0) return;
            pid_ = fork();
            if (pid_ == 0) {
                dup2(in[0], 0);
                int devnull = open("/dev/null", O_WRONLY);
                dup2(devnull, 1);
                dup2(devnull, 2);
                close(in[1]);
                std::string accept = "127.0.0.1:" + std::to_string(port);
                // An empty chain file is an error to s_server: leave the option out.
                if (chain.empty())
                    execlp("openssl", "openssl", "s_server", "-accept", accept.c_str(), "-cert",
                           cert.c_str(), "-key", key.c_str(), "-quiet",
                           static_cast<char*>(nullptr));
                else
                    execlp("openssl", "openssl", "s_server", "-accept", accept.c_str(), "-cert",
                           cert.c_str(), "-key", key.c_str(), "-cert_chain", chain.c_str(),
                           "-quiet", static_cast<char*>(nullptr));
                _exit(127);
            }
            close(in[0]);
            stdin_ = in[1]; // kept open: s_server must not see the end of its input
            for (int i = 0; i < 100; ++i) {
                if (accepts_connections(port)) {
                    port_ = port;
                    break;
                }
                if (waitpid(pid_, nullptr, WNOHANG) == pid_) { // it exited (port taken?)
                    pid_ = -1;
                    break;
                }
                usleep(50000);
            }
            if (port_ == 0) stop();
        }
    }
    ~openssl_server() { stop(); }
    int port() const { return port_; }

private:
    void stop() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
        pid_ = -1;
        if (stdin_ >= 0) close(stdin_);
        stdin_ = -1;
    }
    pid_t pid_ = -1;
    int port_ = 0;
    int stdin_ = -1;
};

struct verdict {
    bool pass = false;
    int depth = -1;
    std::string record; // "u s m" and the last 12 octets of data in hex, as s_client prints
    std::string text;
    std::string category; // on failure: the RFC 8460 result type OpenSSL's error maps to
};

std::string record_key(const record& r) {
    auto hex = to_hex(r.data);
    if (hex.size() > 24) hex = hex.substr(hex.size() - 24);
    return std::to_string(static_cast<int>(r.usage)) + " " +
           std::to_string(static_cast<int>(r.selector)) + " " +
           std::to_string(static_cast<int>(r.matching)) + " " + hex;
}

// s_client's verdict: "Verification: OK" or "Verification error: ...", and on success
// "DANE TLSA 2 0 1 ...<hex> matched TA certificate at depth 1".
verdict openssl_verdict(int port, const std::string& domain, const std::vector<record>& rs,
                        const std::string& ca_file) {
    std::string cmd = "openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                      " -dane_tlsa_domain " + domain + " -dane_ee_no_namechecks -attime " +
                      std::to_string(now.time_since_epoch().count());
    for (const auto& r : rs)
        cmd += " -dane_tlsa_rrdata '" + r.to_string() + "'";
    if (!ca_file.empty()) cmd += " -CAfile " + ca_file;
    cmd += " </dev/null 2>&1";
    std::string out;
    if (FILE* f = popen(cmd.c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            out.append(buf, n);
        pclose(f);
    }
    verdict v;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        if (line == "Verification: OK") v.pass = true;
        if (line.rfind("Verification error: ", 0) == 0) v.text = line.substr(20);
        if (line.rfind("DANE TLSA ", 0) == 0) {
            // DANE TLSA u s m ...HEX matched ... at depth N
            std::istringstream w(line.substr(10));
            std::string u, s, m, data;
            w >> u >> s >> m >> data;
            if (data.rfind("...", 0) == 0) data = data.substr(3);
            v.record = u + " " + s + " " + m + " " + data;
            v.depth = std::atoi(line.substr(line.rfind(' ') + 1).c_str());
        }
    }
    if (v.pass) v.text = "pass at depth " + std::to_string(v.depth) + " (" + v.record + ")";
    if (!v.pass && v.text.empty()) v.text = "no verdict";
    if (!v.pass)
        v.category = v.text == "certificate has expired"         ? "certificate-expired"
                     : v.text == "hostname mismatch"             ? "certificate-host-mismatch"
                     : v.text == "certificate is not yet valid"  ? "validation-failure"
                     : v.text == "no matching DANE TLSA records" ? "validation-failure"
                                                                 : "certificate-not-trusted";
    return v;
}

verdict library_verdict(const std::vector<const issued*>& chain, const std::string& domain,
                        const std::vector<record>& rs, const std::vector<const issued*>& cas) {
    verify_options o;
    o.mode = profile::generic;
    o.reference_ids = {dns::name::parse(domain + ".").value()};
    o.now = now;
    for (const auto* c : cas)
        o.trust_anchors.push_back(c->der);
    std::vector<bytes_view> der;
    for (const auto* c : chain)
        der.push_back(c->der);
    auto res = verify(x509, rs, der, o);
    verdict v;
    v.pass = res.authenticated();
    if (v.pass) {
        v.depth = res.depth;
        v.record = record_key(rs[*res.matched_record]);
        v.text = "pass at depth " + std::to_string(v.depth) + " (" + v.record + ")";
    } else {
        v.text = std::string(to_string(res.failure)) + " (" + res.reason + ")";
        v.category = std::string(to_string(res.failure));
    }
    return v;
}

std::string pem_of(const std::vector<const issued*>& certs) {
    std::string s;
    for (const auto* c : certs)
        s += c->pem();
    return s;
}

// One server (a chain as sent) and the cases run against it.
struct scenario {
    std::string label;
    std::vector<const issued*> chain; // leaf first, as the server sends it
};
struct dane_case {
    std::string label;
    std::vector<record> records;
    std::string domain;
    std::vector<const issued*> cas; // -CAfile / trust anchors, for PKIX usages

    dane_case(std::string l, std::vector<record> r, std::string d = "mx.example.net",
              std::vector<const issued*> c = {})
        : label(std::move(l)), records(std::move(r)), domain(std::move(d)), cas(std::move(c)) {}
};

int run_scenario(const temp_dir& dir, const scenario& sc, const std::vector<dane_case>& cases) {
    static int counter = 0;
    auto tag = std::to_string(counter++);
    auto leaf = sc.chain.front();
    auto cert = dir.write("leaf" + tag + ".pem", leaf->pem());
    auto key = dir.write("leaf" + tag + ".key", Botan::PKCS8::PEM_encode(*leaf->key));
    std::string chain;
    if (sc.chain.size() > 1)
        chain = dir.write("chain" + tag + ".pem",
                          pem_of(std::vector<const issued*>(sc.chain.begin() + 1, sc.chain.end())));
    openssl_server server(cert, key, chain);
    REQUIRE(server.port() > 0);
    int agreed = 0;
    for (const auto& c : cases) {
        std::string ca_file;
        if (!c.cas.empty()) ca_file = dir.write("ca" + tag + ".pem", pem_of(c.cas));
        auto ossl = openssl_verdict(server.port(), c.domain, c.records, ca_file);
        auto mine = library_verdict(sc.chain, c.domain, c.records, c.cas);
        MESSAGE(sc.label << " / " << c.label << ": openssl " << ossl.text << " | dane "
                         << mine.text);
        CHECK(ossl.pass == mine.pass);
        if (ossl.pass && mine.pass) {
            CHECK(ossl.depth == mine.depth);
            CHECK(ossl.record == mine.record);
        }
        if (!ossl.pass && !mine.pass) CHECK(ossl.category == mine.category);
        agreed += ossl.pass == mine.pass;
    }
    return agreed;
}

// The openssl-made fixtures of tests/data/x509/ (issue 8): the chain as named files, the
// leaf's key file, and for each case whether OpenSSL is expected to agree. Where it is not
// (its path building takes the first issuer by name and never another), the case says so
// and asserts the library's own verdict.
struct fixture_case {
    std::string label;
    std::vector<record> records;
    std::vector<std::string> cas; // fixture names of the trust anchors
    bool openssl_agrees = true;
    bool expect_pass = true; // the library's verdict
};

int run_fixture_scenario(const temp_dir& dir, const std::string& label,
                         const std::vector<std::string>& chain, const std::string& key,
                         const std::vector<fixture_case>& cases) {
    std::string chain_pem;
    for (std::size_t i = 1; i < chain.size(); ++i)
        chain_pem += x509_fixtures::text(chain[i] + ".pem");
    std::string chain_file = chain_pem.empty() ? "" : dir.write("fx-" + label + ".pem", chain_pem);
    openssl_server server(x509_fixtures::path(chain[0] + ".pem"), x509_fixtures::path(key),
                          chain_file);
    REQUIRE(server.port() > 0);
    std::vector<byte_buffer> der;
    for (const auto& c : chain)
        der.push_back(x509_fixtures::der(c));
    int agreed = 0;
    for (const auto& c : cases) {
        std::string ca_file;
        std::vector<byte_buffer> cas;
        std::string ca_pem;
        for (const auto& name : c.cas) {
            ca_pem += x509_fixtures::text(name + ".pem");
            cas.push_back(x509_fixtures::der(name));
        }
        if (!ca_pem.empty()) ca_file = dir.write("fx-ca.pem", ca_pem);
        auto ossl = openssl_verdict(server.port(), "mx.example.net", c.records, ca_file);
        verify_options o;
        o.mode = profile::generic;
        o.reference_ids = {dns::name::parse("mx.example.net.").value()};
        o.now = now;
        for (const auto& a : cas)
            o.trust_anchors.push_back(a);
        auto res = verify(x509, c.records, der, o);
        std::string mine = res.authenticated()
                               ? "pass at depth " + std::to_string(res.depth)
                               : std::string(to_string(res.failure)) + " (" + res.reason + ")";
        MESSAGE(label << " / " << c.label << ": openssl " << ossl.text << " | dane " << mine
                      << std::string(c.openssl_agrees ? "" : " (OpenSSL expected to differ)"));
        CHECK(res.authenticated() == c.expect_pass);
        if (c.openssl_agrees) {
            CHECK(ossl.pass == res.authenticated());
            if (ossl.pass && res.authenticated()) {
                CHECK(ossl.depth == res.depth);
                CHECK(ossl.record == record_key(c.records[*res.matched_record]));
            }
            if (!ossl.pass && !res.authenticated())
                CHECK(ossl.category == std::string(to_string(res.failure)));
            agreed += ossl.pass == res.authenticated();
        } else {
            CHECK(ossl.pass != res.authenticated());
        }
    }
    return agreed;
}

record frec(const std::string& name, int u, int s, int m) {
    return generate(x509, x509_fixtures::der(name), static_cast<cert_usage>(u),
                    static_cast<selector_type>(s), static_cast<matching_type>(m))
        .value();
}

record rec(const issued& c, int u, int s, int m) {
    return generate(x509, c.der, static_cast<cert_usage>(u), static_cast<selector_type>(s),
                    static_cast<matching_type>(m))
        .value();
}

} // namespace

TEST_CASE("OpenSSL's DANE and tlsa::verify agree (generic profile)") {
    if (!have_openssl()) {
        MESSAGE("openssl not found: differential test skipped");
        return;
    }
    temp_dir dir;
    REQUIRE(!dir.path.empty());
    auto& p = shared_pki();

    // ECDSA: root -> intermediate -> leaf, the server sends all three.
    auto root = p.root("Diff Root", p.key(key_kind::ecdsa, 20));
    cert_options ca;
    ca.ca = true;
    auto inter = p.sign(root, "Diff Intermediate", p.key(key_kind::ecdsa, 21), ca);
    cert_options lo;
    lo.dns = {"mx.example.net"};
    auto leaf = p.sign(inter, "leaf", p.key(key_kind::ecdsa, 22), lo);
    auto stranger = p.root("Stranger", p.key(key_kind::ecdsa, 23));

    std::vector<dane_case> full;
    for (int s : {0, 1})
        for (int m : {0, 1, 2}) {
            auto tag = std::to_string(s) + " " + std::to_string(m);
            full.push_back({"3 " + tag + " leaf", {rec(leaf, 3, s, m)}});
            full.push_back({"2 " + tag + " root", {rec(root, 2, s, m)}});
            full.push_back({"2 " + tag + " intermediate", {rec(inter, 2, s, m)}});
            full.push_back({"3 " + tag + " wrong key", {rec(inter, 3, s, m)}});
            full.push_back(
                {"1 " + tag + " leaf, CA root", {rec(leaf, 1, s, m)}, "mx.example.net", {&root}});
            full.push_back({"0 " + tag + " intermediate, CA root",
                            {rec(inter, 0, s, m)},
                            "mx.example.net",
                            {&root}});
        }
    full.push_back({"2 0 1 stranger", {rec(stranger, 2, 0, 1)}});
    full.push_back({"2 0 1 root, wrong name", {rec(root, 2, 0, 1)}, "www.example.org"});
    full.push_back({"3 0 1 leaf, wrong name", {rec(leaf, 3, 0, 1)}, "www.example.org"});
    full.push_back({"agility: 3 1 1 match, 3 1 2 not", {rec(leaf, 3, 1, 1), rec(inter, 3, 1, 2)}});
    full.push_back({"agility: 3 1 1 not, 3 1 2 match", {rec(inter, 3, 1, 1), rec(leaf, 3, 1, 2)}});
    full.push_back({"preference: 2 0 1 root + 2 0 1 inter + 3 0 1 leaf",
                    {rec(root, 2, 0, 1), rec(inter, 2, 0, 1), rec(leaf, 3, 0, 1)}});
    full.push_back({"1 1 1 leaf, no CA", {rec(leaf, 1, 1, 1)}});
    full.push_back({"0 0 1 root, CA root", {rec(root, 0, 0, 1)}, "mx.example.net", {&root}});
    int n = run_scenario(dir, {"ECDSA leaf+int+root", {&leaf, &inter, &root}}, full);
    CHECK(n == static_cast<int>(full.size()));

    // RSA, the server omits the root: only "2 0 0" and "2 1 0" can stand in for it.
    auto rroot = p.root("Diff RSA Root", p.key(key_kind::rsa, 20));
    auto rinter = p.sign(rroot, "Diff RSA Intermediate", p.key(key_kind::rsa, 21), ca);
    auto rleaf = p.sign(rinter, "leaf", p.key(key_kind::rsa, 22), lo);
    std::vector<dane_case> partial{
        {"2 0 1 root (absent)", {rec(rroot, 2, 0, 1)}},
        {"2 0 0 root (from DNS)", {rec(rroot, 2, 0, 0)}},
        {"2 1 0 root key (from DNS)", {rec(rroot, 2, 1, 0)}},
        {"2 1 1 root key (absent)", {rec(rroot, 2, 1, 1)}},
        {"2 0 1 intermediate", {rec(rinter, 2, 0, 1)}},
        {"3 1 1 leaf", {rec(rleaf, 3, 1, 1)}},
        {"0 0 0 root, CA root", {rec(rroot, 0, 0, 0)}, "mx.example.net", {&rroot}},
    };
    n = run_scenario(dir, {"RSA leaf+int", {&rleaf, &rinter}}, partial);
    CHECK(n == static_cast<int>(partial.size()));
    // ... and only the leaf: "2 0 0" for the intermediate completes the chain.
    std::vector<dane_case> bare{
        {"2 0 0 intermediate (from DNS)", {rec(rinter, 2, 0, 0)}},
        {"2 1 0 intermediate key", {rec(rinter, 2, 1, 0)}},
        {"2 0 1 intermediate (absent)", {rec(rinter, 2, 0, 1)}},
    };
    n = run_scenario(dir, {"RSA leaf only", {&rleaf}}, bare);
    CHECK(n == static_cast<int>(bare.size()));

    // Ed25519, wildcard name, root sent.
    auto eroot = p.root("Diff Ed25519 Root", p.key(key_kind::ed25519, 20));
    cert_options wild;
    wild.dns = {"*.example.net"};
    auto eleaf = p.sign(eroot, "wild", p.key(key_kind::ed25519, 21), wild);
    std::vector<dane_case> ed{
        {"2 0 1 root, mx.example.net", {rec(eroot, 2, 0, 1)}},
        {"2 1 2 root, a.b.example.net", {rec(eroot, 2, 1, 2)}, "a.b.example.net"},
        {"2 0 1 root, example.net", {rec(eroot, 2, 0, 1)}, "example.net"},
        {"3 0 2 leaf", {rec(eleaf, 3, 0, 2)}},
    };
    n = run_scenario(dir, {"Ed25519 wildcard leaf+root", {&eleaf, &eroot}}, ed);
    CHECK(n == static_cast<int>(ed.size()));

    // A self-signed leaf: DANE-TA never matches at depth 0, but a "2 1 0" key that signed
    // the leaf is an anchor (OpenSSL reports "signed the certificate at depth 0").
    auto self = p.self_signed("self", p.key(key_kind::ecdsa, 26), lo);
    std::vector<dane_case> self_signed{
        {"2 0 1 itself", {rec(self, 2, 0, 1)}},
        {"2 0 0 itself", {rec(self, 2, 0, 0)}},
        {"2 1 0 its key", {rec(self, 2, 1, 0)}},
        {"2 1 0 its key, wrong name", {rec(self, 2, 1, 0)}, "www.example.org"},
        {"3 0 1 itself", {rec(self, 3, 0, 1)}},
    };
    n = run_scenario(dir, {"ECDSA self-signed leaf", {&self}}, self_signed);
    CHECK(n == static_cast<int>(self_signed.size()));

    // An expired leaf and an expired intermediate.
    cert_options old = lo;
    old.not_before = now - std::chrono::seconds{3 * 365 * 86400};
    old.not_after = now - std::chrono::seconds{86400};
    auto old_leaf = p.sign(inter, "old leaf", p.key(key_kind::ecdsa, 24), old);
    std::vector<dane_case> expired{
        {"2 0 1 root", {rec(root, 2, 0, 1)}},
        {"2 0 1 intermediate", {rec(inter, 2, 0, 1)}},
        {"3 1 1 leaf", {rec(old_leaf, 3, 1, 1)}},
    };
    n = run_scenario(dir, {"ECDSA expired leaf", {&old_leaf, &inter, &root}}, expired);
    CHECK(n == static_cast<int>(expired.size()));
    cert_options old_ca = ca;
    old_ca.not_before = old.not_before;
    old_ca.not_after = old.not_after;
    auto old_inter = p.sign(root, "Diff Old Intermediate", p.key(key_kind::ecdsa, 25), old_ca);
    auto leaf2 = p.sign(old_inter, "leaf", p.key(key_kind::ecdsa, 22), lo);
    std::vector<dane_case> expired_ca{
        {"2 0 1 root", {rec(root, 2, 0, 1)}},
        {"2 0 1 expired intermediate as anchor", {rec(old_inter, 2, 0, 1)}},
        {"3 1 1 leaf", {rec(leaf2, 3, 1, 1)}},
    };
    n = run_scenario(dir, {"ECDSA expired intermediate", {&leaf2, &old_inter, &root}}, expired_ca);
    CHECK(n == static_cast<int>(expired_ca.size()));
}

TEST_CASE("OpenSSL's DANE and tlsa::verify agree on far validity dates (issue 8)") {
    if (!have_openssl()) {
        MESSAGE("openssl not found: differential test skipped");
        return;
    }
    temp_dir dir;
    REQUIRE(!dir.path.empty());
    for (int y : {2049, 2050, 2262, 3015, 9999}) {
        auto t = "y" + std::to_string(y);
        std::vector<fixture_case> cases{
            {"3 1 1 leaf", {frec(t + "-leaf", 3, 1, 1)}, {}},
            {"2 0 1 root", {frec(t + "-root", 2, 0, 1)}, {}},
            {"2 1 1 intermediate", {frec(t + "-inter", 2, 1, 1)}, {}},
            {"0 0 1 root, CA root", {frec(t + "-root", 0, 0, 1)}, {t + "-root"}},
            {"1 0 1 leaf, CA root", {frec(t + "-leaf", 1, 0, 1)}, {t + "-root"}},
        };
        int n = run_fixture_scenario(dir, t, {t + "-leaf", t + "-inter", t + "-root"}, "y-leaf.key",
                                     cases);
        CHECK(n == static_cast<int>(cases.size()));
    }
    std::vector<fixture_case> self{
        {"3 1 1 itself", {frec("self-9999", 3, 1, 1)}, {}},
        {"2 1 0 its key", {frec("self-9999", 2, 1, 0)}, {}},
    };
    int n = run_fixture_scenario(dir, "self9999", {"self-9999"}, "self-9999.key", self);
    CHECK(n == 2);
    std::vector<fixture_case> future{
        {"2 0 1 root, leaf not yet valid", {frec("y3015-root", 2, 0, 1)}, {}, true, false},
        {"3 1 1 leaf", {frec("future-leaf", 3, 1, 1)}, {}},
    };
    n = run_fixture_scenario(dir, "future", {"future-leaf", "y3015-inter", "y3015-root"},
                             "y-leaf.key", future);
    CHECK(n == 2);
}

TEST_CASE("OpenSSL's DANE and tlsa::verify on path building (issue 8)") {
    if (!have_openssl()) {
        MESSAGE("openssl not found: differential test skipped");
        return;
    }
    temp_dir dir;
    REQUIRE(!dir.path.empty());
    // The copy of the intermediate signed by root B comes first: OpenSSL builds
    // leaf - inter B - root B and never tries inter A.
    std::vector<fixture_case> cross{
        {"2 0 1 root A", {frec("x-root-a", 2, 0, 1)}, {}, false, true},
        {"2 1 1 root A", {frec("x-root-a", 2, 1, 1)}, {}, false, true},
        {"2 0 1 root B", {frec("x-root-b", 2, 0, 1)}, {}},
        {"0 0 1 root A, CA root A", {frec("x-root-a", 0, 0, 1)}, {"x-root-a"}, false, true},
        {"3 1 1 leaf", {frec("x-leaf", 3, 1, 1)}, {}},
    };
    run_fixture_scenario(dir, "cross", {"x-leaf", "x-inter-b", "x-root-b", "x-inter-a", "x-root-a"},
                         "x-leaf.key", cross);
    std::vector<fixture_case> cross_key{
        {"2 1 0 root A key, not sent", {frec("x-root-a", 2, 1, 0)}, {}, false, true},
        {"2 0 0 root A from DNS", {frec("x-root-a", 2, 0, 0)}, {}, false, true},
        {"2 1 0 root B key, not sent", {frec("x-root-b", 2, 1, 0)}, {}},
    };
    run_fixture_scenario(dir, "crosskey", {"x-leaf", "x-inter-b", "x-inter-a"}, "x-leaf.key",
                         cross_key);
    std::vector<fixture_case> loop{
        {"2 0 1 unrelated root", {frec("x-root-a", 2, 0, 1)}, {}, true, false},
        {"2 0 1 Q", {frec("loop-q", 2, 0, 1)}, {}},
    };
    run_fixture_scenario(dir, "loop", {"loop-leaf", "loop-p", "loop-q"}, "x-leaf.key", loop);
    std::vector<fixture_case> nc{
        {"2 0 1 root", {frec("nc-root", 2, 0, 1)}, {}, true, false},
        {"0 0 1 root, CA root", {frec("nc-root", 0, 0, 1)}, {"nc-root"}, true, false},
        {"3 1 1 leaf", {frec("nc-leaf", 3, 1, 1)}, {}},
    };
    run_fixture_scenario(dir, "nc", {"nc-leaf", "nc-inter", "nc-root"}, "x-leaf.key", nc);
    // An unrelated CA with the intermediate's name and no key identifier, sent first:
    // OpenSSL takes it as the issuer and fails on its signature.
    std::vector<fixture_case> impostor{
        {"2 0 1 root A", {frec("x-root-a", 2, 0, 1)}, {}, false, true},
        {"0 0 1 root A, CA root A", {frec("x-root-a", 0, 0, 1)}, {"x-root-a"}, false, true},
        {"3 1 1 leaf", {frec("x-leaf", 3, 1, 1)}, {}},
    };
    run_fixture_scenario(dir, "impostor", {"x-leaf", "x-impostor-1", "x-inter-a", "x-root-a"},
                         "x-leaf.key", impostor);
}
