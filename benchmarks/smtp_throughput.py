#!/usr/bin/env python3
"""SMTP delivery to Postfix on the loopback test bed (scripts/testbed/testbed.sh and mta.sh):

  a. messages per second to the DANE-EE case's server (ee.smtp.danebed.), in one run,
     interleaved (each round runs every client once, in an order that rotates), N messages
     each, median over the rounds:
       dane        bench_smtp throughput dane: one connection, STARTTLS, the certificate
                   checked against the TLSA records (authenticated TLS required), N messages
       plain       bench_smtp throughput plain: the same client and connection, opportunistic
                   STARTTLS (no TLSA, no certificate check)
       swaks       `swaks --tls` N times: swaks sends one message per connection, so each
                   message pays for a process, a connection and a TLS handshake
       smtp-source Postfix's smtp-source -d -m N: N messages over one connection, in
                   CLEARTEXT (smtp-source has no STARTTLS): what the server takes without TLS
     The figure covers connect to the end of QUIT (no DNS: the lookups are made before);
     swaks's includes its process starts. swaks takes some 30 s a run, so it runs in only
     SWAKS_ROUNDS of the rounds, spread over them.
  b. time to the first body octet of DATA including DNS validation (bench_smtp first-byte):
     lookups, connect, EHLO, STARTTLS, DANE check, MAIL, RCPT, DATA; warm and cold resolver
     cache, alternating, median over RUNS runs.

Every message must arrive: the server's mbox is counted at the end.

usage: smtp_throughput.py SOURCE_ROOT BENCH_SMTP [--bed DIR] [--scratch DIR] [--rounds R]
                          [--swaks-rounds SWAKS_ROUNDS] [--messages N] [--first-byte-runs RUNS]
  --bed      a bed already up with its MTAs (testbed.sh up DIR; mta.sh up DIR); otherwise one
             is brought up in SCRATCH/bed (DANE_TESTBED_NET applies) and down at the end
  --scratch  default /tmp/smtp_throughput; --rounds default 15, --swaks-rounds 2,
             --messages 200, --first-byte-runs 30
Needs root, swaks and postfix (scripts/install-deps.sh). Never part of CI: a benchmark is not
a timed test.
"""
import os
import shlex
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from testbed_common import Checks, bring_down, bring_up, load_env, take_option  # noqa: E402

CASE = "ee"
SENDER = "bench@client.example"


def mbox_count(path):
    """Messages in an mbox file (each begins with a `From ` line)."""
    try:
        with open(path, "rb") as f:
            return sum(1 for line in f if line.startswith(b"From "))
    except FileNotFoundError:
        return 0


def case_row(bed_dir, name):
    with open(os.path.join(bed_dir, "mail", "cases.tsv")) as f:
        header = None
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#"):
                header = [h.strip("# ") for h in fields]
            elif header and fields[0] == name:
                return dict(zip(header, fields))
    raise SystemExit(f"no case {name} in {bed_dir}/mail/cases.tsv")


def timed(argv, ok):
    """Wall seconds of one run of argv, and its stdout; exits when `ok` rejects the outcome."""
    t0 = time.perf_counter()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    seconds = time.perf_counter() - t0
    if not ok(p):
        raise SystemExit(f"failed: {shlex.join(argv)}\n{p.stdout}{p.stderr}")
    return seconds, p.stdout


def clients(bench, env, row, n):
    """label -> (command shown, function timing one run in seconds)."""
    resolver = ["--resolver", env["TESTBED_NONVALIDATING"], "--trust-anchor",
                env["TESTBED_ANCHOR"]]
    domain = row["domain"].rstrip(".")
    rcpt = f"bench@{domain}"
    out = {}
    for mode in ("dane", "plain"):
        argv = [bench] + resolver + ["throughput", mode, domain, str(n)]
        # bench_smtp's own clock: connect to the end of QUIT, without its process start.
        out[mode] = (shlex.join(argv), lambda argv=argv: float(
            timed(argv, lambda p: p.returncode == 0)[1].split("ms=")[1].split()[0]) / 1000)
    swaks = ["swaks", "--server", row["address"], "--tls", "--from", SENDER, "--to", rcpt,
             "--helo", "localhost", "--timeout", "15", "--header", "Subject: bench swaks",
             "--body", "A message of one line, sent by swaks."]

    def run_swaks():
        return sum(timed(swaks, lambda p: p.returncode == 0)[0] for _ in range(n))

    out["swaks"] = (f"{n} x {shlex.join(swaks)}", run_swaks)
    source = ["smtp-source", "-d", "-m", str(n), "-f", SENDER, "-t", rcpt, "-M", "localhost",
              "-S", "bench smtp-source", f"{row['address']}:25"]
    out["smtp-source"] = (shlex.join(source) + "   (cleartext)",
                          lambda: timed(source, lambda p: p.returncode == 0)[0])
    return out


def main(argv):
    args = argv[1:]
    bed_given = take_option(args, "--bed")
    scratch = os.path.abspath(take_option(args, "--scratch") or "/tmp/smtp_throughput")
    rounds = int(take_option(args, "--rounds") or 15)
    swaks_rounds = min(rounds, int(take_option(args, "--swaks-rounds") or 2))
    n = int(take_option(args, "--messages") or 200)
    fb_runs = int(take_option(args, "--first-byte-runs") or 30)
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root, bench = (os.path.abspath(a) for a in args)
    checks = Checks("smtp_throughput")
    mta = os.path.join(root, "scripts", "testbed", "mta.sh")
    if bed_given:
        bed_dir = os.path.abspath(bed_given)
        env = load_env(os.path.join(bed_dir, "env"))
    else:
        os.makedirs(scratch, exist_ok=True)
        bed_dir = os.path.join(scratch, "bed")
        env = bring_up(root, bed_dir, checks)
        if env is None:
            return 2
        if subprocess.run([mta, "up", bed_dir]).returncode != 0:
            bring_down(root, bed_dir, checks)
            return 2
    started = time.monotonic()
    try:
        row = case_row(bed_dir, CASE)
        mbox = os.path.join(bed_dir, "mta", CASE, "mail", "mbox")
        before = mbox_count(mbox)
        progs = list(clients(bench, env, row, n).items())
        seconds = {label: [] for label, _ in progs}
        swaks_in = {round(k * rounds / swaks_rounds) for k in range(swaks_rounds)}
        for i in range(rounds):
            for label, (_, run) in progs[i % len(progs):] + progs[:i % len(progs)]:
                if label != "swaks" or i in swaks_in:
                    seconds[label].append(run())
        fb_argv = [bench, "--resolver", env["TESTBED_NONVALIDATING"], "--trust-anchor",
                   env["TESTBED_ANCHOR"], "first-byte", row["domain"].rstrip("."), str(fb_runs)]
        _, fb_out = timed(fb_argv, lambda p: p.returncode == 0)
        total = sum(len(s) for s in seconds.values()) * n + 2 * fb_runs + 1
        expected = before + total
        deadline = time.monotonic() + 30  # the server's local delivery runs after its 250
        while mbox_count(mbox) < expected and time.monotonic() < deadline:
            time.sleep(0.2)
        arrived = mbox_count(mbox) - before
    finally:
        if not bed_given:
            subprocess.run([mta, "down", bed_dir])
            bring_down(root, bed_dir, checks)
    load = os.getloadavg()[0]
    print(f"\nmessages per second to {row['domain']} ({row['address']}), {n} messages per run, "
          f"{rounds} interleaved rounds, swaks in {swaks_rounds} (load average {load:.1f} on {os.cpu_count()} CPUs):")
    rate = {}
    for label, (command, _) in progs:
        r = [n / s for s in seconds[label]]
        rate[label] = statistics.median(r)
        print(f"  {label:12} median {rate[label]:7.1f} msg/s   min {min(r):7.1f}   "
              f"max {max(r):7.1f}   ({len(r)} runs)")
    print("  ratios: " + "  ".join(f"dane/{label}={rate['dane'] / rate[label]:.2f}"
                                   for label, _ in progs if label != "dane"))
    print("  (swaks: one connection and one TLS handshake per message; smtp-source: one "
          "connection, no TLS)")
    print("commands:")
    for label, (command, _) in progs:
        print(f"  {label:12} {command}")
    print(f"\ntime to the first body octet of DATA, DNS validation included "
          f"({shlex.join(fb_argv)}):")
    print("  " + fb_out.strip().replace("\n", "\n  "))
    checks.report(f"all {total} messages in the mailbox", arrived == total,
                  f"{arrived} arrived")
    print(f"run took {time.monotonic() - started:.0f} s (without bringing the bed up)")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
