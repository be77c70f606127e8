#include "motcua/protocol/envelope.hpp"

#include <openssl/crypto.h>

#include "motcua/crypto/hash.hpp"

namespace motcua::protocol {

Result<SealedApplicant> seal_personal_data(const crypto::PKey& hub_public_key, const std::string& client_id,
                                           const PersonalData& data) {
  SealedApplicant out;
  out.key = crypto::new_data_key();
  auto wrapped = crypto::wrap_key(hub_public_key, out.key);
  if (!wrapped) return fail(wrapped.error());
  std::string plain = to_json(data).dump();
  const auto sealed = crypto::seal(
      out.key, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size()),
      client_id);
  out.envelope.key = crypto::base64(*wrapped);
  OPENSSL_cleanse(plain.data(), plain.size());
  out.envelope.applicant = crypto::base64(sealed);
  return out;
}

Result<SealedApplicant> seal_applicant(const crypto::PKey& hub_public_key, const std::string& client_id,
                                       const Applicant& applicant) {
  return seal_personal_data(hub_public_key, client_id, PersonalData{applicant, {}, {}, {}});
}

Result<crypto::DataKey> open_data_key(const crypto::PKey& hub_private_key, const SealedEnvelope& envelope) {
  std::vector<std::uint8_t> wrapped;
  if (!crypto::from_base64(envelope.key, wrapped)) return fail(Errc::invalid_argument, "sealed.key is not base64");
  auto key = crypto::unwrap_key(hub_private_key, wrapped);
  if (!key) return fail(Errc::invalid_argument, "sealed.key: " + key.error().message);
  return key;
}

Result<PersonalData> open_personal_data(const crypto::DataKey& key, const std::string& client_id,
                                        const SealedEnvelope& envelope) {
  std::vector<std::uint8_t> sealed;
  if (!crypto::from_base64(envelope.applicant, sealed))
    return fail(Errc::invalid_argument, "sealed.applicant is not base64");
  auto plain = crypto::open(key, sealed, client_id);
  if (!plain) return fail(Errc::invalid_argument, "sealed.applicant: " + plain.error().message);
  auto j = parse_json(std::string_view(reinterpret_cast<const char*>(plain->data()), plain->size()));
  OPENSSL_cleanse(plain->data(), plain->size());
  if (!j) return fail(Errc::invalid_argument, "sealed.applicant: " + j.error().message);
  auto data = personal_data_from_json(*j);
  if (!data) return fail(Errc::invalid_argument, "sealed.applicant: " + data.error().message);
  return data;
}

Result<Applicant> open_applicant(const crypto::DataKey& key, const std::string& client_id,
                                 const SealedEnvelope& envelope) {
  auto data = open_personal_data(key, client_id, envelope);
  if (!data) return fail(data.error());
  return validate_applicant(std::move(data->applicant));
}

}  // namespace motcua::protocol
