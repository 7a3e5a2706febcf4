#!/usr/bin/env python3
"""Process wall time of one cold validating lookup: `dane lookup` against BIND's `delv` and
`unbound-host` (libunbound), over the loopback hierarchy of scripts/testbed/testbed.sh.

Every program starts with an empty cache and validates from the bed's trust anchor down,
asking the bed's non-validating Unbound, whose own cache is warm after the first round (the
same for all). The runs are interleaved (each round runs every program once, in an order
that rotates) so that a change in the machine's load falls on all of them alike. Each run
must give a secure answer, or the figure would time a failure. Prints per program the median,
minimum and maximum wall time in milliseconds, hyperfine-style, and the median CPU time (user
and system) of the process, which a loaded machine disturbs less.

usage: lookup_wall_time.py SOURCE_ROOT SCRATCH_DIR [--dane DANE_TOOL] [--asio RESOLVE_ASIO]
                           [--runs N] [--name NAME] [--type TYPE]
  --dane    the dane tool with `lookup` (left out when not given); also timed doing nothing
            (its usage message), to show what starting the process costs
  --asio    examples/resolve_asio, the same resolver on an event loop (optional)
  --runs    rounds (default 30); NAME TYPE default _25._tcp.mail.alg8.danebed. TLSA (a TLSA
            RRset three zones under the anchor)
Needs root and what the bed needs (scripts/install-deps.sh), plus unbound-host.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from testbed_common import Checks, bring_down, bring_up, take_option  # noqa: E402


def unbound_host_config(path, upstream):
    """libunbound forwarding everything to the bed's non-validating Unbound (unbound-host has
    no option naming a resolver but -r, which reads /etc/resolv.conf)."""
    with open(path, "w") as f:
        f.write("server:\n"
                "    do-not-query-localhost: no\n"
                "    username: \"\"\n"
                "    chroot: \"\"\n"
                "    do-ip6: no\n"
                "forward-zone:\n"
                "    name: \".\"\n"
                f"    forward-addr: {upstream}\n")


def cpu_seconds():
    """User and system CPU time of the children waited for so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def programs(env, opts, scratch, name, rtype):
    """(label, argv, is the outcome secure?) for each program to time."""
    anchor, plain = env["TESTBED_ANCHOR"], env["TESTBED_NONVALIDATING"]
    config = os.path.join(scratch, "unbound-host.conf")
    unbound_host_config(config, plain)
    out = []
    if opts["dane"]:
        out.append(("dane lookup", [opts["dane"], "lookup", "--resolver", plain,
                                    "--trust-anchor", anchor, name, rtype],
                    lambda rc, text: rc == 0))
        # The same program doing nothing (usage message): what process start and dynamic
        # linking (Botan's shared library) cost, apart from the lookup.
        out.append(("dane, no work", [opts["dane"]], lambda rc, text: rc == 2))
    if opts["asio"]:
        out.append(("resolve_asio", [opts["asio"], "--resolver", plain, "--trust-anchor",
                                     anchor, name, rtype], lambda rc, text: rc == 0))
    out.append(("delv", ["delv", "-a", env["TESTBED_DELV_ANCHOR"], f"@{plain}", "+nortrace",
                         name, rtype], lambda rc, text: "fully validated" in text))
    out.append(("unbound-host", ["unbound-host", "-C", config, "-f", anchor, "-v", "-t", rtype,
                                 name], lambda rc, text: "(secure)" in text))
    return out


def main(argv):
    args = argv[1:]
    opts = {"dane": take_option(args, "--dane"), "asio": take_option(args, "--asio")}
    runs = int(take_option(args, "--runs") or 30)
    name = take_option(args, "--name") or "_25._tcp.mail.alg8.danebed."
    rtype = take_option(args, "--type") or "TLSA"
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root, scratch = (os.path.abspath(a) for a in args)
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    bed_dir = os.path.join(scratch, "bed")
    checks = Checks("lookup_wall_time")
    env = bring_up(root, bed_dir, checks)
    if env is None:
        return 2
    times = {}
    cpu_times = {}
    failed = {}
    try:
        progs = programs(env, opts, scratch, name, rtype)
        for label, argv_, secure in progs:  # a first round warms the upstream's cache
            p = subprocess.run(argv_, capture_output=True, text=True, timeout=30)
            if not secure(p.returncode, p.stdout + p.stderr):
                print(f"{label} does not say secure: {p.stdout + p.stderr}", file=sys.stderr)
                return 1
        for i in range(runs):
            for label, argv_, secure in progs[i % len(progs):] + progs[:i % len(progs)]:
                cpu0 = cpu_seconds()
                t0 = time.perf_counter()
                p = subprocess.run(argv_, capture_output=True, text=True, timeout=30)
                seconds = time.perf_counter() - t0
                cpu = cpu_seconds() - cpu0
                if secure(p.returncode, p.stdout + p.stderr):
                    times.setdefault(label, []).append(seconds * 1000)
                    cpu_times.setdefault(label, []).append(cpu * 1000)
                else:
                    failed[label] = failed.get(label, 0) + 1
    finally:
        bring_down(root, bed_dir, checks)
    load = os.getloadavg()[0]
    print(f"cold lookup of {name} {rtype}, {runs} interleaved runs each, process wall time "
          f"(load average {load:.1f} on {os.cpu_count()} CPUs):")
    for label, _, _ in progs:
        t = times.get(label, [])
        if not t:
            print(f"  {label:14} no secure run")
            continue
        print(f"  {label:14} median {statistics.median(t):7.1f} ms   min {min(t):7.1f}   "
              f"max {max(t):7.1f}   CPU median {statistics.median(cpu_times[label]):6.1f} ms"
              f"   ({len(t)} runs" +
              (f", {failed[label]} not secure" if label in failed else "") + ")")
    return 1 if failed or checks.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
