#!/usr/bin/env bash
# Writes examples/data/mail.example.net.pem: a self-signed certificate for the mail server
# of the example.net test zone, on the key whose SPKI that zone's TLSA 3 1 1 record pins
# (tests/data/zones/keys/mail.example.net.key.pem, made by scripts/make-signed-zone.sh).
# DANE-EE(3) ignores names and dates (RFC 7671 §5.1), so the certificate is all the README
# examples need to show a verification that passes. Needs openssl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
key=$root/tests/data/zones/keys/mail.example.net.key.pem
out=$root/examples/data/mail.example.net.pem
openssl req -new -x509 -key "$key" -sha256 -days 36500 \
  -subj "/CN=mail.example.net" -addext "subjectAltName=DNS:mail.example.net" -out "$out"
echo "wrote $out"
