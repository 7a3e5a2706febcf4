// The template instantiations that separate compilation moves into one translation unit.
// No include guard: <dane/dane.hpp> includes it with DANE_EXTERN defined as `extern`
// (declarations), <dane/src.hpp> with DANE_EXTERN empty (definitions).
// Add here any instantiation with the Botan backends that is costly to compile.
namespace dane {
DANE_EXTERN template class dnssec::validator<crypto::botan_backend>;
DANE_EXTERN template class tlsa::detail::verifier<crypto::botan_x509>;
DANE_EXTERN template tlsa::verification
tlsa::verify<crypto::botan_x509>(const crypto::botan_x509&, std::span<const tlsa::record>,
                                 std::span<const bytes_view>, const tlsa::verify_options&);
DANE_EXTERN template tlsa::verification
tlsa::verify<crypto::botan_x509>(const crypto::botan_x509&, std::span<const tlsa::record>,
                                 const std::vector<byte_buffer>&, const tlsa::verify_options&);
DANE_EXTERN template result<tlsa::record>
tlsa::generate<crypto::botan_x509>(const crypto::botan_x509&, bytes_view, tlsa::cert_usage,
                                   tlsa::selector_type, tlsa::matching_type);
} // namespace dane
