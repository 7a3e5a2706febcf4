// Every public header of dane, for programs that would rather not pick (README.md,
// "Compile cost", measures what that costs). With DANE_SEPARATE_COMPILATION defined, the
// templates instantiated with the Botan backends are declared `extern template` here and
// compiled once, in the translation unit that includes <dane/src.hpp>.
#pragma once

#include "dane/core/bytes.hpp"
#include "dane/core/civil_time.hpp"
#include "dane/core/codec.hpp"
#include "dane/core/config.hpp"
#include "dane/core/error.hpp"
#include "dane/core/result.hpp"
#include "dane/core/serial.hpp"
#include "dane/crypto/backend.hpp"
#include "dane/crypto/botan.hpp"
#include "dane/crypto/botan_x509.hpp"
#include "dane/crypto/x509.hpp"
#include "dane/dns/address.hpp"
#include "dane/dns/edns.hpp"
#include "dane/dns/error.hpp"
#include "dane/dns/message.hpp"
#include "dane/dns/message_builder.hpp"
#include "dane/dns/name.hpp"
#include "dane/dns/rdata.hpp"
#include "dane/dns/record.hpp"
#include "dane/dns/types.hpp"
#include "dane/dns/wire_name.hpp"
#include "dane/dns/zone_parser.hpp"
#include "dane/dnssec/canonical.hpp"
#include "dane/dnssec/chain.hpp"
#include "dane/dnssec/denial.hpp"
#include "dane/dnssec/ds.hpp"
#include "dane/dnssec/error.hpp"
#include "dane/dnssec/keytag.hpp"
#include "dane/dnssec/limits.hpp"
#include "dane/dnssec/nsec.hpp"
#include "dane/dnssec/nsec3.hpp"
#include "dane/dnssec/proof.hpp"
#include "dane/dnssec/rrsig.hpp"
#include "dane/dnssec/signer.hpp"
#include "dane/dnssec/trust_anchor.hpp"
#include "dane/dnssec/validator.hpp"
#include "dane/dnssec/verdict.hpp"
#include "dane/tlsa/botan_tls.hpp"
#include "dane/tlsa/error.hpp"
#include "dane/tlsa/generate.hpp"
#include "dane/tlsa/identity.hpp"
#include "dane/tlsa/match.hpp"
#include "dane/tlsa/record.hpp"
#include "dane/tlsa/verify.hpp"

#if defined(DANE_SEPARATE_COMPILATION)
#define DANE_EXTERN extern
#include "dane/detail/instances.ipp"
#undef DANE_EXTERN
#endif
