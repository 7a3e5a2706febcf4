#!/usr/bin/env python3
"""Makes one RRset of a signed zone file bogus: changes one octet in the middle of the
signature field of every RRSIG at OWNER covering TYPE, so that the signature no longer
verifies (RFC 4035 §5.3.3) while the record still parses.

usage: corrupt-rrsig.py ZONEFILE OWNER TYPE   (the file is rewritten in place; one record
                                              per line, as ldns-signzone writes it)
"""
import base64
import sys

path, owner, rtype = sys.argv[1], sys.argv[2].lower(), sys.argv[3].upper()
lines = open(path, encoding="ascii").read().splitlines()
changed = 0
for i, line in enumerate(lines):
    fields = line.split()
    if len(fields) < 13 or fields[0].lower() != owner:
        continue
    # OWNER TTL CLASS RRSIG COVERED ALG LABELS OTTL EXPIRATION INCEPTION TAG SIGNER SIG...
    if fields[3].upper() != "RRSIG" or fields[4].upper() != rtype:
        continue
    sig = bytearray(base64.b64decode("".join(fields[12:])))
    sig[len(sig) // 2] ^= 0x55
    fields[12:] = [base64.b64encode(bytes(sig)).decode("ascii")]
    lines[i] = "\t".join(fields)
    changed += 1
if changed == 0:
    sys.exit(f"corrupt-rrsig: no RRSIG for {owner} {rtype} in {path}")
with open(path, "w", encoding="ascii") as f:
    f.write("\n".join(lines) + "\n")
