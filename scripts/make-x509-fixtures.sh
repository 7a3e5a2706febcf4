#!/usr/bin/env bash
# Writes the X.509 fixtures in tests/data/x509/, made by `openssl ca` (which sets any
# validity date), for the TLSA path tests and the differential test against OpenSSL:
#   y<YEAR>-{root,inter,leaf}.pem   a chain whose three certificates all end on 31 December
#                                   of YEAR: 2049 (last UTCTime year), 2050 (first
#                                   GeneralizedTime year), 2262 (past 64-bit nanoseconds),
#                                   3015, 9999 (RFC 5280 §4.1.2.5 "no well-defined
#                                   expiration"); all begin on 1 January 2020
#   self-9999.pem                   a self-signed leaf valid to 9999
#   future-leaf.pem                 a leaf under y3015-inter valid only from 2030
#   x-root-{a,b}.pem, x-inter-{a,b}.pem
#                                   one intermediate (same name and key) signed by root A
#                                   and cross-signed by root B; x-leaf.pem below it
#   x-impostor-<n>.pem              CAs with the intermediate's name, another key and no
#                                   subjectKeyIdentifier (only a signature check tells)
#   loop-{p,q}.pem, loop-leaf.pem   two CAs issuing each other, and a leaf under P
#   nc-root.pem, nc-inter.pem, nc-leaf.pem
#                                   an intermediate whose nameConstraints exclude
#                                   example.net, above a leaf for mx.example.net
#   *.key                           the leaves' keys (for `openssl s_server`)
# Keys are ECDSA P-256. Running the script again makes new keys and certificates.
# Needs openssl (3.0 or later).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/tests/data/x509"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/new"
: >"$work/index.txt"
echo 1000 >"$work/serial"

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
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_ca_nokid ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = none
authorityKeyIdentifier = none
[ v3_nc ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nameConstraints = critical, excluded;DNS:example.net
[ v3_leaf ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:mx.example.net
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_self ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:mx.example.net
subjectKeyIdentifier = hash
CNF

key() { # key FILE: a new P-256 key unless it exists
  [ -f "$1" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# issue OUT CN KEY SIGNER_CERT SIGNER_KEY EXTENSIONS START END
# SIGNER_CERT "self" makes a self-signed certificate with KEY.
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

cd "$work"
for n in root inter leaf self other p q; do key "$work/$n.key"; done
start=20200101000000Z

# 1. Far validity dates. openssl writes years up to 2049 as UTCTime (RFC 5280 §4.1.2.5).
for y in 2049 2050 2262 3015 9999; do
  end="${y}1231235959Z"
  issue "$out/y$y-root.pem" "Y$y Root" root.key self - v3_root $start "$end"
  issue "$out/y$y-inter.pem" "Y$y Intermediate" inter.key "$out/y$y-root.pem" root.key v3_ca \
    $start "$end"
  issue "$out/y$y-leaf.pem" "mx.example.net" leaf.key "$out/y$y-inter.pem" inter.key v3_leaf \
    $start "$end"
done
cp leaf.key "$out/y-leaf.key"
issue "$out/self-9999.pem" "mx.example.net" self.key self - v3_self $start 99991231235959Z
cp self.key "$out/self-9999.key"
issue "$out/future-leaf.pem" "mx.example.net" leaf.key "$out/y3015-inter.pem" inter.key v3_leaf \
  20300101000000Z 30151231235959Z

# 2. Path building. Same subject and key, two issuers.
end=20491231235959Z
key a.key; key b.key; key xi.key; key xl.key
issue "$out/x-root-a.pem" "X Root A" a.key self - v3_root $start $end
issue "$out/x-root-b.pem" "X Root B" b.key self - v3_root $start $end
issue "$out/x-inter-a.pem" "X Intermediate" xi.key "$out/x-root-a.pem" a.key v3_ca $start $end
issue "$out/x-inter-b.pem" "X Intermediate" xi.key "$out/x-root-b.pem" b.key v3_ca $start $end
issue "$out/x-leaf.pem" "mx.example.net" xl.key "$out/x-inter-a.pem" xi.key v3_leaf $start $end
cp xl.key "$out/x-leaf.key"
for i in 1 2 3 4 5 6; do
  key imp$i.key
  issue "$out/x-impostor-$i.pem" "X Intermediate" imp$i.key self - v3_ca_nokid $start $end
done

# Two CAs that issue each other: P is signed by Q's key, Q by P's key. Each is issued by
# a self-signed twin of the other (same name and key), which is not kept.
issue twin-p.pem "X Loop P" p.key self - v3_root $start $end
issue twin-q.pem "X Loop Q" q.key self - v3_root $start $end
issue "$out/loop-p.pem" "X Loop P" p.key twin-q.pem q.key v3_ca $start $end
issue "$out/loop-q.pem" "X Loop Q" q.key twin-p.pem p.key v3_ca $start $end
issue "$out/loop-leaf.pem" "mx.example.net" xl.key twin-p.pem p.key v3_leaf $start $end

# 3. Name constraints (RFC 5280 §4.2.1.10) that exclude the leaf's name.
key nr.key; key ni.key
issue "$out/nc-root.pem" "NC Root" nr.key self - v3_root $start $end
issue "$out/nc-inter.pem" "NC Intermediate" ni.key "$out/nc-root.pem" nr.key v3_nc $start $end
issue "$out/nc-leaf.pem" "mx.example.net" xl.key "$out/nc-inter.pem" ni.key v3_leaf $start $end
echo "wrote $(ls "$out" | wc -l) files to tests/data/x509"
