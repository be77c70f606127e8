#pragma once
// The sealed parts of a submission (docs/api.md, "Sealed personal data"):
// kiosks seal the applicant and encrypt documents for the hub; the hub opens them.

#include <span>
#include <string>

#include "motcua/crypto/envelope.hpp"
#include "motcua/protocol/wire.hpp"

namespace motcua::protocol {

struct SealedApplicant {
  SealedEnvelope envelope;
  crypto::DataKey key;  // the kiosk encrypts the documents with it, then forgets it
};

// Kiosk side: a fresh data key, wrapped for the hub, and the applicant sealed with it.
Result<SealedApplicant> seal_applicant(const crypto::PKey& hub_public_key, const std::string& client_id,
                                       const Applicant& applicant);

// Hub side.
Result<crypto::DataKey> open_data_key(const crypto::PKey& hub_private_key, const SealedEnvelope& envelope);
Result<Applicant> open_applicant(const crypto::DataKey& key, const std::string& client_id,
                                 const SealedEnvelope& envelope);

}  // namespace motcua::protocol
