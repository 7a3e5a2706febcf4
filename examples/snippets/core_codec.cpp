#include <dane/core/codec.hpp>

#include <iostream>

int main() {
    dane::result<dane::byte_buffer> key = dane::from_base64("AwEA*b=="); // never throws
    if (!key) std::cout << "error: " << key.error().message() << '\n';
    auto ok = dane::from_base64("3q2+7w==");
    std::cout << dane::to_hex(ok.value()) << '\n'; // deadbeef
}
