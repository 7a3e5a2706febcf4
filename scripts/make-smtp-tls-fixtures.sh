#!/usr/bin/env bash
# Writes the certificates that tests/smtp/botan_tls_engine.cpp gives to `openssl s_server`
# (tests/data/smtp/tls/), made by `openssl ca` so that any validity dates can be set:
#   ca.pem                      a private CA, "dane tests SMTP CA" (DANE-TA(2) trust anchor)
#   mx-leaf.pem, mx-leaf.key    a server certificate for mx.example.net issued by the CA,
#                               valid 2020-01-01 to 2119-12-31
#   expired-leaf.pem, .key      the same name from the same CA, valid only during 2020
# The CA's key is not kept. Keys are ECDSA P-256. Running the script again makes new keys
# and certificates (the tests compute their TLSA records from these files).
# Needs openssl (3.0 or later).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/tests/data/smtp/tls"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/new"
: >"$work/index.txt"
echo 2000 >"$work/serial"

cat >"$work/ca.cnf" <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = $work
database = $work/index.txt
new_certs_dir = $work/new
serial = $work/serial
default_md = sha256
policy = any_policy
unique_subject = no
copy_extensions = none
[ any_policy ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
[ v3_root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_leaf ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:mx.example.net
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

key() { # key FILE: a new P-256 key
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# issue OUT CN KEY SIGNER_CERT SIGNER_KEY EXTENSIONS START END ("self" signs with KEY)
issue() {
  local outf=$1 cn=$2 k=$3 ca=$4 cakey=$5 ext=$6 start=$7 end=$8
  openssl req -new -config "$work/ca.cnf" -key "$k" -subj "/O=dane tests/CN=$cn" \
    -out "$work/req.csr"
  if [ "$ca" = self ]; then
    openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile "$k" -in "$work/req.csr" \
      -extensions "$ext" -startdate "$start" -enddate "$end" -notext -out "$work/out.pem" \
      2>/dev/null
  else
    openssl ca -batch -config "$work/ca.cnf" -cert "$ca" -keyfile "$cakey" \
      -in "$work/req.csr" -extensions "$ext" -startdate "$start" -enddate "$end" -notext \
      -out "$work/out.pem" 2>/dev/null
  fi
  openssl x509 -in "$work/out.pem" -out "$outf"
}

key "$work/ca.key"
key "$out/mx-leaf.key"
key "$out/expired-leaf.key"
issue "$out/ca.pem" "dane tests SMTP CA" "$work/ca.key" self - v3_root \
  20200101000000Z 21191231235959Z
issue "$out/mx-leaf.pem" "mx.example.net" "$out/mx-leaf.key" "$out/ca.pem" "$work/ca.key" \
  v3_leaf 20200101000000Z 21191231235959Z
issue "$out/expired-leaf.pem" "mx.example.net" "$out/expired-leaf.key" "$out/ca.pem" \
  "$work/ca.key" v3_leaf 20200101000000Z 20201231235959Z
echo "wrote $(ls "$out" | wc -l) files to tests/data/smtp/tls"
