#!/usr/bin/env python3
"""`dane tlsrpt record|report|summarize` as users run them: output and exit codes, the written
reports read with Python's json module, gzip files checked with the `gzip -t` and `zcat` tools,
and the mail messages read with Python's email package.

usage: cli.py DANE_BINARY SOURCE_ROOT
"""
import email
import email.policy
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from cli_check import cli_check  # noqa: E402

dane, root = sys.argv[1], sys.argv[2]
data = os.path.join(root, 'tests', 'data', 'tlsrpt')
outcomes = os.path.join(data, 'outcomes.jsonl')
appendix_b = os.path.join(data, 'rfc8460-appendix-b.json')
cli = cli_check(dane)
run, check = cli.run, cli.check


def json_documents(text):
    """The JSON documents written one after another."""
    dec, i, docs = json.JSONDecoder(), 0, []
    while i < len(text):
        doc, i = dec.raw_decode(text, i)
        docs.append(doc)
        while i < len(text) and text[i].isspace():
            i += 1
    return docs


# record
rc, out, _ = run('tlsrpt', 'record', 'v=TLSRPTv1; rua=mailto:a@example.net,https://r.example.net/x;ext=1')
check('record valid', (rc, out.splitlines()),
      (0, ['valid TLSRPTv1 record', 'rua mailto mailto:a@example.net',
           'rua https https://r.example.net/x', 'extension ext=1 (ignored)']))
rc, out, _ = run('tlsrpt', 'record', 'v=TLSRPTv1;rua=mailto:nobody')
check('record bad mailto', (rc, out), (1, 'invalid: rua: mailto: without an address at offset 15\n'))
rc, out, _ = run('tlsrpt', 'record', 'v=TLSRPTv1;rua=mailto:a@example.net', 'v=TLSRPTv1;rua=mailto:b@example.net')
check('record several', (rc, out), (1, 'invalid: more than one TLSRPT record\n'))
rc, out, _ = run('tlsrpt', 'record', 'v=spf1 -all', 'v=TLSRPTv1;rua=mailto:b@example.net')
check('record one of two', (rc, out.splitlines()[1]), (0, 'rua mailto mailto:b@example.net'))
rc, _, err = run('tlsrpt', 'record')
check('record usage', rc, 2)

# report: JSON to standard output, one report per policy domain and day.
rc, out, _ = run('tlsrpt', 'report', '--organization', 'Sender Org', '--contact',
                 'tlsrpt@mail.sender.example', outcomes)
docs = json_documents(out)
check('report count', (rc, [(d['policies'][0]['policy']['policy-domain'], d['date-range']['start-datetime'])
                            for d in docs]),
      (0, [('example.net', '2026-11-29T00:00:00Z'), ('example.net', '2026-11-30T00:00:00Z'),
           ('example.org', '2026-11-29T00:00:00Z')]))
first = docs[0]
check('report fields', (first['organization-name'], first['contact-info'], first['report-id'],
                        first['date-range']['end-datetime']),
      ('Sender Org', 'tlsrpt@mail.sender.example', '2026-11-29.1.example.net@mail.sender.example',
       '2026-11-29T23:59:59Z'))
tlsa, none = first['policies']
check('report tlsa policy', (tlsa['policy']['policy-type'], tlsa['summary'], len(tlsa['failure-details']),
                             tlsa['failure-details'][0]['failed-session-count'],
                             tlsa['failure-details'][0]['failure-reason-code']),
      ('tlsa', {'total-successful-session-count': 2, 'total-failure-session-count': 2}, 1, 2,
       'no TLSA record matched the "certificate"\tchain'))
check('report no-policy-found', (none['policy']['policy-type'], none['failure-details'][0]['result-type']),
      ('no-policy-found', 'starttls-not-supported'))
check('report org two TLSA strings', docs[2]['policies'][0]['policy']['policy-string'][1],
      '3 0 1 12350A337E6DB9C6123522D136A475638CC43E1ED424F8EEC8513D747D1D1234')

with tempfile.TemporaryDirectory() as tmp:
    bad = os.path.join(tmp, 'bad.jsonl')
    with open(bad, 'w') as f:
        f.write(open(outcomes).readline())
        f.write('\n# a comment\n{"policy-domain": "x"}\n')
    rc, _, err = run('tlsrpt', 'report', bad)
    check('report bad line', (rc, err), (2, f'dane: tlsrpt report: {bad} line 4: policy-type: missing\n'))

    # --gzip into files named as RFC 8460 §5.1 says; gzip -t and zcat agree with the JSON.
    gzdir = os.path.join(tmp, 'gz')
    os.mkdir(gzdir)
    rc, out, _ = run('tlsrpt', 'report', '--contact', 'tlsrpt@mail.sender.example', '--gzip',
                     '--unique-id', '001', '--output-dir', gzdir, outcomes)
    names = sorted(os.path.basename(p) for p in out.splitlines())
    check('gzip file names', (rc, names),
          (0, ['mail.sender.example!example.net!1795910400!1795996799!001.json.gz',
               'mail.sender.example!example.net!1795996800!1796083199!001.json.gz',
               'mail.sender.example!example.org!1795910400!1795996799!001.json.gz']))
    files = [os.path.join(gzdir, n) for n in names]
    if shutil.which('gzip'):
        t = subprocess.run(['gzip', '-t', *files], capture_output=True)
        check('gzip -t', t.returncode, 0)
        z = subprocess.run(['zcat', files[0]], capture_output=True, text=True)
        check('zcat report', (z.returncode, json.loads(z.stdout)['report-id']),
              (0, '2026-11-29.001.example.net@mail.sender.example'))
    else:
        cli.failures += 1
        print('FAIL gzip tool not installed')
    # Without --output-dir the gzip members go to standard output, one after another.
    p = subprocess.run([dane, 'tlsrpt', 'report', '--gzip', outcomes], capture_output=True)
    check('gzip to stdout', (p.returncode, len(json_documents(gzip.decompress(p.stdout).decode()))),
          (0, 3))

    # --mime: a multipart/report message per report, read with Python's email package.
    mdir = os.path.join(tmp, 'mime')
    os.mkdir(mdir)
    rc, out, _ = run('tlsrpt', 'report', '--contact', 'tlsrpt@mail.sender.example', '--gzip',
                     '--mime', '--to', 'reports@example.net', '--output-dir', mdir, outcomes)
    emls = sorted(out.splitlines())
    check('mime files', (rc, len(emls), all(e.endswith('.json.gz.eml') for e in emls)), (0, 3, True))
    with open(emls[0], 'rb') as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    check('mime headers', (msg['TLS-Report-Domain'], msg['TLS-Report-Submitter'], msg['To'],
                           msg.get_content_type(), msg.get_param('report-type')),
          ('example.net', 'mail.sender.example', 'reports@example.net', 'multipart/report', 'tlsrpt'))
    parts = list(msg.iter_parts())
    check('mime parts', [p.get_content_type() for p in parts], ['text/plain', 'application/tlsrpt+gzip'])
    report = json.loads(gzip.decompress(parts[1].get_content()))
    check('mime report', (parts[1].get_filename(), report['policies'][0]['summary']),
          ('mail.sender.example!example.net!1795910400!1795996799!1.json.gz',
           {'total-successful-session-count': 2, 'total-failure-session-count': 2}))

    # summarize reads all three forms back: the same table from JSON files, gzip and mail.
    rc, out, _ = run('tlsrpt', 'summarize', *files)
    rc2, out2, _ = run('tlsrpt', 'summarize', *emls)
    check('summarize gzip', (rc, out.splitlines()),
          (0, ['policy-domain  mx-host           reports  sessions  failures  result-types',
               'example.net    mx1.example.net   2        5         2         validation-failure=2',
               'example.net    mx2.example.net   1        1         1         starttls-not-supported=1',
               'example.org    mail.example.org  1        1         1         dnssec-invalid=1']))
    check('summarize mail = gzip', (rc2, out2), (0, out))

    junk = os.path.join(tmp, 'junk.json')
    with open(junk, 'w') as f:
        f.write('{"organization-name": 1}')
    rc, out, err = run('tlsrpt', 'summarize', appendix_b, junk)
    check('summarize bad file', (rc, err, len(out.splitlines())),
          (1, f'dane: tlsrpt summarize: {junk}: organization-name: expected a string\n', 2))

rc, out, _ = run('tlsrpt', 'summarize', appendix_b)
check('summarize Appendix B', (rc, out.splitlines()),
      (0, ['policy-domain      mx-host                   reports  sessions  failures  result-types',
           'company-y.example  *.mail.company-y.example  1        5629      303       '
           'certificate-expired=100 starttls-not-supported=200 validation-failure=3']))

# The lines `dane smtp --json` writes (one document per run; each host an outcome).
rc, out, _ = run('tlsrpt', 'report', '--organization', 'Sender Org', '--contact',
                 'tlsrpt@mail.sender.example', os.path.join(data, 'dane-smtp.jsonl'))
docs = json_documents(out)
check('report from dane smtp lines',
      (rc, [(d['policies'][0]['policy']['policy-domain'], d['policies'][0]['policy']['policy-type'],
             d['policies'][0]['summary']['total-successful-session-count'],
             d['policies'][0]['summary']['total-failure-session-count'],
             [f['result-type'] for f in d['policies'][0].get('failure-details', [])]) for d in docs]),
      (0, [('ee.smtp.danebed', 'tlsa', 1, 0, []),
           ('strip.smtp.danebed', 'tlsa', 0, 1, ['starttls-not-supported'])]))
bad = tempfile.NamedTemporaryFile('w', suffix='.jsonl', delete=False)
bad.write('{"domain": "x.example", "hosts": [{"policy-domain": "x.example", "result-type": "success"}]}\n')
bad.close()
rc, _, err = run('tlsrpt', 'report', '--contact', 'tlsrpt@mail.sender.example', bad.name)
os.unlink(bad.name)
check('report from a bad dane smtp line', (rc, 'hosts[0].' in err, 'policy-type' in err), (2, True, True))

sys.exit(1 if cli.failures else 0)
