#!/usr/bin/env python3
"""`dane smtp` without servers: usage errors (exit 2), and an upstream resolver that answers
nothing, so the MX lookup is indeterminate: exit 3, no host tried, and the JSON document says
so. The runs against real mail servers are in tests/integration/smtp.py.

usage: cli.py DANE_BINARY SOURCE_ROOT
"""
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from cli_check import cli_check  # noqa: E402

dane, root = sys.argv[1], sys.argv[2]
cli = cli_check(dane)
run, check = cli.run, cli.check

for name, args in [
    ('no domain', []),
    ('two domains', ['a.example', 'b.example']),
    ('bad port', ['--port', '0', 'a.example']),
    ('port not a number', ['--port', '25x', 'a.example']),
    ('bad timeout', ['--timeout', '0', 'a.example']),
    ('bad resolver', ['--resolver', '127.0.0.x', 'a.example']),
    ('--from without --to', ['--resolver', '127.0.0.1', '--from', 'a@b.example', 'a.example']),
    ('unknown option', ['--starttls', 'a.example']),
    ('bad time', ['--time', '2026', 'a.example']),
    ('missing anchor file', ['--resolver', '127.0.0.1', '--trust-anchor', '/nonexistent/anchor',
                             'a.example']),
]:
    rc, out, err = run('smtp', *args)
    check(f'usage: {name}', (rc, out, err.startswith('dane: ')), (2, '', True))

# A UDP port nobody listens on: every query is refused by the kernel at once, so the MX
# lookup fails (indeterminate) quickly and the exit status is 3.
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
port = s.getsockname()[1]
s.close()
rc, out, _ = run('smtp', '--resolver', f'127.0.0.1:{port}', '--json', '--timeout', '5',
                 'mail.example')
doc = json.loads(out) if out.startswith('{') else {}
check('silent resolver: exit', rc, 3)
check('silent resolver: document', (doc.get('domain'), doc.get('mx', {}).get('verdict'),
                                    doc.get('hosts'), doc.get('delivered'), doc.get('outcome')),
      ('mail.example', 'indeterminate', [], False, 'delay'))
check('silent resolver: one line', out.count('\n'), 1)
rc, out, _ = run('smtp', '--resolver', f'127.0.0.1:{port}', 'mail.example')
check('silent resolver: text', (rc, out.splitlines()[0], out.splitlines()[1].startswith('  MX: indeterminate'),
                                out.splitlines()[-1].startswith('delay: ')),
      (3, 'domain mail.example.', True, True))

sys.exit(1 if cli.failures else 0)
