#!/usr/bin/env python3
"""`dane verify` against answers from real servers: brings up the loopback hierarchy of
scripts/testbed/testbed.sh, and for each case compares three validators' verdicts.

  Unbound   the validating Unbound, asked without CD: AD set -> secure, SERVFAIL -> bogus,
            NOERROR or NXDOMAIN without AD -> insecure
  delv      BIND's delv with the bed's anchor, through the non-validating Unbound
  dane      `dane verify --trust-anchor ANCHOR --time NOW --query NAME TYPE` over the
            answer fetched with `dig +dnssec +cd` from the non-validating Unbound, plus the
            DNSKEY RRset and the DS response (records or their denial) of every zone apex
            from the root down to each name in the answer, fetched the same way; run twice,
            the answer's records first and last, and the two outputs must match

Each case passes when Unbound gives the verdict the bed was built to produce, delv agrees
(except where DELV_DIFFERS says why not), and dane agrees with Unbound; when both say bogus,
dane's RFC 8914 error code must be the one Unbound puts in its answer. A case in
DANE_EXPECTED_FAILURES must disagree: if it agrees, that counts as a failure, so that the
list is trimmed when the validator is fixed.

usage: testbed.py DANE_BINARY SOURCE_ROOT SCRATCH_DIR [--results FILE --config NAME]
  SCRATCH_DIR   where the bed is made (its keys, zones and PID files); removed first
  --results     also appends one row per check to FILE in scripts/tally-results.py's
                format (config, test, passed, failed, note)
Needs root (port 53 on 127.x), knot, unbound, bind9-utils (dig, delv, dnssec-signzone),
ldnsutils: scripts/install-deps.sh. Exits 1 if any check failed, 2 if the bed did not come up.
"""
import datetime
import os
import re
import shutil
import sys
import time

from testbed_common import (CASES, DELV_DIFFERS, Bed as BedBase, Checks, Response, bring_down,
                            bring_up, delv_verdict, dig, fields, run, take_option,
                            unbound_verdict)

checks = Checks("testbed")
report = checks.report

# The same comparison with dane given the whole zone (by AXFR from its server) instead of the
# answer: the proof must be found among all the zone's records. (No wildcard case: a zone
# holds the wildcard, not the expansion Unbound answers with, so there is nothing to agree on.)
ZONE_CASES = [
    ("whole NSEC zone: nxdomain", "alg13.danebed.", "nope.alg13.danebed.", "A", "secure"),
    ("whole NSEC zone: nodata", "alg13.danebed.", "www.alg13.danebed.", "AAAA", "secure"),
    ("whole NSEC3 zone: nxdomain", "alg15.danebed.", "nope.alg15.danebed.", "A", "secure"),
    ("whole NSEC3 zone: nodata", "alg15.danebed.", "www.alg15.danebed.", "TXT", "secure"),
    ("whole 120-name NSEC3 zone: answer", "many.danebed.", "h077.many.danebed.", "A", "secure"),
    ("whole 120-name NSEC3 zone: nxdomain", "many.danebed.", "nope.many.danebed.", "A",
     "secure"),
    ("whole 120-name NSEC3 zone: nodata", "many.danebed.", "h077.many.danebed.", "TXT",
     "secure"),
]

# Zones taken whole by AXFR and validated by `dane verify` RRset by RRset, each verdict
# compared with the validating Unbound's answer for that name and type.
ZONES_AS_SERVED = [
    ("alg8.danebed.", "RSASHA256, NSEC, a 40-record TXT RRset"),
    ("alg13.danebed.", "NSEC, wildcard, DNAME, one corrupted RRSIG"),
    ("alg15.danebed.", "ED25519, NSEC3"),
    ("many.danebed.", "NSEC3 with more than 64 NSEC3 records"),
    ("expired.danebed.", "every signature expired"),
]

# Zones where `dane verify` is known to differ from Unbound on some RRset; must still differ.
DANE_ZONE_EXPECTED_FAILURES = {
}

# Cases where `dane verify` is known to disagree with Unbound, with the difference seen.
# Each must still disagree; one that starts agreeing fails until it is taken off the list.
DANE_EXPECTED_FAILURES = {
}

# Cases where `dane verify` prints another last line when the chain records come before the
# answer's; same rule as above.
DANE_ORDER_DEPENDENT = {
}

def ancestors(name):
    """name itself, then each parent up to and including the root."""
    labels = [l for l in name.rstrip(".").split(".") if l]
    out = [".".join(labels[i:]).lower() + "." for i in range(len(labels))]
    return out + ["."]


class Bed(BedBase):
    def __init__(self, env):
        super().__init__(env)
        self.apex_cache = {}

    def apex_soa(self, name):
        """The SOA RRset (with its RRSIGs) when name is a zone apex, else None."""
        if name not in self.apex_cache:
            r = dig(self.plain, name, "SOA", "+cd")
            records = [rec for rec in r.records("ANSWER") if fields(rec)[0].lower() == name]
            is_apex = any(fields(rec)[3] == "SOA" for rec in records)
            self.apex_cache[name] = records if is_apex else None
        return self.apex_cache[name]

    def chain_records(self, answer, qname):
        return self.chain_for_names(self.names_in(answer, qname))

    @staticmethod
    def names_in(answer, qname):
        """The DNSKEY RRset and the DS response of every apex above the names in the
        answer. An unsigned zone has no DNSKEY RRset to show the validator where it starts
        (it learns apexes from the owners of DNSKEY, DS, SOA and NS RRsets), so its SOA RRset
        goes in instead, as a resolver would know the cut from the referral."""
        names = {qname.lower()}
        for rec in answer.records("ANSWER", "AUTHORITY"):
            f = fields(rec)
            names.add(f[0].lower())
            if f[3] in ("CNAME", "DNAME"):
                names.add(f[4].lower())
            if f[3] == "RRSIG":
                names.add(f[11].lower())
        return names

    def chain_for_names(self, names):
        apexes = []
        for n in sorted(names):
            for a in ancestors(n):
                if a not in apexes and self.apex_soa(a) is not None:
                    apexes.append(a)
        out = []
        for apex in apexes:
            keys = dig(self.plain, apex, "DNSKEY", "+cd").records("ANSWER")
            out += keys if keys else self.apex_soa(apex)
            if apex != ".":
                out += dig(self.plain, apex, "DS", "+cd").records("ANSWER", "AUTHORITY")
        return out


def dane_verdict(dane, bed, scratch, qname, qtype, source_zone=None):
    if source_zone:
        records = axfr(bed, source_zone)
        chain = without_sets_in(bed.chain_for_names({qname.lower(), source_zone}), records)
    else:
        answer = dig(bed.plain, qname, qtype, "+cd")
        records = answer.records("ANSWER", "AUTHORITY")
        chain = bed.chain_records(answer, qname)
    answer_file = os.path.join(scratch, "answer.zone")
    chain_file = os.path.join(scratch, "chain.zone")
    with open(answer_file, "w") as f:
        f.write("\n".join(records) + "\n")
    with open(chain_file, "w") as f:
        f.write("\n".join(chain) + "\n")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S")
    verdicts = []
    # The same records in both orders: the verdict may not depend on it.
    for files in ([answer_file, chain_file], [chain_file, answer_file]):
        rc, out, err = run([dane, "verify", "--trust-anchor", bed.env["TESTBED_ANCHOR"],
                            "--time", now, "--query", qname, qtype, *files])
        last = out.strip().splitlines()[-1] if out.strip() else ""
        m = re.match(r"proves: (\S+) (secure|insecure|bogus|indeterminate)", last)
        if rc == 2 or not m:
            verdicts.append(("error", f"exit {rc}: {(err or out).strip()[:300]}"))
        else:
            verdicts.append((m.group(2), last))
    return verdicts


def tcp_fallback_checks(bed):
    """The big RRset really needs TCP: a UDP answer of at most 1232 octets is truncated,
    from the authoritative server and from the non-validating Unbound."""
    for who, server in (("authoritative", bed.env["TESTBED_SLD_SERVER"]),
                        ("Unbound", bed.plain)):
        r = dig(server, "big.alg8.danebed.", "TXT", "+cd", "+notcp", "+ignore",
                "+bufsize=1232")
        report(f"RRset too large for UDP: {who} truncates the UDP answer", "tc" in r.flags,
               f"flags {sorted(r.flags)}")
        r = dig(server, "big.alg8.danebed.", "TXT", "+cd", "+tcp")
        n = sum(1 for rec in r.records("ANSWER") if fields(rec)[3] == "TXT")
        report(f"RRset too large for UDP: {who} gives all 40 TXT records over TCP", n == 40,
               f"{n} TXT records")


def check_case(dane, bed, work, name, qname, qtype, designed, source_zone=None):
    validated = dig(bed.validating, qname, qtype)
    ub = unbound_verdict(validated)
    dv, delv_text = delv_verdict(bed, qname, qtype)
    (dn, dane_line), (dn_reversed, reversed_line) = dane_verdict(
        dane, bed, work, qname, qtype, source_zone)
    print(f"{name:44} {qname + ' ' + qtype:40} {ub:9} {dv:9} {dn} ({dane_line})")
    report(f"{name}: Unbound says {designed}", ub == designed, f"Unbound says {ub}")
    if name in DELV_DIFFERS:
        report(f"{name}: delv differs as known", dv != ub,
               f"delv now agrees with Unbound ({dv}): remove it from DELV_DIFFERS")
    else:
        report(f"{name}: delv agrees", dv == ub, f"delv says {dv}, Unbound {ub}: "
               + " / ".join(l for l in delv_text.splitlines() if l.startswith(";;"))[:200])
    agrees = dn == ub
    if name in DANE_EXPECTED_FAILURES:
        print(f"xfail {name}: known difference: {DANE_EXPECTED_FAILURES[name]}")
        report(f"{name}: dane disagrees as expected", not agrees,
               f"dane now agrees ({dn}): remove it from DANE_EXPECTED_FAILURES")
    else:
        report(f"{name}: dane agrees", agrees,
               f"dane says {dn}, Unbound {ub}: {dane_line}")
    if ub == "bogus" and dn == "bogus":
        m = re.search(r"\(EDE (\d+):", dane_line)
        dane_ede = int(m.group(1)) if m else None
        report(f"{name}: dane's EDE code is Unbound's ({validated.ede})",
               dane_ede == validated.ede, f"dane EDE {dane_ede}, Unbound EDE {validated.ede}")
    same = dane_line == reversed_line
    if name in DANE_ORDER_DEPENDENT:
        report(f"{name}: dane's verdict depends on the order, as expected", not same,
               "the order no longer matters: remove it from DANE_ORDER_DEPENDENT")
    else:
        report(f"{name}: dane says the same with the files in the other order", same,
               f"answer first: {dane_line}; chain first: {reversed_line}")


def dig_batch(server, queries):
    """One dig process for many (name, type) queries; the responses in order."""
    rc, out, err = run(["dig", f"@{server}", "+time=3", "+tries=2", "-f", "-"],
                       timeout=120, stdin="".join(f"+dnssec {n} {t}\n" for n, t in queries))
    if rc != 0:
        raise RuntimeError(f"dig -f @{server} failed: {err.strip()}")
    parts = out.split("; <<>> DiG")[1:]
    if len(parts) != len(queries):
        raise RuntimeError(f"dig -f gave {len(parts)} responses to {len(queries)} queries")
    return [Response(p) for p in parts]


def axfr(bed, zone):
    """The zone's records as its server sends them, each once (the SOA ends the transfer
    too)."""
    rc, out, err = run(["dig", f"@{bed.env['TESTBED_SLD_SERVER']}", zone, "AXFR", "+nocmd",
                        "+nostats", "+nocomments"])
    records = []
    for line in out.splitlines():
        if line.strip() and not line.startswith(";") and line not in records:
            records.append(line)
    if rc != 0 or not records:
        raise RuntimeError(f"AXFR of {zone} failed: {err.strip()}")
    return records


def without_sets_in(chain, records):
    """chain minus the RRsets (and their RRSIGs) that records already hold."""
    def key(r):
        f = fields(r)
        return (f[0].lower(), f[4] if f[3] == "RRSIG" else f[3])
    held = {key(r) for r in records}
    return [r for r in chain if key(r) not in held]


def zone_as_served(dane, bed, work, zone):
    """The whole zone by AXFR from its server: dane's verdict on each authoritative RRset
    (`dane verify` without --query) must be the validating Unbound's for that name and type."""
    records = axfr(bed, zone)
    owners_types = []
    cuts = {fields(r)[0].lower() for r in records
            if fields(r)[3] == "NS" and fields(r)[0].lower() != zone}
    for r in records:
        owner, rtype = fields(r)[0].lower(), fields(r)[3]
        below_cut = any(owner == c or owner.endswith("." + c) for c in cuts)
        if rtype in ("RRSIG", "NSEC", "NSEC3") or below_cut or (owner, rtype) in owners_types:
            continue
        owners_types.append((owner, rtype))
    zone_file = os.path.join(work, "zone.zone")
    chain_file = os.path.join(work, "zone-chain.zone")
    with open(zone_file, "w") as f:
        f.write("\n".join(records) + "\n")
    with open(chain_file, "w") as f:
        f.write("\n".join(without_sets_in(bed.chain_for_names({zone}), records)) + "\n")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S")
    rc, out, err = run([dane, "verify", "--trust-anchor", bed.env["TESTBED_ANCHOR"], "--time",
                        now, zone_file, chain_file])
    dane_says = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] in ("secure", "insecure", "bogus", "indeterminate"):
            dane_says[(f[1].lower(), f[2])] = f[0]
    unbound = dig_batch(bed.validating, owners_types)
    differences = []
    counts = {}
    for (owner, rtype), r in zip(owners_types, unbound):
        ub = unbound_verdict(r)
        dn = dane_says.get((owner, rtype), "missing")
        counts[ub] = counts.get(ub, 0) + 1
        if dn != ub:
            differences.append(f"{owner} {rtype}: dane {dn}, Unbound {ub}")
    summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    nsec3 = sum(1 for r in records if fields(r)[3] == "NSEC3")
    print(f"zone {zone} as served: {len(records)} records ({nsec3} NSEC3), "
          f"{len(owners_types)} RRsets checked: Unbound {summary}; dane differs on "
          f"{len(differences)}")
    return rc, owners_types, differences


def main(argv):
    args = argv[1:]
    results = take_option(args, "--results")
    config = take_option(args, "--config")
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    dane, root, scratch = (os.path.abspath(a) for a in args)
    bed_dir = os.path.join(scratch, "bed")
    work = os.path.join(scratch, "work")
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(work)

    t0 = time.monotonic()
    env = bring_up(root, bed_dir, checks)
    if env is None:
        if results:
            checks.append_results(root, results, config or "testbed")
        return 2
    try:
        bed = Bed(env)
        print(f"{'case':44} {'query':40} {'unbound':9} {'delv':9} dane")
        cases = [(*c, None) for c in CASES] + [(n, q, t, d, z) for n, z, q, t, d in ZONE_CASES]
        for name, qname, qtype, designed, source_zone in cases:
            try:
                check_case(dane, bed, work, name, qname, qtype, designed, source_zone)
            except Exception as e:  # a tool that failed or timed out fails this case only
                report(f"{name}: ran", False, f"{type(e).__name__}: {e}")
        try:
            tcp_fallback_checks(bed)
        except Exception as e:
            report("RRset too large for UDP: ran", False, f"{type(e).__name__}: {e}")
        for zone, what in ZONES_AS_SERVED:
            check = f"zone {zone} as served ({what}): dane's verdict on every RRset is Unbound's"
            try:
                rc, checked, differences = zone_as_served(dane, bed, work, zone)
                unbound_ok = len(checked) > 0
                if zone in DANE_ZONE_EXPECTED_FAILURES:
                    report(check + " (known to differ)", bool(differences),
                           "no difference now: remove it from DANE_ZONE_EXPECTED_FAILURES")
                else:
                    report(check, unbound_ok and not differences,
                           f"{len(differences)} of {len(checked)} differ: "
                           + "; ".join(differences[:4]))
            except Exception as e:
                report(check, False, f"{type(e).__name__}: {e}")
    except Exception as e:
        report("test bed checks ran", False, f"{type(e).__name__}: {e}")
    finally:
        bring_down(root, bed_dir, checks)
        print(f"bed up and tested in {time.monotonic() - t0:.1f} s")
        if results:
            checks.append_results(root, results, config or "testbed")
    print(checks.summary())
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
