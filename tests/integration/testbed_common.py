"""What the checks against the loopback test bed (scripts/testbed/testbed.sh) share: the
cases the bed was built for, bringing it up and down, asking Unbound and delv for their
verdicts, and recording each check in scripts/tally-results.py's format.

Used by testbed.py (`dane verify` over fetched answers) and resolver.py (the resolver end to
end, through examples/resolve_asio and `dane lookup`)."""
import importlib.util
import os
import re
import subprocess
import time

# (name, qname, qtype, the verdict Unbound must give: what the bed was built to produce)
CASES = [
    ("alg8 secure answer", "www.alg8.danebed.", "A", "secure"),
    ("alg13 secure answer", "www.alg13.danebed.", "A", "secure"),
    ("alg15 secure answer", "www.alg15.danebed.", "A", "secure"),
    ("NSEC nxdomain", "nope.alg13.danebed.", "A", "secure"),
    ("NSEC nodata", "www.alg13.danebed.", "AAAA", "secure"),
    ("NSEC3 nxdomain", "nope.alg15.danebed.", "A", "secure"),
    ("NSEC3 nodata", "www.alg15.danebed.", "TXT", "secure"),
    ("NSEC wildcard", "x.wild.alg13.danebed.", "TXT", "secure"),
    ("NSEC3 wildcard", "x.wild.alg15.danebed.", "TXT", "secure"),
    ("NSEC3 opt-out zone: signed delegation", "alg8.danebed.", "DS", "secure"),
    # RFC 5155 §9.2: an opt-out span may hide an unsigned delegation, so Unbound does not
    # call an NXDOMAIN proven by one secure.
    ("NSEC3 opt-out zone: nxdomain", "nope.danebed.", "A", "insecure"),
    ("CNAME chain across three zones", "chain.alg8.danebed.", "A", "secure"),
    ("DNAME into another zone", "www.old.alg13.danebed.", "A", "secure"),
    ("insecure delegation under NSEC3 opt-out", "www.insecure.danebed.", "A", "insecure"),
    ("insecure delegation under NSEC", "www.unsigned.alg13.danebed.", "A", "insecure"),
    ("expired signatures", "www.expired.danebed.", "A", "bogus"),
    ("corrupted RRSIG", "badsig.alg13.danebed.", "A", "bogus"),
    ("DS matching no key", "www.wrongds.danebed.", "A", "bogus"),
    ("unsigned DNSKEY RRset", "www.nokeysig.danebed.", "A", "bogus"),
    ("RRset too large for UDP", "big.alg8.danebed.", "TXT", "secure"),
    ("NSEC3 zone of 120 names: answer", "h077.many.danebed.", "A", "secure"),
    ("NSEC3 zone of 120 names: nxdomain", "nope.many.danebed.", "A", "secure"),
    ("TLSA alg8", "_25._tcp.mail.alg8.danebed.", "TLSA", "secure"),
    ("TLSA alg13", "_25._tcp.mail.alg13.danebed.", "TLSA", "secure"),
    ("TLSA alg15 (NSEC3)", "_25._tcp.mail.alg15.danebed.", "TLSA", "secure"),
    ("TLSA insecure", "_25._tcp.mail.insecure.danebed.", "TLSA", "insecure"),
]

# The case whose answer does not fit a 1232-octet UDP response (its server truncates it).
TCP_CASE = "RRset too large for UDP"

# Cases where delv (BIND 9.18) differs from Unbound, with the reason.
DELV_DIFFERS = {
    "NSEC3 opt-out zone: nxdomain":
        "delv calls an NXDOMAIN under an opt-out NSEC3 span fully validated; Unbound treats "
        "it as insecure (RFC 5155 §9.2: the span may hold an unsigned delegation)",
}


class Checks:
    """Pass/fail rows, printed as they come and appended to the CI results with PREFIX."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.rows = []
        self.failures = 0

    def report(self, check, ok, note=""):
        if not ok:
            self.failures += 1
        self.rows.append((check, 1 if ok else 0, 0 if ok else 1, "" if ok else note))
        print(f"{'ok  ' if ok else 'FAIL'} {check}" + (f": {note}" if note and not ok else ""))

    def append_results(self, root, path, config):
        spec = importlib.util.spec_from_file_location(
            "tally", os.path.join(root, "scripts", "tally-results.py"))
        tally = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tally)
        tally.append(path, [(config, f"{self.prefix}: {c}", p, f, n)
                            for c, p, f, n in self.rows])

    def summary(self):
        passed = sum(r[1] for r in self.rows)
        return f"{self.prefix}: {len(self.rows)} checks: {passed} passed, {self.failures} failed"


def take_option(args, option):
    """Removes `option VALUE` from args; the value, or None when absent."""
    if option not in args:
        return None
    i = args.index(option)
    if i + 1 >= len(args):
        raise SystemExit(f"{option} needs a value")
    value = args[i + 1]
    del args[i:i + 2]
    return value


def run(args, timeout=30, stdin=None):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, input=stdin)
    return p.returncode, p.stdout, p.stderr


class Response:
    def __init__(self, text):
        m = re.search(r"status: (\w+)", text)
        self.rcode = m.group(1) if m else "NONE"
        m = re.search(r";; flags: ([a-z ]*);", text)
        self.flags = set(m.group(1).split()) if m else set()
        self.sections = {"ANSWER": [], "AUTHORITY": [], "ADDITIONAL": []}
        section = None
        for line in text.splitlines():
            m = re.match(r";; (\w+) SECTION:", line)
            if m:
                section = m.group(1)
                continue
            if not line.strip():
                section = None
                continue
            if line.startswith(";") or section not in self.sections:
                continue
            self.sections[section].append(line)
        # RFC 8914 extended error, which the validating Unbound adds (ede: yes).
        m = re.search(r"; EDE: (\d+)", text)
        self.ede = int(m.group(1)) if m else None

    def records(self, *sections):
        return [r for s in sections for r in self.sections[s]]


def dig(server, name, rtype, *options):
    rc, out, err = run(["dig", f"@{server}", "+dnssec", "+time=3", "+tries=2", *options,
                        name, rtype])
    if rc != 0:
        raise RuntimeError(f"dig @{server} {name} {rtype} failed: {err.strip()}")
    return Response(out)


def fields(record):
    return record.split()


def unbound_verdict(r):
    if r.rcode == "SERVFAIL":
        return "bogus"
    if r.rcode in ("NOERROR", "NXDOMAIN"):
        return "secure" if "ad" in r.flags else "insecure"
    return f"rcode {r.rcode}"


def delv_verdict(bed, qname, qtype):
    rc, out, err = run(["delv", "-a", bed.env["TESTBED_DELV_ANCHOR"], f"@{bed.plain}",
                        "+nortrace", qname, qtype])
    text = out + err
    if "fully validated" in text:
        return "secure", text
    if "unsigned answer" in text or "insecure" in text:
        return "insecure", text
    if "resolution failed" in text or "broken trust chain" in text:
        return "bogus", text
    return "unknown", text


def load_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k] = v.strip('"')
    return env


class Bed:
    """A running bed's addresses and files (its DIR/env)."""

    def __init__(self, env):
        self.env = env
        self.plain = env["TESTBED_NONVALIDATING"]
        self.validating = env["TESTBED_VALIDATING"]


def bring_up(root, bed_dir, checks):
    """`testbed.sh up BED_DIR`; the bed's env, or None (reported) when it did not come up."""
    script = os.path.join(root, "scripts", "testbed", "testbed.sh")
    t0 = time.monotonic()
    rc, out, err = run([script, "up", bed_dir], timeout=120)
    up_seconds = time.monotonic() - t0
    print(out + err, end="")
    if rc != 0:
        checks.report("bring-up", False, f"testbed.sh up exited {rc}")
        return None
    print(f"bed up in {up_seconds:.1f} s")
    # Seconds when the machine is idle; the bound leaves room for a loaded CI machine.
    checks.report("bring-up within 60 s", up_seconds < 60, f"{up_seconds:.1f} s")
    return load_env(os.path.join(bed_dir, "env"))


def bring_down(root, bed_dir, checks):
    """`testbed.sh down BED_DIR`, checking that each of the six servers stopped by its PID."""
    script = os.path.join(root, "scripts", "testbed", "testbed.sh")
    run_dir = os.path.join(bed_dir, "run")
    pids = []
    for f in os.listdir(run_dir):
        if f.endswith(".pid"):
            with open(os.path.join(run_dir, f)) as pidfile:
                pids.append(int(pidfile.read().strip()))
    rc, out, err = run([script, "down", bed_dir])
    print(out + err, end="")
    alive = [p for p in pids if os.path.exists(f"/proc/{p}")]
    left = [f for f in os.listdir(run_dir) if f.endswith(".pid")]
    checks.report(f"bring-down: the {len(pids)} servers stopped by PID", rc == 0
                  and len(pids) == 6 and not alive and not left,
                  f"exit {rc}, PIDs {pids}, alive {alive}, left {left}")
