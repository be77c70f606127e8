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

// Kiosk side: a fresh data key, wrapped for the hub, and the personal data
// (applicant, form answers, postal address, consent) sealed with it.
Result<SealedApplicant> seal_personal_data(const crypto::PKey& hub_public_key, const std::string& client_id,
                                           const PersonalData& data);
// The same for an applicant alone (name and phone: a dossier without e-form data).
Result<SealedApplicant> seal_applicant(const crypto::PKey& hub_public_key, const std::string& client_id,
                                       const Applicant& applicant);

// Hub side.
Result<crypto::DataKey> open_data_key(const crypto::PKey& hub_private_key, const SealedEnvelope& envelope);
// The sealed personal data, its shape checked; the content is checked against
// the service with validate_personal_data.
Result<PersonalData> open_personal_data(const crypto::DataKey& key, const std::string& client_id,
                                        const SealedEnvelope& envelope);
// The applicant of the sealed personal data, validated (validate_applicant).
Result<Applicant> open_applicant(const crypto::DataKey& key, const std::string& client_id,
                                 const SealedEnvelope& envelope);

}  // namespace motcua::protocol
