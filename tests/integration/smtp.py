#!/usr/bin/env python3
"""The mail cases of the test bed end to end through dane: brings up the signed hierarchy
(scripts/testbed/testbed.sh) and its Postfix servers (scripts/testbed/mta.sh), then for each
next-hop domain of DIR/mail/cases.tsv (ee, ta, mismatch, nostarttls, strip, bogus, notlsa,
insecure, cname, twomx):

  probe         `dane smtp --json DOMAIN` through the non-validating Unbound (dane validates
                itself) and through the validating one: exit status, per MX host (in MX order)
                the RFC 8460 result-type, the TLS policy, the matched TLSA record (the one
                published, cases.tsv) and the certificate naming the MX host; a bogus TLSA
                RRset is never connected to
  delivery      a message with a unique token and a body that needs dot-stuffing, through
                `dane smtp --to`, examples/deliver_blocking and examples/deliver_asio (when
                given): it must arrive intact (body byte for byte), received over TLS, in the
                mailbox of the server that may take it (ee, ta, cname, the second twomx host,
                notlsa, insecure) and in no mailbox where DANE refuses it (mismatch,
                nostarttls, strip and the server behind the proxy, bogus, the first twomx host)
  differential  posttls-finger -l dane (as mta.py runs it) and dane smtp agree on which
                servers are verified
  tlsrpt        every `dane smtp --json` line of the run goes through `dane tlsrpt report
                --output-dir`; each report parses with Python's json module, there is one per
                policy domain, its session counts are the ones counted here from those lines,
                its result types the ones the cases must give; `dane tlsrpt summarize` on the
                report files gives the same counts

usage: smtp.py DANE DELIVER_BLOCKING SOURCE_ROOT SCRATCH_DIR [--asio DELIVER_ASIO]
               [--results FILE --config NAME]
  DANE              the dane tool (examples/dane)
  DELIVER_BLOCKING  examples/deliver_blocking; --asio adds examples/deliver_asio
  SCRATCH_DIR       where the bed is made; removed first
  --results         also appends one row per check to FILE in scripts/tally-results.py's format
DANE_TESTBED_NET (as for testbed.sh) picks the 127.x block. Needs root, and postfix, knot,
unbound, bind9-utils, ldnsutils, openssl (scripts/install-deps.sh). Exits 1 if any check
failed, 2 if the bed did not come up.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid

import mta
from testbed_common import Checks, take_option

checks = Checks("smtp")
report = checks.report

SENDER = "sender@client.danebed.test"

# Per next-hop domain (named by its case): `dane smtp` probe's exit status, and per MX host
# in MX order (cases.tsv row name) the RFC 8460 result-type and whether the TLS was
# authenticated (None: not connected).
PROBES = {
    "ee": (0, [("ee", "success", True)]),
    "ta": (0, [("ta", "success", True)]),
    "mismatch": (1, [("mismatch", "validation-failure", False)]),
    "nostarttls": (1, [("nostarttls", "starttls-not-supported", None)]),
    "strip": (1, [("strip", "starttls-not-supported", None)]),
    "bogus": (3, [("bogus", "dnssec-invalid", None)]),
    "notlsa": (0, [("notlsa", "success", False)]),
    "insecure": (0, [("insecure", "success", False)]),
    "cname": (0, [("cname", "success", True)]),
    "twomx": (1, [("twomx-bad", "validation-failure", False),
                  ("twomx-good", "success", True)]),
}

# Where a message to the case's domain must arrive (a cases.tsv server name), or None when
# DANE refuses it; and the servers it must not reach (named in the check; every mailbox is
# searched).
DELIVERIES = {
    "ee": ("ee", []),
    "ta": ("ta", []),
    "cname": ("cname", []),
    "twomx": ("twomx-good", ["twomx-bad"]),
    "notlsa": ("notlsa", []),
    "insecure": ("insecure", []),
    "mismatch": (None, ["mismatch"]),
    "nostarttls": (None, ["nostarttls"]),
    "strip": (None, ["strip-backend"]),
    "bogus": (None, ["bogus"]),
}


def run(args, timeout=60):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def host_name(name):
    return name.rstrip(".").lower()


def mx_target(row):
    """The MX record's target for a cases.tsv row: the host, or the alias it is reached by
    (mx column PREF@ALIAS)."""
    return host_name(row["mx"].split("@")[1] if "@" in row["mx"] else row["mx_host"])


def tlsa_data(rdata):
    """A TLSA record's presentation form with its data as one lower-case hex string."""
    f = rdata.split()
    return " ".join(f[:3] + ["".join(f[3:]).lower()]) if len(f) >= 4 else rdata.lower()


def matched_record(host):
    """The `matched-record` of a dane smtp --json host, normalised like tlsa_data."""
    m = host.get("matched-record")
    return tlsa_data(m) if isinstance(m, str) and m else None


class Run:
    def __init__(self, dane, bed):
        self.dane = dane
        self.bed = bed
        self.json_lines = []  # every dane smtp --json line of the run

    def smtp(self, resolver, domain, *extra):
        args = [self.dane, "smtp", "--resolver", resolver, "--trust-anchor",
                self.bed["TESTBED_ANCHOR"], "--timeout", "10", "--helo", "client.danebed.test",
                "--json", *extra, domain]
        rc, out, err = run(args)
        doc = None
        lines = [l for l in out.splitlines() if l.strip()]
        for l in lines:
            self.json_lines.append(l)
        try:
            doc = json.loads(out)
        except ValueError as e:
            print(f"    dane smtp: not one JSON document ({e}): {out[:300]!r} {err[:300]!r}")
        return rc, doc, len(lines), err


def probe_checks(run_, case, rows_by_name, resolver, which):
    expected_rc, expected_hosts = PROBES[case]
    domain = rows_by_name[expected_hosts[0][0]]["domain"]
    rc, doc, nlines, err = run_.smtp(resolver, domain)
    tag = f"{case}: dane smtp {which}"
    report(f"{tag}: exit {expected_rc}", rc == expected_rc, f"exit {rc}: {err.strip()[:200]}")
    report(f"{tag}: one JSON document on one line", doc is not None and nlines == 1,
           f"{nlines} lines")
    if doc is None:
        return None
    hosts = doc.get("hosts", [])
    for h in hosts:
        print(f"    dane: {h.get('mx-host')} result-type={h.get('result-type')} "
              f"tls-policy={h.get('tls-policy')} authenticated={h.get('authenticated')} "
              f"matched={str(h.get('matched-record'))[:24]} connected-to={h.get('connected-to')}"
              f" detail={str(h.get('detail'))[:80]}")
    names = [host_name(h.get("mx-host", "")) for h in hosts]
    want = [mx_target(rows_by_name[n]) for n, _, _ in expected_hosts]
    report(f"{tag}: MX hosts in order {want}", names == want, f"got {names}")
    if names != want:
        return doc
    for (name, result_type, authenticated), h in zip(expected_hosts, hosts):
        row = rows_by_name[name]
        mx = mx_target(row)
        host = host_name(row["mx_host"])  # the name behind an alias
        report(f"{tag}: {mx} result-type {result_type}", h.get("result-type") == result_type,
               f"got {h.get('result-type')} ({h.get('detail')})")
        # The TLS policy RFC 7672 §2.2 gives: secure usable TLSA: authenticated TLS required;
        # insecure or securely absent TLSA: opportunistic; a lookup error: none (no connection).
        status = row["tlsa_status"]
        policy = str(h.get("tls-policy", ""))
        want_policy = {"secure": "required-authenticated", "insecure": "opportunistic",
                       "none": "opportunistic", "bogus": None}[status]
        if want_policy is None:
            report(f"{tag}: {mx} never connected (bogus TLSA)",
                   not h.get("connected-to") and not h.get("tls"),
                   f"connected-to {h.get('connected-to')} tls {h.get('tls')}")
            report(f"{tag}: {mx} policy-type tlsa", h.get("policy-type") == "tlsa",
                   f"got {h.get('policy-type')}")
            continue
        report(f"{tag}: {mx} tls-policy {want_policy}", policy == want_policy,
               f"got {policy!r}")
        report(f"{tag}: {mx} policy-type {'tlsa' if status == 'secure' else 'no-policy-found'}",
               h.get("policy-type") == ("tlsa" if status == "secure" else "no-policy-found"),
               f"got {h.get('policy-type')}")
        report(f"{tag}: {mx} authenticated {bool(authenticated)}",
               bool(h.get("authenticated")) == bool(authenticated),
               f"got {h.get('authenticated')}")
        if status == "secure":
            # RFC 7672 §2.2.2: the fully CNAME-expanded name when the expansion is secure.
            report(f"{tag}: {mx} TLSA base domain {host}",
                   host_name(h.get("tlsa-base-domain") or "") == host,
                   f"got {h.get('tlsa-base-domain')}")
        if authenticated:
            got = matched_record(h)
            report(f"{tag}: {mx} matched the published TLSA record",
                   got == tlsa_data(row["tlsa"]), f"got {got!r}, published {row['tlsa']!r}")
        if authenticated is not None:
            chain = h.get("chain") or []
            subject = str(chain[0].get("subject", "")) if chain else ""
            report(f"{tag}: {mx} certificate subject names the MX host {host}",
                   re.search(r"\bCN=\"?" + re.escape(host) + r"\b", subject, re.I) is not None,
                   f"chain {chain[:1]}")
    return doc


def differential_checks(client_dir, rows, probes):
    """posttls-finger -l dane and dane smtp agree, per server with TLSA data, on verified."""
    for row in rows:
        if row["tlsa"] == "-" or row["mx"] == "-":
            continue
        case = next(c for c, (_, hosts) in PROBES.items() if any(n == row["name"]
                                                                for n, _, _ in hosts))
        doc = probes.get(case)
        host = next((h for h in (doc or {}).get("hosts", [])
                     if host_name(h.get("mx-host", "")) == mx_target(row)), None)
        got, target = mta.posttls_finger_verdict(client_dir, row)
        dane_verified = bool(host and host.get("authenticated"))
        print(f"    {row['name']}: posttls-finger {got}; dane smtp "
              f"{'verified' if dane_verified else 'not verified'} "
              f"({host.get('result-type') if host else 'no host'})")
        report(f"{row['name']}: posttls-finger -l dane ({got}) and dane smtp "
               f"({'verified' if dane_verified else 'not verified'}) agree",
               host is not None and (got == "Verified") == dane_verified)


def message_text(token, domain):
    body = "\r\n".join(mta.BODY_LINES).format(token=token)
    head = (f"From: <{SENDER}>\r\nTo: <rcpt@{domain}>\r\nSubject: {token}\r\n"
            f"Message-ID: <{token}@client.danebed.test>\r\n\r\n")
    return head + body + "\r\n", body


def delivery_checks(run_, rows_by_name, mailbox, resolver, clients, scratch):
    """Sends one message per case and client; then checks the mailboxes."""
    expect = []  # (label, token, body, mailbox to arrive in or None, servers it must miss)
    for case, (target, refused) in DELIVERIES.items():
        row = rows_by_name[PROBES[case][1][0][0]]
        domain = row["domain"].rstrip(".")
        for client in ["dane smtp"] + list(clients):
            token = f"{case}-{uuid.uuid4().hex[:12]}"
            text, body = message_text(token, domain)
            path = os.path.join(scratch, f"{token}.eml")
            with open(path, "w", newline="") as f:
                f.write(text)
            label = f"{case}: {client}"
            if client == "dane smtp":
                rc, doc, _, err = run_.smtp(resolver, domain, "--from", SENDER, "--to",
                                            f"rcpt@{domain}", "--message", path)
                said = f"{(doc or {}).get('outcome')}: {(doc or {}).get('reason')}"
                delivered = bool(doc and doc.get("delivered"))
                by = [h.get("log-name", "") for h in (doc or {}).get("hosts", [])
                      if h.get("delivered")]
            else:
                rc, out, err = run([clients[client], "--resolver", resolver, "--trust-anchor",
                                    run_.bed["TESTBED_ANCHOR"], SENDER, f"rcpt@{domain}", path])
                for l in out.splitlines():
                    print(f"    {client}: {l[:160]}")
                said = " ".join(out.strip().splitlines()[-1:]) or err.strip()[:200]
                by = re.findall(r"^delivered to (\S+)$", out, re.M)
                delivered = bool(by)
            if target:
                # The host's log name: the CNAME-expanded name when the expansion is secure.
                host = host_name(rows_by_name[target]["mx_host"])
                report(f"{label}: delivered via {host} (exit 0)",
                       rc == 0 and delivered and [host_name(n) for n in by] == [host],
                       f"exit {rc}, by {by}: {said}")
            else:
                # dane smtp: 3 for DNS that is bogus; deliver_blocking: 1 whenever undelivered.
                want_rc = 3 if case == "bogus" and client == "dane smtp" else 1
                report(f"{label}: not delivered (exit {want_rc})",
                       rc == want_rc and not delivered and not by, f"exit {rc}, by {by}: {said}")
            expect.append((label, token, body, mailbox[target] if target else None, refused))
    last_send = time.monotonic()
    for label, token, body, box, _ in expect:
        if box is None:
            continue
        got = mta.wait_for(box, token, 15)
        if got is None:
            report(f"{label}: message {token} arrived", False, f"not in {box} within 15 s")
            continue
        head, received = got
        report(f"{label}: message arrived intact (body byte for byte)", received == body,
               f"body differs: {received[:200]!r}")
        report(f"{label}: received over TLS",
               re.search(r"\(using TLSv1\.[23] with cipher", head) is not None,
               f"headers: {head[:300]!r}")
    # Postfix writes what it accepted within a second or two: the refused messages have had
    # at least 3 s when the mailboxes are read.
    time.sleep(max(0.0, 3 - (time.monotonic() - last_send)))
    for label, token, _, box, refused in expect:
        holding = boxes_holding(mailbox, token)
        target = [n for n, b in mailbox.items() if b == box]
        where = f"the mailbox of {target[0]} only" if box else "no mailbox"
        report(f"{label}: message in {where}"
               + (f" (not in {', '.join(refused)})" if refused else ""),
               holding == target, f"found in {holding}")


def connections(log):
    """How many SMTP connections a Postfix instance's log records."""
    with open(log, errors="replace") as f:
        return sum(1 for line in f if re.search(r"/smtpd\[\d+\]: connect from ", line))


def boxes_holding(mailbox, token):
    """The servers (mailbox names) whose mailbox holds a message with Subject TOKEN."""
    return sorted(name for name, box in mailbox.items()
                  if any(f"\nSubject: {token}\n" in f"\n{head}\n"
                         for head, _ in mta.messages_in(box)))


def count_sessions(lines):
    """Per (policy domain, MX host): [successes, failures, {result-type: n}, policy-types,
    policy-strings] from dane smtp --json lines: each host with a result-type is one session
    (RFC 8460 §4.3)."""
    counts = {}
    for l in lines:
        doc = json.loads(l)
        for h in doc.get("hosts", []):
            rt = h.get("result-type")
            if rt is None:
                continue
            c = counts.setdefault((h["policy-domain"], h["mx-host"]), [0, 0, {}, set(), set()])
            c[3].add(h.get("policy-type"))
            c[4].add(tuple(h.get("policy-string") or []))
            if rt == "success":
                c[0] += 1
            else:
                c[1] += 1
                c[2][rt] = c[2].get(rt, 0) + 1
    return counts


def tlsrpt_checks(dane, scratch, lines, rows):
    outcomes = os.path.join(scratch, "outcomes.jsonl")
    with open(outcomes, "w") as f:
        f.write("".join(l + "\n" for l in lines))
    counts = count_sessions(lines)
    domains = sorted({d for d, _ in counts})
    print(f"    {len(lines)} dane smtp --json lines; sessions (successful+failed) per policy "
          "domain and MX host: " + ", ".join(f"{d}/{m} {c[0]}+{c[1]}"
                                             for (d, m), c in sorted(counts.items())))
    out_dir = os.path.join(scratch, "reports")
    os.makedirs(out_dir)
    rc, out, err = run([dane, "tlsrpt", "report", "--organization", "dane test bed",
                        "--contact", "mailto:tlsrpt@client.danebed.test", "--output-dir",
                        out_dir, outcomes])
    report("dane tlsrpt report exits 0", rc == 0, f"exit {rc}: {err.strip()[:200]}")
    files = sorted(os.path.join(out_dir, f) for f in os.listdir(out_dir))
    reports = {}  # policy domain -> [report]
    parsed = 0
    for path in files:
        try:
            with open(path) as f:
                r = json.load(f)
            parsed += 1
        except ValueError as e:
            report(f"report {os.path.basename(path)} parses as JSON", False, str(e))
            continue
        ds = {p.get("policy", {}).get("policy-domain") for p in r.get("policies", [])}
        report(f"report {r.get('report-id')}: its policies name one policy domain",
               len(ds) == 1, f"got {sorted(map(str, ds))}")
        for field in ("organization-name", "date-range", "contact-info", "report-id",
                      "policies"):
            report(f"report {r.get('report-id')}: has {field}", field in r, f"keys {sorted(r)}")
        for d in ds:
            reports.setdefault(d, []).append(r)
    report(f"the {len(files)} report files parse as JSON (json module)",
           len(files) > 0 and parsed == len(files), f"{parsed} of {len(files)}")
    report(f"one report per policy domain ({len(domains)})",
           sorted(reports) == domains and all(len(v) == 1 for v in reports.values()),
           f"reports for {sorted(map(str, reports))}, sessions for {domains}")
    expected = {}  # (domain, MX host) -> the result type the cases give
    for case, (_, hosts) in PROBES.items():
        for name, rt, _ in hosts:
            row = rows[name]
            mx = row["mx"].split("@")[1] if "@" in row["mx"] else row["mx_host"]
            expected[(host_name(row["domain"]), host_name(mx))] = (rt, row)
    report("sessions for every case's MX host, and only those",
           sorted(counts) == sorted(expected), f"got {sorted(counts)}")
    for (domain, mx), (ok, failed, types, policy_types, strings) in sorted(counts.items()):
        r = (reports.get(domain) or [{}])[0]
        policies = [p for p in r.get("policies", [])
                    if p.get("policy", {}).get("mx-host") == mx]
        tag = f"report for {domain}, {mx}"
        if len(policies) != 1:
            report(f"{tag}: one policy", False, f"{len(policies)}")
            continue
        p = policies[0]
        s = p.get("summary", {})
        report(f"{tag}: {ok} successful, {failed} failed sessions",
               s.get("total-successful-session-count") == ok
               and s.get("total-failure-session-count") == failed, f"summary {s}")
        got_types = {}
        for fd in p.get("failure-details", []):
            got_types[fd.get("result-type")] = (got_types.get(fd.get("result-type"), 0)
                                                + fd.get("failed-session-count", 0))
        report(f"{tag}: failure result types {types}", got_types == types, f"got {got_types}")
        want, row = expected.get((domain, mx), (None, None))
        report(f"{tag}: the case's result type {want}",
               set(got_types) == ({want} - {"success"}), f"got {sorted(got_types)}")
        policy = p.get("policy", {})
        want_ptype = "tlsa" if row and row["tlsa_status"] in ("secure", "bogus") \
            else "no-policy-found"
        report(f"{tag}: policy-type {want_ptype}", policy.get("policy-type") == want_ptype,
               f"got {policy.get('policy-type')}")
        connected = [fd for fd in p.get("failure-details", [])
                     if fd.get("result-type") != "dnssec-invalid"]
        if row and connected:
            # Failures after a connection name the server's address (RFC 8460 §4.4).
            got = sorted({str(fd.get("receiving-ip")) for fd in connected})
            report(f"{tag}: failure details name receiving-ip {row['address']}",
                   got == [row["address"]], f"got {got}")
        if row and row["tlsa_status"] == "secure":
            got = [tlsa_data(x) for x in policy.get("policy-string", [])]
            report(f"{tag}: policy-string is the published TLSA RRset",
                   got == [tlsa_data(row["tlsa"])], f"got {got}")
    # The receiving side over the same files.
    rc, out, err = run([dane, "tlsrpt", "summarize", *files])
    for l in out.splitlines():
        print(f"    summarize: {l}")
    report("dane tlsrpt summarize exits 0", rc == 0, f"exit {rc}: {err.strip()[:200]}")
    table = {}
    for l in out.splitlines()[1:]:
        f = l.split()
        if len(f) >= 6:
            types = dict((k, int(v)) for k, _, v in (i.partition("=") for i in f[5:] if "=" in i))
            table[(f[0], f[1])] = (int(f[2]), int(f[3]), int(f[4]), types)
    for (domain, mx), (ok, failed, types, _, _) in sorted(counts.items()):
        got = table.get((domain, mx))
        report(f"summarize: {domain} {mx}: 1 report, {ok + failed} sessions, {failed} failures, "
               f"{types or 'no failures'}", got == (1, ok + failed, failed, types), f"got {got}")
    report("summarize: a row per policy domain and MX host, no other",
           sorted(table) == sorted(counts), f"got {sorted(table)}")


def bring_up(root, bed_dir):
    testbed = os.path.join(root, "scripts", "testbed", "testbed.sh")
    mta_sh = os.path.join(root, "scripts", "testbed", "mta.sh")
    t0 = time.monotonic()
    rc, out, err = run([testbed, "up", bed_dir], timeout=120)
    print(out + err, end="")
    if rc == 0:
        rc, out, err = run([mta_sh, "up", bed_dir], timeout=120)
        print(out + err, end="")
    if rc != 0:
        report("bring-up", False, f"exit {rc}")
        run([mta_sh, "down", bed_dir])
        run([testbed, "down", bed_dir])
        return False
    print(f"DNS bed and mail servers up in {time.monotonic() - t0:.1f} s")
    return True


def bring_down(root, bed_dir, pids):
    testbed = os.path.join(root, "scripts", "testbed", "testbed.sh")
    mta_sh = os.path.join(root, "scripts", "testbed", "mta.sh")
    run_dir = os.path.join(bed_dir, "mta", "run")
    rc, out, err = run([mta_sh, "down", bed_dir])
    print(out + err, end="")
    time.sleep(0.2)
    groups = set(pids)
    alive = [p for p in pids if os.path.exists(f"/proc/{p}")] + [
        int(pid) for pid, pgid in (l.split() for l in run(["ps", "-e", "-o", "pid=,pgid="])[1]
                                   .splitlines()) if int(pgid) in groups]
    left = [f for f in os.listdir(run_dir) if f.endswith(".pid")] if os.path.isdir(run_dir) else []
    report(f"bring-down: the {len(pids)} mail servers and their children stopped by PID",
           rc == 0 and pids and not alive and not left, f"exit {rc}, alive {alive}, left {left}")
    run([testbed, "down", bed_dir])


def main(argv):
    args = argv[1:]
    try:
        results = take_option(args, "--results")
        config = take_option(args, "--config") or "testbed"
        asio = take_option(args, "--asio")
    except SystemExit as e:
        print(e, file=sys.stderr)
        return 2
    if len(args) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    dane, blocking, root, scratch = (os.path.abspath(a) for a in args)
    clients = {"deliver_blocking": blocking}
    if asio:
        clients["deliver_asio"] = os.path.abspath(asio)
    for name, path in list(clients.items()):
        # A client that was not built fails this one check; the others still run.
        if not os.access(path, os.X_OK):
            report(f"{name} is built ({path})", False, "not an executable file")
            del clients[name]
    bed_dir = os.path.join(scratch, "bed")
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    t0 = time.monotonic()
    if not bring_up(root, bed_dir):
        if results:
            checks.append_results(root, results, config)
        print(checks.summary())
        return 2
    pids = []
    try:
        run_dir = os.path.join(bed_dir, "mta", "run")
        for f in os.listdir(run_dir):
            with open(os.path.join(run_dir, f)) as pidfile:
                pids.append(int(pidfile.read().strip()))
        bed = mta.load_env(os.path.join(bed_dir, "env"))
        rows = {r["name"]: r for r in mta.load_tsv(bed["TESTBED_MAIL_CASES"])}
        mailbox = {i["name"]: i["mailbox"]
                   for i in mta.load_tsv(os.path.join(bed_dir, "mta", "instances.tsv"))
                   if i["mailbox"] != "-"}
        logs = {i["name"]: i["log"]
                for i in mta.load_tsv(os.path.join(bed_dir, "mta", "instances.tsv"))}
        # mta.sh's own readiness check connects once; only connections after it count.
        bogus_connections = connections(logs["bogus"])
        run_ = Run(dane, bed)
        probes = {}
        for case in PROBES:
            print(f"== {case}")
            for resolver, which in ((bed["TESTBED_NONVALIDATING"], "(own validation)"),
                                    (bed["TESTBED_VALIDATING"], "(validating Unbound)")):
                try:
                    doc = probe_checks(run_, case, rows, resolver, which)
                    if which == "(own validation)":
                        probes[case] = doc
                except Exception as e:
                    report(f"{case}: dane smtp {which} ran", False, f"{type(e).__name__}: {e}")
        print("== differential: posttls-finger -l dane")
        client_dir = os.path.join(scratch, "posttls-finger")
        os.makedirs(client_dir)
        with open(os.path.join(client_dir, "main.cf"), "w") as f:
            f.write("compatibility_level = 3.6\nsmtp_dns_support_level = dnssec\n")
        with open(os.path.join(client_dir, "resolv.conf"), "w") as f:
            f.write(f"nameserver {bed['TESTBED_VALIDATING']}\noptions trust-ad\n")
        try:
            differential_checks(client_dir, list(rows.values()), probes)
        except Exception as e:
            report("differential ran", False, f"{type(e).__name__}: {e}")
        print("== deliveries")
        try:
            delivery_checks(run_, rows, mailbox, bed["TESTBED_NONVALIDATING"], clients, scratch)
        except Exception as e:
            report("deliveries ran", False, f"{type(e).__name__}: {e}")
        # Neither dane smtp nor the delivery examples nor posttls-finger may connect to the
        # server whose TLSA RRset is bogus (RFC 7672 §2.2: a lookup error makes it unusable).
        time.sleep(0.5)
        now = connections(logs["bogus"])
        report("bogus: Postfix logged no connection to the server with bogus TLSA during the run",
               now == bogus_connections, f"{now - bogus_connections} connections")
        print("== TLS-RPT")
        try:
            tlsrpt_checks(dane, scratch, run_.json_lines, rows)
        except Exception as e:
            report("tlsrpt checks ran", False, f"{type(e).__name__}: {e}")
    except Exception as e:
        report("smtp checks ran", False, f"{type(e).__name__}: {e}")
    finally:
        bring_down(root, bed_dir, pids)
        print(f"smtp: bed up and tested in {time.monotonic() - t0:.1f} s")
        if results:
            checks.append_results(root, results, config)
    print(checks.summary())
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
