#!/usr/bin/env python3
"""examples/resolve_blocking against the test bed (scripts/testbed/testbed.sh): the program
reads /etc/resolv.conf, so each run gets a private mount namespace (unshare -m, as root) in
which a resolv.conf naming the test bed's non-validating Unbound is bind-mounted over it.

usage: resolve_blocking_testbed.py RESOLVE_BLOCKING   (DANE_TESTBED_ENV names the bed's env
file; without it, or without unshare, the test exits 77: skipped, not passed)
"""
import os
import shutil
import subprocess
import sys
import tempfile

program = sys.argv[1]
env_file = os.environ.get('DANE_TESTBED_ENV')
if not env_file or not shutil.which('unshare') or os.geteuid() != 0:
    print('skipped: needs DANE_TESTBED_ENV, unshare and root')
    sys.exit(77)
bed = {}
with open(env_file) as f:
    for line in f:
        if '=' in line and not line.startswith('#'):
            k, v = line.rstrip('\n').split('=', 1)
            bed[k] = v.strip('"')

failures = 0
with tempfile.TemporaryDirectory() as tmp:
    conf = os.path.join(tmp, 'resolv.conf')
    with open(conf, 'w') as f:
        f.write(f"# the test bed\nnameserver {bed['TESTBED_NONVALIDATING']}\n")
    for name, want_rc, want_verdict, want_tlsa in [
            ('_25._tcp.mail.alg13.danebed.', 0, 'verdict: secure', True),
            ('_25._tcp.mail.alg15.danebed.', 0, 'verdict: secure', True),
            ('_25._tcp.mail.insecure.danebed.', 1, 'verdict: insecure', True),
            ('_25._tcp.mail.expired.danebed.', 1, 'verdict: bogus', False)]:
        p = subprocess.run(['unshare', '-m', 'sh', '-c',
                            'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"', 'sh',
                            conf, program, '--trust-anchor', bed['TESTBED_ANCHOR'], name],
                           capture_output=True, text=True, timeout=60)
        lines = p.stdout.splitlines()
        got = (p.returncode, lines[-1].startswith(want_verdict) if lines else False,
               any('\tTLSA\t' in l for l in lines[:-1]))
        want = (want_rc, True, want_tlsa)
        ok = got == want
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {p.returncode}, "
              f"{lines[-1] if lines else p.stderr.strip()}")
sys.exit(1 if failures else 0)
