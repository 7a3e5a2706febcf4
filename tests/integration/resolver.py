#!/usr/bin/env python3
"""The validating stub resolver end to end against real servers: brings up the loopback
hierarchy of scripts/testbed/testbed.sh and runs each case of testbed_common.CASES through
the resolver, asking each of the bed's two Unbounds in turn as its upstream:

  asio     examples/resolve_asio (the library driven by an Asio event loop)
  lookup   `dane lookup --json` (blocking transports), when --lookup names the dane tool;
           its --chain-out file must then give the same verdict offline (dane verify-chain)

Each verdict must be the validating Unbound's own (asked without CD: AD set -> secure,
SERVFAIL -> bogus, otherwise insecure), whichever Unbound the resolver asked: it sets CD and
never trusts the AD bit, so the validating upstream's opinion may not leak into its verdict.
delv with the bed's anchor is asked too; both are printed. Further checks: the exit code
goes with the verdict (0 secure, 1 insecure, 3 bogus or indeterminate); when Unbound and the
resolver say bogus, the RFC 8914 code is Unbound's; the answer too large for UDP is fetched
again over TCP (stats: tcp_fallbacks); all cases at once in one resolve_asio process (one
shared stub_resolver and cache, lookups interleaved on one io_context) give the verdicts of
the single runs; an upstream that reads queries and never answers (a UDP socket of this
script on loopback) gives `indeterminate` after the resolver's deadlines, not before; one
that truncates every UDP answer while its TCP port refuses gives `indeterminate` too, and so
does a port where nothing listens, at once (ICMP port unreachable).

usage: resolver.py RESOLVE_ASIO SOURCE_ROOT SCRATCH_DIR [--lookup DANE_TOOL]
                   [--results FILE --config NAME]
  SCRATCH_DIR   where the bed is made; removed first
  --results     appends one row per check to FILE (scripts/tally-results.py's format)
Needs what testbed.py needs (root, knot, unbound, bind9-utils, ldnsutils). Exits 1 if any
check failed, 2 if the bed did not come up.
"""
import json
import os
import re
import shutil
import socket
import sys
import threading
import time

from testbed_common import (CASES, DELV_DIFFERS, TCP_CASE, Bed, Checks, bring_down, bring_up,
                            delv_verdict, dig, run, take_option, unbound_verdict)

checks = Checks("resolver")
report = checks.report

EXIT_FOR = {"secure": 0, "insecure": 1, "bogus": 3, "indeterminate": 3}

# Cases where the resolver is known to disagree with Unbound, with the difference seen. Each
# must still disagree; one that starts agreeing fails until it is taken off the list.
RESOLVER_EXPECTED_FAILURES = {
}

# resolution_limits' defaults (include/dane/resolver/limits.hpp): one attempt waits
# query_timeout, the whole resolution at most resolution_timeout.
QUERY_TIMEOUT = 1.5
RESOLUTION_TIMEOUT = 10.0


class Outcome:
    def __init__(self, verdict, ede=None, tcp_fallbacks=None, exit_code=None, text="",
                 chain_top=None):
        self.verdict = verdict
        self.chain_top = chain_top  # the first zone of the chain: (name, is a trust anchor)
        self.ede = ede
        self.tcp_fallbacks = tcp_fallbacks
        self.exit_code = exit_code
        self.text = text


VERDICT_LINE = re.compile(r"verdict: (secure|insecure|bogus|indeterminate)"
                          r"(?: \(EDE (\d+): .*\))?$")


def asio_blocks(out):
    """resolve_asio's output: per lookup a `;; NAME TYPE` line, the answer, `verdict: ...`,
    `chain:` and its zones, `stats: ...`. {(name, type): Outcome} (name in lower case)."""
    blocks = {}
    key = None
    for line in out.splitlines():
        if line.startswith(";; "):
            name, rtype = line[3:].split()
            key = (name.lower(), rtype)
            blocks[key] = Outcome("unparsed")
        elif key is None:
            continue
        blocks[key].text += line + "\n"
        m = VERDICT_LINE.match(line)
        if m:
            blocks[key].verdict = m.group(1)
            blocks[key].ede = int(m.group(2)) if m.group(2) else None
        m = re.match(r"  (\S+) (?:secure|insecure|bogus|indeterminate)( anchor)?", line)
        if m and blocks[key].chain_top is None:
            blocks[key].chain_top = (m.group(1).lower(), bool(m.group(2)))
        m = re.match(r"stats: .*tcp_fallbacks=(\d+)", line)
        if m:
            blocks[key].tcp_fallbacks = int(m.group(1))
    return blocks


def resolve_asio(binary, anchor, upstream, questions, timeout=60):
    rc, out, err = run([binary, "--resolver", upstream, "--trust-anchor", anchor,
                        *[x for q in questions for x in q]], timeout=timeout)
    blocks = asio_blocks(out)
    for o in blocks.values():
        o.exit_code = rc
    if not blocks:
        return {}, Outcome("error", exit_code=rc, text=f"exit {rc}: {(err or out)[:300]}")
    return blocks, None


def ask_asio(binary, anchor, upstream, qname, qtype):
    blocks, error = resolve_asio(binary, anchor, upstream, [(qname, qtype)])
    return error or blocks.get((qname.lower(), qtype), Outcome("missing", text=str(blocks)))


def ask_lookup(dane, anchor, upstream, qname, qtype):
    rc, out, err = run([dane, "lookup", "--resolver", upstream, "--trust-anchor", anchor,
                        "--json", qname, qtype], timeout=60)
    try:
        doc = json.loads(out)
    except ValueError:
        return Outcome("error", exit_code=rc, text=f"exit {rc}: {(err or out)[:300]}")
    reason = doc.get("reason") or {}
    chain = doc.get("chain") or [{}]
    return Outcome(doc.get("verdict", "missing"), reason.get("ede"),
                   (doc.get("stats") or {}).get("tcp_fallbacks"), rc, out,
                   (str(chain[0].get("zone", "")).lower(), chain[0].get("trust_anchor") is True))


def runners(args):
    out = [("asio", lambda a, u, n, t: ask_asio(args["asio"], a, u, n, t))]
    if args["lookup"]:
        out.append(("lookup", lambda a, u, n, t: ask_lookup(args["lookup"], a, u, n, t)))
    return out


def check_case(args, bed, name, qname, qtype, designed):
    anchor = bed.env["TESTBED_ANCHOR"]
    validated = dig(bed.validating, qname, qtype)
    ub = unbound_verdict(validated)
    dv, delv_text = delv_verdict(bed, qname, qtype)
    report(f"{name}: Unbound says {designed}", ub == designed, f"Unbound says {ub}")
    if name in DELV_DIFFERS:
        report(f"{name}: delv differs as known", dv != ub,
               f"delv now agrees with Unbound ({dv}): remove it from DELV_DIFFERS")
    else:
        report(f"{name}: delv agrees", dv == ub, f"delv says {dv}, Unbound {ub}")
    shown = []
    single = {}
    for runner, ask in runners(args):
        for label, upstream in (("validating", bed.validating), ("plain", bed.plain)):
            o = ask(anchor, upstream, qname, qtype)
            single[(runner, label)] = o
            shown.append(f"{runner}/{label}={o.verdict}")
            what = f"{name}: {runner} via the {label} Unbound"
            agrees = o.verdict == ub
            if name in RESOLVER_EXPECTED_FAILURES:
                report(f"{what} disagrees as expected", not agrees,
                       f"now agrees ({o.verdict}): remove it from RESOLVER_EXPECTED_FAILURES")
            else:
                report(f"{what} agrees with Unbound", agrees,
                       f"says {o.verdict}, Unbound {ub}: {o.text.strip()[:300]}")
            report(f"{what}: exit code goes with the verdict",
                   o.exit_code == EXIT_FOR.get(o.verdict), f"exit {o.exit_code}, {o.verdict}")
            if ub == "bogus" and o.verdict == "bogus":
                report(f"{what}: EDE code is Unbound's ({validated.ede})", o.ede == validated.ede,
                       f"EDE {o.ede}, Unbound EDE {validated.ede}")
            if o.verdict == "secure":
                report(f"{what}: the chain starts at the trust anchor", o.chain_top == (".", True),
                       f"chain starts with {o.chain_top}")
            if name == TCP_CASE:
                report(f"{what}: asked again over TCP", (o.tcp_fallbacks or 0) >= 1,
                       f"tcp_fallbacks {o.tcp_fallbacks}")
    if args["lookup"]:
        shown.append(f"chain-out={check_chain_out(args, bed, name, qname, qtype)}")
    print(f"   {name:42} {qname + ' ' + qtype:38} unbound={ub} delv={dv} " + " ".join(shown))
    return single


def check_chain_out(args, bed, name, qname, qtype):
    """`dane lookup --chain-out` through the plain Unbound, then `dane verify-chain` on that
    file offline: the RFC 9102 chain must prove what the lookup said, with the same zones."""
    anchor = bed.env["TESTBED_ANCHOR"]
    chain_file = os.path.join(args["scratch"], "chain.bin")
    if os.path.exists(chain_file):
        os.remove(chain_file)
    rc, online, err = run([args["lookup"], "lookup", "--resolver", bed.plain, "--trust-anchor",
                           anchor, "--chain-out", chain_file, "--json", qname, qtype])
    rc2, offline, err2 = run([args["lookup"], "verify-chain", "--trust-anchor", anchor, "--json",
                              chain_file, qname, qtype])
    try:
        a, b = json.loads(online), json.loads(offline)
    except ValueError:
        report(f"{name}: dane verify-chain on dane lookup's --chain-out ran", False,
               f"lookup exit {rc}: {err.strip()[:150]}; verify-chain exit {rc2}: "
               f"{err2.strip()[:150]}")
        return "error"
    report(f"{name}: dane verify-chain on dane lookup's --chain-out gives its verdict",
           a.get("verdict") == b.get("verdict") and rc == rc2,
           f"lookup {a.get('verdict')} (exit {rc}), verify-chain {b.get('verdict')} (exit {rc2}): "
           f"{b.get('reason')}")
    if a.get("verdict") == "secure":
        zones = [z.get("zone") for z in a.get("chain", [])]
        report(f"{name}: dane verify-chain shows the lookup's chain of zones",
               zones == [z.get("zone") for z in b.get("chain", [])],
               f"lookup {zones}, verify-chain {[z.get('zone') for z in b.get('chain', [])]}")
    return b.get("verdict")


def check_concurrent(args, bed, singles):
    """All cases in one resolve_asio process through the plain Unbound: each verdict must be
    the one its lookup got alone."""
    questions = [(qname, qtype) for _, qname, qtype, _ in CASES]
    t0 = time.monotonic()
    blocks, error = resolve_asio(args["asio"], bed.env["TESTBED_ANCHOR"], bed.plain, questions)
    seconds = time.monotonic() - t0
    if error:
        report("concurrent lookups: ran", False, error.text)
        return
    differ = []
    cut = []
    for name, qname, qtype, _ in CASES:
        together = blocks.get((qname.lower(), qtype), Outcome("missing"))
        got = together.verdict
        alone = singles.get(name)
        if alone is None or got != alone.verdict:
            differ.append(f"{name}: {got} together, {alone.verdict if alone else '?'} alone")
        # With zones another lookup put in the shared cache, a secure answer's chain (and its
        # RFC 9102 records) must still reach up to the anchor.
        if got == "secure" and together.chain_top != (".", True):
            cut.append(f"{name}: chain starts with {together.chain_top}")
    print(f"   {len(questions)} lookups at once in one resolve_asio: {seconds:.2f} s")
    report(f"concurrent lookups: the {len(questions)} cases at once, one shared resolver, give "
           "the verdicts of the single runs", not differ, "; ".join(differ[:4]))
    report("concurrent lookups: each secure answer's chain starts at the trust anchor, zones "
           "from the shared cache included", not cut, f"{len(cut)} do not: " + "; ".join(cut[:4]))
    worst = max(EXIT_FOR.get(o.verdict, 3) for o in blocks.values())
    code = next(iter(blocks.values())).exit_code
    report("concurrent lookups: exit code is the worst lookup's", code == worst,
           f"exit {code}, worst {worst}")


class SilentUpstream:
    """A UDP socket on loopback that reads every datagram and answers none; with truncate, it
    answers each with its header and question, TC set (RFC 1035 §4.1.1), while nothing
    listens on that TCP port, so the TCP repeat is refused."""

    def __init__(self, truncate=False):
        self.truncate = truncate
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.received = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self):
        while not self.stop.is_set():
            try:
                query, peer = self.sock.recvfrom(65535)
                self.received += 1
            except socket.timeout:
                continue
            if self.truncate and len(query) >= 12:
                flags = int.from_bytes(query[2:4], "big") | 0x8000 | 0x0200  # QR, TC
                end = query.find(b"\0", 12) + 5  # the question: QNAME, QTYPE, QCLASS
                self.sock.sendto(query[:2] + flags.to_bytes(2, "big") + b"\0\1" + b"\0" * 6
                                 + query[12:end], peer)

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


def check_silent_upstream(args, bed):
    silent = SilentUpstream()
    try:
        host, port = silent.address.split(":")
        rc, out, _ = run(["dig", f"@{host}", "-p", port, "+time=1", "+tries=1",
                          "www.alg8.danebed.", "A"])
        print(f"   silent upstream {silent.address}: dig exit {rc} "
              f"({'no answer' if rc == 9 else out.strip()[:80]})")
        for runner, ask in runners(args):
            before = silent.received
            t0 = time.monotonic()
            o = ask(bed.env["TESTBED_ANCHOR"], silent.address, "www.alg8.danebed.", "A")
            seconds = time.monotonic() - t0
            sent = silent.received - before
            print(f"   silent upstream: {runner} says {o.verdict} after {seconds:.1f} s, "
                  f"{sent} queries read")
            what = f"upstream that never answers: {runner}"
            report(f"{what} says indeterminate", o.verdict == "indeterminate",
                   f"says {o.verdict}: {o.text.strip()[:200]}")
            report(f"{what} exits 3", o.exit_code == 3, f"exit {o.exit_code}")
            report(f"{what} sent its queries", sent >= 1, f"{sent} queries read")
            # Not before one attempt's deadline, and not much after the resolution's.
            report(f"{what} gives up after its deadline ({QUERY_TIMEOUT} s to "
                   f"{RESOLUTION_TIMEOUT} s)",
                   QUERY_TIMEOUT <= seconds <= RESOLUTION_TIMEOUT + 3, f"{seconds:.1f} s")
    finally:
        silent.close()


def check_closed_port(args, bed):
    """An upstream address where nothing listens: the kernel answers with ICMP port
    unreachable, and the resolver gives `indeterminate` without waiting for its deadlines."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    address = f"127.0.0.1:{probe.getsockname()[1]}"
    probe.close()  # the port is free again: nothing listens on it
    for runner, ask in runners(args):
        t0 = time.monotonic()
        o = ask(bed.env["TESTBED_ANCHOR"], address, "www.alg8.danebed.", "A")
        seconds = time.monotonic() - t0
        print(f"   closed port {address}: {runner} says {o.verdict} after {seconds:.1f} s")
        what = f"upstream port closed: {runner}"
        report(f"{what} says indeterminate", o.verdict == "indeterminate",
               f"says {o.verdict}: {o.text.strip()[:200]}")
        report(f"{what} exits 3", o.exit_code == 3, f"exit {o.exit_code}")
        report(f"{what} gives up on the refusal, before one query's deadline "
               f"({QUERY_TIMEOUT} s)", seconds < QUERY_TIMEOUT, f"{seconds:.1f} s")


def check_refused_tcp(args, bed):
    """Every UDP answer truncated and TCP refused: the resolver reports the failure to fetch
    as indeterminate (resolve_asio through transport_failed), soon, and does not hang."""
    upstream = SilentUpstream(truncate=True)
    try:
        for runner, ask in runners(args):
            t0 = time.monotonic()
            o = ask(bed.env["TESTBED_ANCHOR"], upstream.address, "www.alg8.danebed.", "A")
            seconds = time.monotonic() - t0
            print(f"   truncating upstream, TCP refused: {runner} says {o.verdict} after "
                  f"{seconds:.1f} s")
            what = f"truncated answers and TCP refused: {runner}"
            report(f"{what} says indeterminate", o.verdict == "indeterminate",
                   f"says {o.verdict}: {o.text.strip()[:200]}")
            report(f"{what} exits 3", o.exit_code == 3, f"exit {o.exit_code}")
            report(f"{what} tried TCP", (o.tcp_fallbacks or 0) >= 1,
                   f"tcp_fallbacks {o.tcp_fallbacks}")
            report(f"{what} gives up within {RESOLUTION_TIMEOUT} s",
                   seconds <= RESOLUTION_TIMEOUT + 3, f"{seconds:.1f} s")
    finally:
        upstream.close()


def main(argv):
    args = argv[1:]
    results = take_option(args, "--results")
    config = take_option(args, "--config")
    lookup = take_option(args, "--lookup")
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    asio, root, scratch = (os.path.abspath(a) for a in args)
    opts = {"asio": asio, "lookup": os.path.abspath(lookup) if lookup else None,
            "scratch": scratch}
    bed_dir = os.path.join(scratch, "bed")
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)

    t0 = time.monotonic()
    env = bring_up(root, bed_dir, checks)
    if env is None:
        if results:
            checks.append_results(root, results, config or "testbed")
        return 2
    try:
        bed = Bed(env)
        singles = {}
        for name, qname, qtype, designed in CASES:
            try:
                single = check_case(opts, bed, name, qname, qtype, designed)
                singles[name] = single[("asio", "plain")]
            except Exception as e:  # a tool that failed or timed out fails this case only
                report(f"{name}: ran", False, f"{type(e).__name__}: {e}")
        for what, check, extra in (("concurrent lookups", check_concurrent, (singles,)),
                                   ("upstream that never answers", check_silent_upstream, ()),
                                   ("truncated answers and TCP refused", check_refused_tcp,
                                    ()),
                                   ("upstream port closed", check_closed_port, ())):
            try:
                check(opts, bed, *extra)
            except Exception as e:
                report(f"{what}: ran", False, f"{type(e).__name__}: {e}")
    except Exception as e:
        report("resolver checks ran", False, f"{type(e).__name__}: {e}")
    finally:
        bring_down(root, bed_dir, checks)
        print(f"bed up and tested in {time.monotonic() - t0:.1f} s")
        if results:
            checks.append_results(root, results, config or "testbed")
    print(checks.summary())
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
