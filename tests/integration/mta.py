#!/usr/bin/env python3
"""The mail cases of the test bed checked with independent tools (no dane code): brings up
the signed hierarchy (scripts/testbed/testbed.sh) and its SMTP servers
(scripts/testbed/mta.sh), then for each server row of DIR/mail/cases.tsv:

  dig             `dig +dnssec` at the validating Unbound: the MX RRset, the host's address
                  and its TLSA RRset get the verdict the bed was built for (AD set: secure;
                  SERVFAIL: bogus; no AD: insecure), and the TLSA data is the one published
  openssl         `openssl s_client -starttls smtp -dane_tlsa_domain HOST
                  -dane_tlsa_rrdata DATA` (no resolver): the server's certificate matches
                  the TLSA data, or does not where the case says so
  posttls-finger  Postfix's own DANE client, `-l dane` through the validating Unbound (run
                  in a private mount namespace whose /etc/resolv.conf names that Unbound):
                  Verified, Untrusted, no TLS or a TLSA lookup error as the case says (it
                  exits 0 either way, so its summary line is read)
  swaks           delivers a message with STARTTLS required (`--tls`) to every server that
                  offers it; the message must arrive intact (body byte for byte) in that
                  server's mailbox, received over TLS; the server without STARTTLS does not
                  offer it and takes the message in cleartext only; through the proxy
                  STARTTLS is not offered, a STARTTLS command is refused, and `--tls` sends
                  nothing to the server behind it

usage: mta.py SOURCE_ROOT SCRATCH_DIR [--results FILE --config NAME]
  SCRATCH_DIR   where the bed is made; removed first
  --results     also appends one row per check to FILE in scripts/tally-results.py's format
DANE_TESTBED_NET (as for testbed.sh) picks the 127.x block. Needs root, and postfix, swaks,
knot, unbound, bind9-utils, ldnsutils, openssl (scripts/install-deps.sh). Exits 1 if any
check failed, 2 if the bed did not come up.
"""
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid

# What each server row must give: (TLS-level match with the published TLSA data: match,
# mismatch, none (no TLSA) or nostarttls; posttls-finger -l dane's verdict).
EXPECTED = {
    "ee": ("match", "Verified"),
    "ta": ("match", "Verified"),
    "mismatch": ("mismatch", "Untrusted"),
    "nostarttls": ("nostarttls", "no TLS"),
    # The TLSA data matches: only its DNSSEC signature is wrong.
    "bogus": ("match", "TLSA lookup error"),
    "notlsa": ("none", "Untrusted"),
    # The insecure zone's TLSA record matches no key; a DANE client must not use it.
    "insecure": ("mismatch", "Untrusted"),
    "cname": ("match", "Verified"),
    "twomx-bad": ("mismatch", "Untrusted"),
    "twomx-good": ("match", "Verified"),
    "strip": ("nostarttls", "no TLS"),
    "strip-backend": ("match", "Verified"),
}

# A body that shows whether a message arrived intact: a leading dot (dot-stuffing, RFC 5321
# §4.5.2), a lone dot inside a line, trailing blanks, a long line, an empty line.
BODY_LINES = [
    "dane test bed message {token}",
    ".a line that starts with a dot",
    "..two dots",
    " . ",
    "trailing blanks   ",
    "",
    "x" * 900,
    "end",
]

results_rows = []
failures = 0


def report(check, ok, note=""):
    global failures
    print(f"{'ok  ' if ok else 'FAIL'} {check}" + ("" if ok or not note else f": {note}"))
    results_rows.append((check, 1 if ok else 0, 0 if ok else 1, "" if ok else note))
    failures += 0 if ok else 1


def run(args, timeout=30, stdin=None, env=None):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, input=stdin,
                       env=env)
    return p.returncode, p.stdout, p.stderr


def show(tool, text, limit=12):
    lines = [l for l in text.splitlines() if l.strip()][:limit]
    for l in lines:
        print(f"    {tool}: {l[:160]}")


def load_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'^([A-Z_]+)="?(.*?)"?$', line.strip())
            if m:
                env[m.group(1)] = m.group(2)
    return env


def load_tsv(path):
    with open(path) as f:
        header = f.readline().lstrip("# ").rstrip("\n").split("\t")
        return [dict(zip(header, l.rstrip("\n").split("\t"))) for l in f if l.strip()]


def dig(server, name, rtype):
    rc, out, err = run(["dig", "+dnssec", "+time=3", "+tries=1", f"@{server}", name, rtype])
    status = re.search(r"status: (\w+)", out)
    flags = re.search(r";; flags: ([a-z ]+);", out)
    records = []
    for line in out.split(";; ANSWER SECTION:")[-1].split("\n\n")[0].splitlines() \
            if ";; ANSWER SECTION:" in out else []:
        f = line.split()
        if len(f) > 4 and f[3] == rtype:
            records.append(" ".join(f[4:]).lower())
    return (status.group(1) if status else "no answer",
            flags is not None and "ad" in flags.group(1).split(), records)


def normal_tlsa(rdata):
    f = rdata.split()
    return " ".join(f[:3] + ["".join(f[3:]).lower()]) if len(f) >= 4 else rdata


def dns_checks(bed, row):
    name, host, status = row["name"], row["mx_host"], row["tlsa_status"]
    validating = bed["TESTBED_VALIDATING"]
    secure_zone = status != "insecure"
    if row["mx"] != "-":
        st, ad, mx = dig(validating, row["domain"], "MX")
        target = row["mx"].split("@")[1] if "@" in row["mx"] else host
        want = f"{row['mx'].split('@')[0]} {target}".lower()
        print(f"    dig: {row['domain']} MX: {st} {'AD' if ad else 'no AD'} {mx}")
        report(f"{name}: MX {row['domain']} -> {want} ({'secure' if secure_zone else 'insecure'})",
               st == "NOERROR" and ad == secure_zone and want in mx, f"{st} ad={ad} {mx}")
    st, ad, addrs = dig(validating, host, "A")
    print(f"    dig: {host} A: {st} {'AD' if ad else 'no AD'} {addrs}")
    report(f"{name}: A {host} = {row['address']}",
           st == "NOERROR" and ad == secure_zone and addrs == [row["address"]],
           f"{st} ad={ad} {addrs}")
    tlsa_name = f"_25._tcp.{host}"
    st, ad, tlsa = dig(validating, tlsa_name, "TLSA")
    tlsa = [normal_tlsa(r) for r in tlsa]
    print(f"    dig: {tlsa_name} TLSA: {st} {'AD' if ad else 'no AD'} {tlsa}")
    want = normal_tlsa(row["tlsa"])
    ok = {
        "secure": st == "NOERROR" and ad and tlsa == [want],
        "insecure": st == "NOERROR" and not ad and tlsa == [want],
        "bogus": st == "SERVFAIL" and not tlsa,
        "none": st == "NXDOMAIN" and ad and not tlsa,
    }[status]
    report(f"{name}: TLSA {tlsa_name} is {status}", ok, f"{st} ad={ad} {tlsa}")


def openssl_check(row):
    name, expected = row["name"], EXPECTED[row["name"]][0]
    if expected == "none":
        return
    rdata = row["tlsa"]
    args = ["openssl", "s_client", "-brief", "-starttls", "smtp", "-connect",
            f"{row['address']}:25", "-servername", row["mx_host"].rstrip("."),
            "-dane_tlsa_domain", row["mx_host"].rstrip("."), "-dane_tlsa_rrdata", rdata]
    rc, out, err = run(args, timeout=20, stdin="QUIT\r\n")
    text = out + err
    show("openssl", "\n".join(l for l in text.splitlines()
                              if re.search(r"Verif|DANE|STARTTLS|Peer cert|error", l)))
    if "Didn't find STARTTLS" in text or "CONNECTION ESTABLISHED" not in text:
        got = "nostarttls"
    elif "Verification: OK" in text and re.search(r"DANE TLSA .* matched", text):
        got = "match"
    elif re.search(r"no matching DANE TLSA records", text, re.I):
        got = "mismatch"
    else:
        got = "unclear"
    report(f"{name}: openssl s_client -dane_tlsa_rrdata '{rdata[:12]}...': {expected}",
           got == expected, f"got {got}")


def posttls_finger_verdict(client_dir, row):
    """posttls-finger -l dane's verdict for ROW's server (Verified, Untrusted, no TLS, TLSA
    lookup error, ...) and what it was asked to reach. Also used by smtp.py."""
    # The MX host in brackets: no MX lookup; the TLSA lookup is that host's. The CNAME case
    # goes through the domain, so that the MX record's alias is what gets expanded.
    target = row["domain"].rstrip(".") if "@" in row["mx"] else f"[{row['mx_host'].rstrip('.')}]:25"
    script = (f"mount --bind {client_dir}/resolv.conf /etc/resolv.conf && "
              f"exec posttls-finger -t30 -T180 -c -l dane -L verbose,summary '{target}'")
    env = dict(os.environ, MAIL_CONFIG=client_dir)
    rc, out, err = run(["unshare", "-m", "sh", "-c", script], timeout=30, env=env)
    text = out + err
    show("posttls-finger", "\n".join(l.removeprefix("posttls-finger: ") for l in text.splitlines()
                                     if not re.search(r"cipher list|initializing", l)), 8)
    m = re.search(r"(Verified|Untrusted|Anonymous|Trusted) TLS connection established", text)
    if m:
        got = m.group(1)
    elif "TLSA lookup error" in text:
        got = "TLSA lookup error"
    elif rc == 0 and "TLS connection established" not in text and "Failed" not in text:
        got = "no TLS"
    else:
        got = f"unclear (exit {rc})"
    return got, target


def posttls_finger_check(client_dir, row):
    name, expected = row["name"], EXPECTED[row["name"]][1]
    got, target = posttls_finger_verdict(client_dir, row)
    report(f"{name}: posttls-finger -l dane {target}: {expected}", got == expected, f"got {got}")


def ehlo(address, then=None):
    """The server's EHLO reply lines, and its reply to THEN (a command) if given."""
    with socket.create_connection((address, 25), timeout=10) as s:
        f = s.makefile("rb")

        def reply():
            lines = []
            while True:
                line = f.readline().decode("latin-1").rstrip("\r\n")
                lines.append(line)
                if len(line) < 4 or line[3] != "-":
                    return lines
        reply()
        s.sendall(b"EHLO client.danebed.test\r\n")
        capabilities = [l[4:].upper() for l in reply()]
        answer = None
        if then:
            s.sendall(then.encode() + b"\r\n")
            answer = reply()
        s.sendall(b"QUIT\r\n")
        return capabilities, answer


def swaks(row, address, token, tls):
    body = "\r\n".join(BODY_LINES).format(token=token)
    args = ["swaks", "--server", address, "--to", f"rcpt@{row['domain'].rstrip('.')}",
            "--from", "sender@client.danebed.test", "--helo", "client.danebed.test",
            "--header", f"Subject: {token}", "--body", "-", "--timeout", "15"]
    if tls:
        args.append("--tls")
    rc, out, err = run(args, timeout=30, stdin=body)
    show("swaks", "\n".join(l for l in (out + err).splitlines()
                            if re.search(r"^(\*\*\*|<.?  [2-5]\d\d |<~  250 2)", l)), 6)
    return rc, body


def messages_in(mailbox):
    """The messages of an mbox file as (headers, body), body with CRLF line ends."""
    if not os.path.exists(mailbox):
        return []
    with open(mailbox, "rb") as f:
        text = f.read().decode("latin-1")
    out = []
    for chunk in re.split(r"(?m)^From \S+ .*\n", text)[1:]:
        head, _, body = chunk.partition("\n\n")
        # virtual(8) ends each message with an empty line in mbox format.
        body = body[:-1] if body.endswith("\n\n") else body
        out.append((head, body.rstrip("\n").replace("\n", "\r\n")))
    return out


def wait_for(mailbox, token, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for head, body in messages_in(mailbox):
            if f"\nSubject: {token}\n" in f"\n{head}\n":
                return head, body
        time.sleep(0.1)
    return None


def delivery_checks(rows, instances):
    mailbox = {i["name"]: i["mailbox"] for i in instances}
    sent = []
    for row in rows:
        name = row["name"]
        server = row["server"]
        caps, _ = ehlo(row["address"])
        offers = "STARTTLS" in caps
        print(f"    EHLO {row['address']}: {' '.join(caps[1:])}")
        if server == "on":
            report(f"{name}: offers STARTTLS", offers, f"EHLO: {caps}")
        elif server == "off":
            report(f"{name}: does not offer STARTTLS", not offers, f"EHLO: {caps}")
        else:
            backend = server.split(":", 1)[1]
            report(f"{name}: the proxy removes STARTTLS from the EHLO reply", not offers,
                   f"EHLO: {caps}")
            _, answer = ehlo(row["address"], "STARTTLS")
            report(f"{name}: the proxy refuses a STARTTLS command",
                   bool(answer) and answer[-1].startswith("502"), f"reply {answer}")
            token = f"strip-{uuid.uuid4().hex[:12]}"
            rc, _ = swaks(row, row["address"], token, tls=True)
            report(f"{name}: swaks --tls through the proxy fails", rc != 0, f"exit {rc}")
            sent.append((name, mailbox[backend], token, None, False))
            continue
        token = f"{name}-{uuid.uuid4().hex[:12]}"
        rc, body = swaks(row, row["address"], token, tls=(server == "on"))
        report(f"{name}: swaks {'--tls ' if server == 'on' else ''}accepted", rc == 0, f"exit {rc}")
        sent.append((name, mailbox[name], token, body, server == "on"))
        if server == "off":
            rc, _ = swaks(row, row["address"], token + "-tls", tls=True)
            report(f"{name}: swaks --tls refuses to send", rc != 0, f"exit {rc}")
            sent.append((name, mailbox[name], token + "-tls", None, False))
    for name, box, token, body, over_tls in sent:
        got = wait_for(box, token, 10 if body is not None else 2)
        if body is None:
            report(f"{name}: message {token} did not arrive in {os.path.basename(os.path.dirname(os.path.dirname(box)))}'s mailbox",
                   got is None, "it arrived")
            continue
        if got is None:
            report(f"{name}: message {token} arrived", False, f"not in {box} within 10 s")
            continue
        head, received_body = got
        report(f"{name}: message {token} arrived intact", received_body == body,
               f"body differs: {received_body[:200]!r}")
        tls_received = re.search(r"\(using TLSv1\.[23] with cipher", head) is not None
        report(f"{name}: received {'over TLS' if over_tls else 'in cleartext'}",
               tls_received == over_tls, f"headers: {head[:300]!r}")


def append_results(root, path, config):
    spec = importlib.util.spec_from_file_location(
        "tally", os.path.join(root, "scripts", "tally-results.py"))
    tally = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tally)
    tally.append(path, [(config, f"mta: {c}", p, f, n) for c, p, f, n in results_rows])


def main(argv):
    args = argv[1:]
    results = config = None
    for option in ("--results", "--config"):
        if option in args:
            i = args.index(option)
            if option == "--results":
                results = args[i + 1]
            else:
                config = args[i + 1]
            del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root, scratch = (os.path.abspath(a) for a in args)
    testbed = os.path.join(root, "scripts", "testbed", "testbed.sh")
    mta = os.path.join(root, "scripts", "testbed", "mta.sh")
    bed_dir = os.path.join(scratch, "bed")
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)

    t0 = time.monotonic()
    rc, out, err = run([testbed, "up", bed_dir], timeout=120)
    print(out + err, end="")
    if rc == 0:
        t1 = time.monotonic()
        rc, out, err = run([mta, "up", bed_dir], timeout=120)
        print(out + err, end="")
        print(f"DNS bed up in {t1 - t0:.1f} s, mail servers in {time.monotonic() - t1:.1f} s")
    if rc != 0:
        report("bring-up", False, f"exit {rc}")
        run([mta, "down", bed_dir])
        run([testbed, "down", bed_dir])
        if results:
            append_results(root, results, config or "testbed")
        return 2
    report("bring-up of the DNS bed and the mail servers within 60 s",
           time.monotonic() - t0 < 60, f"{time.monotonic() - t0:.1f} s")
    run_dir = os.path.join(bed_dir, "mta", "run")
    pids = []
    try:
        bed = load_env(os.path.join(bed_dir, "env"))
        rows = load_tsv(bed["TESTBED_MAIL_CASES"])
        instances = load_tsv(os.path.join(bed_dir, "mta", "instances.tsv"))
        for f in os.listdir(run_dir):
            with open(os.path.join(run_dir, f)) as pidfile:
                pids.append(int(pidfile.read().strip()))
        report(f"a PID file per server ({len(rows)})", len(pids) == len(rows), f"{pids}")
        client_dir = os.path.join(scratch, "posttls-finger")
        os.makedirs(client_dir)
        with open(os.path.join(client_dir, "main.cf"), "w") as f:
            f.write("compatibility_level = 3.6\nsmtp_dns_support_level = dnssec\n")
        # trust-ad: glibc passes the AD bit on only when told to trust the server.
        with open(os.path.join(client_dir, "resolv.conf"), "w") as f:
            f.write(f"nameserver {bed['TESTBED_VALIDATING']}\noptions trust-ad\n")
        for row in rows:
            print(f"== {row['name']}: {row['mx_host']} {row['address']} ({row['domain']}, "
                  f"server {row['server']}, TLSA {row['tlsa'][:20]}... {row['tlsa_status']})")
            for what, check in (("dig", lambda: dns_checks(bed, row)),
                                ("openssl", lambda: openssl_check(row)),
                                ("posttls-finger", lambda: posttls_finger_check(client_dir, row))):
                try:
                    check()
                except Exception as e:  # a tool that failed or timed out fails this check only
                    report(f"{row['name']}: {what} ran", False, f"{type(e).__name__}: {e}")
        print("== deliveries")
        try:
            delivery_checks(rows, instances)
        except Exception as e:
            report("deliveries ran", False, f"{type(e).__name__}: {e}")
    except Exception as e:
        report("mail bed checks ran", False, f"{type(e).__name__}: {e}")
    finally:
        rc, out, err = run([mta, "down", bed_dir])
        print(out + err, end="")
        time.sleep(0.2)
        # A master leads its own process group; its children (smtpd, qmgr, ...) must be
        # gone with it.
        groups = set(pids)
        alive = [p for p in pids if os.path.exists(f"/proc/{p}")] + [
            int(pid) for pid, pgid in (l.split() for l in run(["ps", "-e", "-o", "pid=,pgid="])[1]
                                       .splitlines()) if int(pgid) in groups]
        left = [f for f in os.listdir(run_dir) if f.endswith(".pid")] \
            if os.path.isdir(run_dir) else []
        report(f"bring-down: the {len(pids)} servers and their children stopped by PID",
               rc == 0 and pids and not alive and not left,
               f"exit {rc}, alive {alive}, left {left}")
        run([testbed, "down", bed_dir])
        print(f"mail bed up and tested in {time.monotonic() - t0:.1f} s")
        if results:
            append_results(root, results, config or "testbed")
    passed = sum(r[1] for r in results_rows)
    print(f"mta: {len(results_rows)} checks: {passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
