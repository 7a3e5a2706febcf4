#!/usr/bin/env python3
"""Queries a local authoritative server and records the raw responses.

Helper of make-corpus.sh. Builds DNS queries by hand (RFC 1035 §4.1, an OPT record with
DO per RFC 6891 / RFC 3225), sends them to 127.0.0.1 over UDP or TCP, and appends every
response to --out preceded by its 2-octet big-endian length. With --probe it only checks
that each zone's apex answers with an RRSIG and exits 0 or 1.
"""
import argparse
import random
import socket
import struct
import sys

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28,
         "SRV": 33, "DS": 43, "RRSIG": 46, "NSEC": 47, "DNSKEY": 48, "NSEC3PARAM": 51,
         "TLSA": 52, "ANY": 255}


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def make_query(qid, name, qtype, bufsize=1232):
    header = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 1)  # RD clear: we ask the authority
    question = wire_name(name) + struct.pack("!HH", TYPES[qtype], 1)
    opt = b"\0" + struct.pack("!HHIH", 41, bufsize, 0x8000, 0)  # DO set, no options
    return header + question + opt


def ask_udp(addr, query):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.sendto(query, addr)
        return s.recv(65535)


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("short read")
        data += chunk
    return data


def ask_tcp(addr, query):
    with socket.create_connection(addr, timeout=2) as s:
        s.sendall(struct.pack("!H", len(query)) + query)
        (n,) = struct.unpack("!H", recv_exact(s, 2))
        return recv_exact(s, n)


def questions(zone, rng):
    """A weighted mix of the kinds of question a validating resolver asks."""
    z = zone
    rnd = lambda: "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(3, 12)))
    host = lambda: "h%d.%s" % (rng.randint(1, 40), z)
    positive = [
        (z, "SOA"), (z, "NS"), (z, "A"), (z, "AAAA"), (z, "MX"), (z, "TXT"),
        (z, "NSEC3PARAM"), ("www." + z, "A"), ("www." + z, "AAAA"), ("web." + z, "A"),
        ("alias." + z, "A"), ("chain1." + z, "A"), ("mail." + z, "A"), ("mail." + z, "AAAA"),
        ("_25._tcp.mail." + z, "TLSA"), ("_443._tcp.www." + z, "TLSA"),
        ("_smtp._tcp." + z, "SRV"), ("_imaps._tcp." + z, "SRV"), ("_mta-sts." + z, "TXT"),
        ("_smtp._tls." + z, "TXT"), ("long." + z, "TXT"), ("host.wild." + z, "A"),
        ("a.b.c.deep." + z, "A"), ("ns1." + z, "A"), ("ns1." + z, "AAAA"), ("ns2." + z, "A"),
        (host(), "A"), (host(), "AAAA"), (z, "ANY"),
    ]
    nodata = [
        ("www." + z, "MX"), ("www." + z, "TLSA"), ("mail." + z, "TLSA"), (host(), "MX"),
        ("deep." + z, "A"), ("c.deep." + z, "AAAA"), ("_25._tcp.mail." + z, "A"),
        (z, "TLSA"), (z, "SRV"),
    ]
    nxdomain = [
        (rnd() + "." + z, "A"), ("_25._tcp." + rnd() + "." + z, "TLSA"),
        (rnd() + ".deep." + z, "AAAA"), (rnd() + "." + z, "MX"), ("_25._tcp.www." + z, "TLSA"),
    ]
    wildcard = [
        (rnd() + ".wild." + z, "A"), (rnd() + ".wild." + z, "TXT"), (rnd() + ".wild." + z, "MX"),
        (rnd() + ".wild." + z, "AAAA"), (rnd() + "." + rnd() + ".wild." + z, "A"),
    ]
    keys = [(z, "DNSKEY"), ("secure." + z, "DS"), ("insecure." + z, "DS")]
    referral = [
        ("www.secure." + z, "A"), ("secure." + z, "A"), ("x.insecure." + z, "MX"),
        ("ns1.secure." + z, "A"), ("_25._tcp.mx.secure." + z, "TLSA"),
        ("insecure." + z, "NS"),
    ]
    other = [("example.org.", "A")]  # not served: REFUSED
    groups = [(positive, 40), (nodata, 15), (nxdomain, 15), (wildcard, 10), (keys, 8),
              (referral, 10), (other, 1)]
    while True:
        group = rng.choices([g for g, _ in groups], [w for _, w in groups])[0]
        name, qtype = rng.choice(group)
        if rng.random() < 0.1:  # some 0x20-style mixed case
            name = "".join(c.upper() if rng.random() < 0.5 else c for c in name)
        yield name, qtype


def probe(addr, zones):
    for z in zones:
        try:
            resp = ask_udp(addr, make_query(1, z, "SOA"))
        except OSError:
            return False
        ancount = struct.unpack("!H", resp[6:8])[0]
        rcode = resp[3] & 15
        # Signed: more than the SOA itself in the answer.
        if rcode != 0 or ancount < 2:
            return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--out")
    ap.add_argument("--probe", action="store_true")
    ap.add_argument("--seed", type=int, default=8914)
    ap.add_argument("zones", nargs="+")
    args = ap.parse_args()
    addr = ("127.0.0.1", args.port)
    if args.probe:
        sys.exit(0 if probe(addr, args.zones) else 1)

    rng = random.Random(args.seed)
    gens = [questions(z, rng) for z in args.zones]
    written = 0
    with open(args.out, "wb") as out:
        def keep(resp):
            nonlocal written
            out.write(struct.pack("!H", len(resp)) + resp)
            written += 1

        qid = 0
        while written < args.count:
            qid = (qid + 1) & 0xFFFF
            name, qtype = next(rng.choice(gens))
            # A small buffer sometimes, so some answers arrive truncated (TC) first.
            bufsize = 512 if rng.random() < 0.05 else 1232
            query = make_query(qid, name, qtype, bufsize)
            if rng.random() < 0.15:
                keep(ask_tcp(addr, query))
                continue
            resp = ask_udp(addr, query)
            keep(resp)
            if resp[2] & 0x02 and written < args.count:  # TC: ask again over TCP
                keep(ask_tcp(addr, query))
    print("%d responses" % written, file=sys.stderr)


if __name__ == "__main__":
    main()
