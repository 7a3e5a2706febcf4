// Uses the Botan backend: SHA-256 of "abc" (FIPS 180-2 appendix B.1 gives the value).
#include <dane/core/codec.hpp>
#include <dane/crypto/botan.hpp>

#include <cstdio>

int main() {
    const dane::crypto::botan_backend crypto;
    auto digest = crypto.digest(dane::crypto::hash_algorithm::sha256, dane::as_bytes("abc"));
    if (!digest) return 1;
    auto hex = dane::to_hex(digest->bytes());
    std::printf("full: sha256(abc) = %s\n", hex.c_str());
    return hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" ? 0 : 1;
}
