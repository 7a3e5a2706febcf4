#!/usr/bin/env python3
"""`dane tlsa verify -v` as users run it, on the openssl-made fixtures of tests/data/x509/:
the true validity dates of certificates to 9999 (issue 8), and the path that matched.

usage: cli.py DANE_BINARY SOURCE_ROOT
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from cli_check import cli_check  # noqa: E402

dane, root = sys.argv[1], sys.argv[2]
data = os.path.join(root, 'tests', 'data', 'x509')
cli = cli_check(dane)
run, check = cli.run, cli.check


def pem(name):
    with open(os.path.join(data, name + '.pem')) as f:
        return f.read()


def verify(tmp, chain, ta_cert, usage, selector, mtype, extra=()):
    chain_file = os.path.join(tmp, 'chain.pem')
    with open(chain_file, 'w') as f:
        f.write(''.join(pem(c) for c in chain))
    rc, out, err = run('tlsa', 'generate', '--cert', os.path.join(data, ta_cert + '.pem'),
                       '--usage', usage, '--selector', selector, '--mtype', mtype,
                       '--host', 'mx.example.net')
    check(f'generate {ta_cert} exit', rc, 0)
    tlsa_file = os.path.join(tmp, 'tlsa.txt')
    with open(tlsa_file, 'w') as f:
        f.write(out)
    return run('tlsa', 'verify', '--chain', chain_file, '--tlsa', tlsa_file, '--name',
               'mx.example.net', '--time', '20250101000000', '--profile', 'generic', '-v',
               *extra)


with tempfile.TemporaryDirectory() as tmp:
    # Dates from 2262 to 9999 print as the certificates give them.
    for year in ('2049', '2050', '2262', '3015', '9999'):
        t = 'y' + year
        rc, out, _ = verify(tmp, [t + '-leaf', t + '-inter', t + '-root'], t + '-root',
                            '2', '0', '1')
        check(f'{year}: exit', rc, 0)
        lines = out.splitlines()
        check(f'{year}: verdict', lines[0] if lines else '',
              'pass: DANE-TA(2) Cert(0) SHA2-256(1) matched at depth 2 on path 1, '
              'name mx.example.net')
        valid = [l.strip() for l in lines if l.strip().startswith('valid ')]
        want = f'valid 2020-01-01T00:00:00Z to {year}-12-31T23:59:59Z'
        # Three in the chain as sent, three on the path that matched.
        check(f'{year}: dates', valid, [want] * 6)

    # The self-signed leaf valid to 9999, DANE-EE 3 1 1.
    rc, out, _ = verify(tmp, ['self-9999'], 'self-9999', '3', '1', '1')
    check('self-signed 9999: exit', rc, 0)
    check('self-signed 9999: verdict', out.splitlines()[0],
          'pass: DANE-EE(3) SPKI(1) SHA2-256(1) matched at depth 0')

    # Cross-signed: the copy under root B comes first; the record names root A.
    rc, out, _ = verify(tmp, ['x-leaf', 'x-inter-b', 'x-root-b', 'x-inter-a', 'x-root-a'],
                        'x-root-a', '2', '0', '1')
    check('cross-signed: exit', rc, 0)
    check('cross-signed: verdict', out.splitlines()[0],
          'pass: DANE-TA(2) Cert(0) SHA2-256(1) matched at depth 2 on path 1, '
          'name mx.example.net')
    path_lines = [l for l in out.splitlines() if l.startswith('path ')]
    check('cross-signed: path line', len(path_lines), 1)
    check('cross-signed: path issuer', 'X Root A' in out.split('path ', 1)[-1], True)

    # Not yet valid: a leaf valid from 2030 under the chain to 3015.
    rc, out, _ = verify(tmp, ['future-leaf', 'y3015-inter', 'y3015-root'], 'y3015-root',
                        '2', '0', '1')
    check('future leaf: exit', rc, 1)
    check('future leaf: verdict', out.splitlines()[0],
          'fail: validation-failure (certificate-not-yet-valid at depth 0) on path 1')

print('failures:', cli.failures)
sys.exit(1 if cli.failures else 0)
