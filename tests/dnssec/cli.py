#!/usr/bin/env python3
"""`dane verify`, `dane decode`, `dane keytag` and `dane nsec3-hash` as users run them: exact output lines
and exit codes over the RFC fixtures in tests/data/dnssec/.

usage: cli.py DANE_BINARY SOURCE_ROOT
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from cli_check import cli_check  # noqa: E402

dane, root = sys.argv[1], sys.argv[2]
data = os.path.join(root, 'tests', 'data', 'dnssec')
cli = cli_check(dane)
run, check = cli.run, cli.check


def d(name):
    return os.path.join(data, name)


anchor4035 = d('rfc4035-anchor.txt')
keys4035 = d('rfc4035-dnskey.txt')
t4035 = '20040420000000'

# Per-RRset lines, exit 0 when all secure.
rc, out, _ = run('verify', '--trust-anchor', anchor4035, '--time', t4035, d('rfc4035-b1.txt'), keys4035)
check('B.1 all secure', (rc, out.splitlines()[0], out.splitlines()[-1]),
      (0, 'secure x.w.example. MX', 'secure example. DNSKEY'))

# Queries: the last line says what is proven and the overall verdict.
for f, q, t, last, code in [
        ('rfc4035-b1.txt', 'x.w.example.', 'MX', 'proves: answer secure', 0),
        ('rfc4035-b2.txt', 'ml.example.', 'A', 'proves: nxdomain secure', 0),
        ('rfc4035-b3.txt', 'ns1.example.', 'MX', 'proves: nodata secure', 0),
        ('rfc4035-b5.txt', 'mc.b.example.', 'MX', 'proves: no-ds insecure', 1),
        ('rfc4035-b6.txt', 'a.z.w.example.', 'MX', 'proves: wildcard-answer secure', 0),
        ('rfc4035-b7.txt', 'a.z.w.example.', 'AAAA', 'proves: wildcard-nodata secure', 0),
        ('rfc4035-b4.txt', 'mc.a.example.', 'MX',
         'proves: nothing bogus (EDE 9: no DNSKEY RRset for the zone)', 1)]:
    rc, out, _ = run('verify', '--trust-anchor', anchor4035, '--time', t4035, '--query', q, t,
                     d(f), keys4035)
    check(f'{f} --query {q} {t}', (rc, out.splitlines()[-1]), (code, last))

rc, out, _ = run('verify', '--trust-anchor', anchor4035, '--time', t4035, d('rfc4035-b5.txt'), keys4035)
check('B.5 insecure lines', (rc, [l for l in out.splitlines() if l.startswith('insecure ns1')]),
      (1, ['insecure ns1.b.example. A (no DS: the delegation is unsigned)']))

# Expired: bogus lines with EDE 7.
rc, out, _ = run('verify', '--trust-anchor', anchor4035, '--time', '20040601000000', d('rfc4035-b1.txt'), keys4035)
check('expired', (rc, out.splitlines()[0]), (1, 'bogus x.w.example. MX (EDE 7: RRSIG expired)'))

# RFC 9102 A.8 through the CLI, with the root DS of its Appendix A as anchor.
with tempfile.TemporaryDirectory() as tmp:
    ta = os.path.join(tmp, 'root.ds')
    with open(ta, 'w') as f:
        f.write('. IN DS 47005 13 2 2eb6e9f2480126691594d649a5a613de3052e37861634641bb568746f2ffc4d4\n')
    rc, out, _ = run('verify', '--trust-anchor', ta, '--time', '20200101000000', '--query',
                     '_443._tcp.www.insecure.example.', 'TLSA', d('rfc9102-a8.zone'))
    check('RFC 9102 A.8', (rc, out.splitlines()[-1]), (1, 'proves: no-ds-opt-out insecure'))
    rc, out, _ = run('verify', '--trust-anchor', ta, '--time', '20200101000000', '--query',
                     '_25._tcp.example.com.', 'TLSA', d('rfc9102-a2.zone'))
    check('RFC 9102 A.2', (rc, out.splitlines()[-1]), (0, 'proves: wildcard-answer secure'))
    # root-anchors.xml as the anchor file: no anchor for these records' root key, so bogus.
    xml = os.path.join(tmp, 'root-anchors.xml')
    with open(xml, 'w') as f:
        f.write('<TrustAnchor><Zone>.</Zone><KeyDigest id="x" validFrom="2017-02-02T00:00:00+00:00">'
                '<KeyTag>20326</KeyTag><Algorithm>8</Algorithm><DigestType>2</DigestType>'
                '<Digest>E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D</Digest>'
                '</KeyDigest></TrustAnchor>\n')
    rc, out, _ = run('verify', '--trust-anchor', xml, '--time', '20200101000000', d('rfc9102-a1.zone'))
    check('xml anchor, other root key', (rc, out.splitlines()[0]),
          (1, 'bogus _443._tcp.www.example.com. TLSA (EDE 9: no DNSKEY matches the DS records)'))
    # Bad input: exit 2 with the file and line.
    bad = os.path.join(tmp, 'bad.zone')
    with open(bad, 'w') as f:
        f.write('; comment\nwww.example. A 192.0.2.999\n')
    rc, out, err = run('verify', '--trust-anchor', ta, bad)
    check('bad record file', (rc, out, err),
          (2, '', f'dane: verify: {bad}: line 2: bad RDATA for A: address "192.0.2.999" is not an IPv4 address\n'))
    rc, out, err = run('verify', '--trust-anchor', bad, d('rfc9102-a1.zone'))
    check('bad anchor file', (rc, 'line 2' in err), (2, True))
    rc, out, err = run('verify', d('rfc9102-a1.zone'))
    check('no anchor given', rc, 2)
    rc, out, err = run('verify', '--trust-anchor', ta, '--time', '2020', d('rfc9102-a1.zone'))
    check('bad time', rc, 2)
    rc, out, err = run('verify', '--trust-anchor', ta, os.path.join(tmp, 'missing'))
    check('missing file', rc, 2)

# decode --hex: the shipped hex dump (comments, line breaks) and a bad digit's position.
rc, out, _ = run('decode', '--hex', os.path.join(root, 'examples', 'data', 'signed-answer.hex'))
check('decode --hex example', (rc, out.splitlines()[0]),
      (0, ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 192'))
with tempfile.TemporaryDirectory() as tmp:
    bad = os.path.join(tmp, 'bad.hex')
    with open(bad, 'w') as f:
        f.write('# a comment: zz is fine here\n00c0 84zz\n')
    rc, out, err = run('decode', '--hex', bad)
    check('decode --hex bad digit', (rc, err),
          (2, f'dane: decode: {bad}: line 2: not a hex digit at column 8 (offset 36)\n'))
# Keys refused by policy: RFC 5155's example zone has 512-bit RSA keys. Under the default
# floor of 1024 bits the zone is insecure (as with an unsupported algorithm), and secure
# with --min-rsa-bits 512. The anchor is the example's key-signing key, read from the zone.
with tempfile.TemporaryDirectory() as tmp:
    text = open(d('rfc5155-example.zone')).read()
    start = text.index('DNSKEY  257')
    key = text[start:text.index(')', start)].replace('(', ' ')
    ta = os.path.join(tmp, 'ksk.txt')
    with open(ta, 'w') as f:
        f.write('example. 3600 IN ' + ' '.join(key.split()) + '\n')
    t5155 = '20100101000000'
    refused = 'RSA key of 512 bits is below the 1024-bit minimum'
    rc, out, _ = run('verify', '--trust-anchor', ta, '--time', t5155, d('rfc5155-example.zone'))
    check('RFC 5155 zone, default floor', (rc, out.splitlines()[0]),
          (1, f'insecure example. SOA ({refused})'))
    check('RFC 5155 zone, default floor: no line secure',
          [l for l in out.splitlines() if not l.startswith('insecure ')], [])
    rc, out, _ = run('verify', '--trust-anchor', ta, '--time', t5155, '--min-rsa-bits', '512',
                     d('rfc5155-example.zone'))
    check('RFC 5155 zone, --min-rsa-bits 512', (rc, out.splitlines()[0]), (1, 'secure example. SOA'))
    for bits, last, code in [(None, 'proves: answer insecure', 1), ('512', 'proves: answer secure', 0),
                             ('1024', 'proves: answer insecure', 1)]:
        opts = ['--min-rsa-bits', bits] if bits else []
        rc, out, _ = run('verify', '--trust-anchor', ta, '--time', t5155, *opts, '--query',
                         'example.', 'MX', d('rfc5155-example.zone'))
        check(f'RFC 5155 example. MX, floor {bits}', (rc, out.splitlines()[-1]), (code, last))
    for bad in ['abc', '0', '-5', '5000', '']:
        rc, out, err = run('verify', '--trust-anchor', ta, '--min-rsa-bits', bad,
                           d('rfc5155-example.zone'))
        check(f'bad --min-rsa-bits {bad!r}', (rc, out, 'min-rsa-bits' in err), (2, '', True))
    rc, out, err = run('verify', '--trust-anchor', ta, d('rfc5155-example.zone'), '--min-rsa-bits')
    check('--min-rsa-bits without a value', (rc, 'usage' in err), (2, True))

# ldns-signzone with a 512-bit ZSK under a 2048-bit KSK (scripts/make-weak-rsa-fixtures.sh):
# the DS points at an acceptable key, so data signed only by the refused key is bogus.
weak = os.path.join(data, 'weak-rsa')
for opts, code, want in [([], 1, 'bogus www.weak.example. A (EDE 6: RSA key of 512 bits is below '
                                 'the 1024-bit minimum)'),
                         (['--min-rsa-bits', '512'], 0, 'secure www.weak.example. A')]:
    rc, out, _ = run('verify', '--trust-anchor', os.path.join(weak, 'ksk2048.ds'), '--time',
                     '20260101000000', *opts, os.path.join(weak, 'weak-zsk.signed'))
    check(f'weak ZSK {opts}', (rc, [l for l in out.splitlines() if l.startswith(want.split()[0] + ' www.weak.example. A')]),
          (code, [want]))

# BIND-signed one-key zone (scripts/make-bind-fixtures.sh): the DNSKEY RRset without its
# RRSIG is bogus although the DS anchor matches its only key.
bind = os.path.join(data, 'bind')
for f, want in [('onekey.signed', 'secure onekey.example. DNSKEY'),
                ('dnskey-rrsig-removed.signed',
                 'bogus onekey.example. DNSKEY (EDE 10: no RRSIG covers the RRset)'),
                ('dnskey-rrsig-expired.signed', 'bogus onekey.example. DNSKEY (EDE 7: RRSIG expired)')]:
    rc, out, _ = run('verify', '--trust-anchor', os.path.join(bind, 'onekey.ds'), '--time',
                     '20260101000000', os.path.join(bind, f))
    check(f'BIND {f}', (rc, [l for l in out.splitlines() if ' DNSKEY' in l]),
          (0 if f == 'onekey.signed' else 1, [want]))
# Whole zones of 1,000+ names signed by dnssec-signzone (NSEC, NSEC3) and ldns-signzone -n
# (scripts/make-large-zones.sh): every kind of answer, through --query.
large = os.path.join(root, 'tests', 'data', 'zones', 'large')
for apex in ['bind-nsec.example.', 'bind-nsec3.example.', 'ldns-nsec3.example.']:
    signed, ds = os.path.join(large, apex + 'signed'), os.path.join(large, apex + 'ds')
    for q, t, last, code in [
            ('h5.', 'A', 'proves: answer secure', 0),
            ('alias.', 'A', 'proves: cname secure', 0),
            ('nohost.', 'A', 'proves: nxdomain secure', 0),
            ('a.b.nohost.', 'TXT', 'proves: nxdomain secure', 0),
            ('h5.', 'MX', 'proves: nodata secure', 0),
            ('ent.', 'A', 'proves: nodata secure', 0),
            ('x.wild.', 'A', 'proves: wildcard-nodata secure', 0),
            ('x.deleg.', 'A', 'proves: no-ds insecure', 1)]:
        rc, out, _ = run('verify', '--trust-anchor', ds, '--time', '20270101000000', '--query',
                         q + apex, t, signed)
        check(f'{apex} --query {q} {t}', (rc, out.splitlines()[-1]), (code, last))
    # A wildcard answer: the expansion of *.wild as a server sends it, given with the zone.
    with tempfile.TemporaryDirectory() as tmp:
        expanded = os.path.join(tmp, 'expanded.txt')
        with open(signed) as f, open(expanded, 'w') as out_file:
            for line in f:
                fields = line.split()
                if line.startswith('*.wild.') and 'TXT' in fields and (
                        'RRSIG' not in fields or fields[fields.index('RRSIG') + 1] == 'TXT'):
                    out_file.write('x' + line[1:])
        rc, out, _ = run('verify', '--trust-anchor', ds, '--time', '20270101000000', '--query',
                         'x.wild.' + apex, 'TXT', signed, expanded)
        check(f'{apex} wildcard answer', (rc, out.splitlines()[-1]),
              (0, 'proves: wildcard-answer secure'))

# keytag and nsec3-hash.
rc, out, _ = run('keytag', d('rfc4035-example.zone'))
check('keytag', (rc, out), (0, '38519\n9465\n'))
rc, out, _ = run('keytag', d('rfc5155-example.zone'))
check('keytag 5155', (rc, out), (0, '40430\n12708\n'))
for name, want in [('example', '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom'),
                   ('a.example', '35mthgpgcu1qg68fab165klnsnk3dpvl'),
                   ('*.w.example', 'r53bq7cc2uvmubfu5ocmm6pers9tk9en'),
                   ('2t7b4g4vsa5smi47k61mv5bv1a22bojr.example', 'kohar7mbb8dc2ce8a9qvl8hon4k53uhi')]:
    rc, out, _ = run('nsec3-hash', name, 'aabbccdd', '12')
    check(f'nsec3-hash {name}', (rc, out), (0, want + '\n'))
rc, out, _ = run('nsec3-hash', 'example.', '-', '0')
check('nsec3-hash no salt', rc, 0)
rc, out, _ = run('nsec3-hash', 'example.', 'xyz', '0')
check('nsec3-hash bad salt', rc, 2)
rc, out, _ = run('nsec3-hash', 'example.', '-', '70000')
check('nsec3-hash bad iterations', rc, 2)

sys.exit(1 if cli.failures else 0)
