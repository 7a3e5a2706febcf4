#!/usr/bin/env bash
# Certificates for the test bed's mail servers, made with openssl, and the TLSA digests a
# zone publishes for them (computed here with openssl, never by the tool under test).
#
#   make-mta-certs.sh OUTDIR NAME:FQDN[:ca]...
#
# For each NAME: OUTDIR/NAME.key (ECDSA P-256), OUTDIR/NAME.pem (the server certificate for
# FQDN, subjectAltName DNS:FQDN), OUTDIR/NAME.chain (what the server sends: the certificate,
# then the CA certificate for :ca names) and OUTDIR/NAME.spki-sha256 (the SHA-256 of the
# DER SubjectPublicKeyInfo: the data of a "3 1 1" TLSA record, RFC 6698 §2.1, RFC 7218).
# Without :ca the certificate is self-signed; with :ca it is issued by the private CA in
# OUTDIR/ca.pem, whose OUTDIR/ca.cert-sha256 (SHA-256 of the whole DER certificate) is the
# data of a "2 0 1" record (DANE-TA, RFC 7672 §3.1.2).
# OUTDIR/unused.spki-sha256 is the digest of a key no server holds: a TLSA record that
# matches nothing. Certificates are valid from now for 30 days.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR NAME:FQDN[:ca]..." >&2; exit 2; }
out=$1
shift
mkdir -p "$out"

newkey() { # FILE
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}
spki_sha256() { # CERT-OR-KEY FILE (a key: its public half)
  openssl pkey -in "$1" -pubout -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1
}
cert_spki_sha256() { # CERT
  openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -r | cut -d' ' -f1
}
cert_sha256() { # CERT
  openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1
}

sign() { # CSR CA-CERT CA-KEY EXTFILE OUT (CA-CERT "self": signed by the CSR's own key)
  local ca=(-CA "$2" -CAkey "$3")
  [ "$2" = self ] && ca=(-signkey "$3")
  openssl x509 -req -in "$1" "${ca[@]}" -set_serial "0x$(openssl rand -hex 8)" -days 30 -sha256 \
    -extfile "$4" -out "$5" 2>/dev/null
}

newkey "$out/ca.key"
openssl req -new -key "$out/ca.key" -subj "/O=dane test bed/CN=dane test bed private CA" \
  -out "$out/ca.csr"
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' \
  >"$out/ca.ext"
sign "$out/ca.csr" self "$out/ca.key" "$out/ca.ext" "$out/ca.pem"
cert_sha256 "$out/ca.pem" >"$out/ca.cert-sha256"

newkey "$out/unused.key"
spki_sha256 "$out/unused.key" >"$out/unused.spki-sha256"

for spec in "$@"; do
  IFS=: read -r name fqdn issuer <<<"$spec"
  fqdn=${fqdn%.}
  newkey "$out/$name.key"
  openssl req -new -key "$out/$name.key" -subj "/CN=$fqdn" -out "$out/$name.csr"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s\n' \
    "$fqdn" >"$out/$name.ext"
  if [ "$issuer" = ca ]; then
    sign "$out/$name.csr" "$out/ca.pem" "$out/ca.key" "$out/$name.ext" "$out/$name.pem"
    cat "$out/$name.pem" "$out/ca.pem" >"$out/$name.chain"
  else
    sign "$out/$name.csr" self "$out/$name.key" "$out/$name.ext" "$out/$name.pem"
    cp "$out/$name.pem" "$out/$name.chain"
  fi
  cert_spki_sha256 "$out/$name.pem" >"$out/$name.spki-sha256"
done
rm -f "$out"/*.csr "$out"/*.ext
