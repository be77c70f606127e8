#pragma once
// The hub's storage, behind one interface so the embedded SQLite backend and the
// PostgreSQL backend (scale-out) behave the same; the same API tests run on both.
// Every method is safe to call from many request threads at once.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "motcua/domain/catalog.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/domain/lifecycle.hpp"
#include "motcua/protocol/wire.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/json.hpp"
#include "motcua/util/error.hpp"

namespace motcua::hub {

struct ImportCounts {
  int agencies = 0, sectors = 0, fields = 0, services = 0;
  int changed = 0;  // entities whose content differed and got a new sequence number
};

struct KioskRecord {
  std::string id;
  int number = 0;  // small integer printed in provisional codes (T01)
  std::string cert_fingerprint;
  bool revoked = false;
};

struct CreateResult {
  protocol::DossierAck ack;
  bool created = false;  // false: an idempotent repeat
};

struct DocumentReceipt {
  std::string dossier_client_id;
  std::string document_id;
  std::string sha256;  // of the bytes transferred (as declared)
  std::int64_t size = 0;
  // The stored content (the plaintext of a sealed document): its blob's name.
  std::optional<std::string> content_sha256;
  std::optional<std::int64_t> content_size;
};

class HubStore {
 public:
  virtual ~HubStore() = default;

  // ---- catalog
  virtual Result<ImportCounts> import_catalog(const domain::Catalog& catalog) = 0;
  virtual Result<protocol::CatalogPage> catalog_changes(std::int64_t after, int limit) = 0;
  virtual Result<domain::Catalog> catalog() = 0;
  virtual Result<std::optional<domain::Service>> service(const std::string& code) = 0;

  // ---- kiosks
  virtual Result<KioskRecord> register_kiosk(const std::string& id, const std::string& cert_fingerprint) = 0;
  virtual Result<std::optional<KioskRecord>> kiosk(const std::string& id) = 0;

  // ---- code leases
  // Reserves `count` consecutive official codes of today (Vietnam date) for the
  // agency, for this kiosk to print on receipts while offline.
  virtual Result<protocol::CodeLease> lease_codes(const std::string& kiosk_id, const std::string& agency_id, int count,
                                                  TimePoint now) = 0;

  // ---- dossiers
  // Idempotent on (kiosk_id, submission.client_id); content_hash identifies the
  // content. `personal` is the opened envelope (the hub is where it may be
  // read); a new dossier's is checked with protocol::validate_personal_data
  // against the service (its form, the choices' postal address) and refused
  // with invalid_argument, a repeat is answered without checking again.
  virtual Result<CreateResult> create_dossier(const std::string& kiosk_id, const protocol::Submission& s,
                                              const protocol::PersonalData& personal, const std::string& content_hash,
                                              TimePoint now) = 0;
  // The dossier's wrapped data key (SealedEnvelope::key), to open its documents.
  virtual Result<std::string> sealed_key(const std::string& kiosk_id, const std::string& client_id) = 0;
  virtual Result<bool> document_is_received(const std::string& kiosk_id, const std::string& client_id,
                                            const std::string& document_id) = 0;
  // Declared document of the kiosk's dossier (not_found / forbidden otherwise).
  virtual Result<protocol::DocumentDecl> declared_document(const std::string& kiosk_id,
                                                           const std::string& client_id,
                                                           const std::string& document_id) = 0;
  virtual Result<void> document_received(const std::string& kiosk_id, const DocumentReceipt& receipt) = 0;
  virtual Result<protocol::DossierAck> seal(const std::string& kiosk_id, const std::string& client_id,
                                            TimePoint now) = 0;

  // Status changes of the dossiers this kiosk took, after a cursor (the kiosk's
  // status cache and the purge of its local copies follow this feed).
  virtual Result<protocol::StatusPage> status_changes(const std::string& kiosk_id, std::int64_t after, int limit) = 0;

  // ---- service figures
  // Recomputes each service's figures from its dossiers and publishes the ones
  // that changed as catalog entities (kind "stats"). Returns how many changed.
  virtual Result<int> refresh_stats(TimePoint now) {
    (void)now;
    return fail(Errc::unavailable, "this storage backend does not compute service figures yet");
  }

  // ---- fleet
  virtual Result<void> record_heartbeat(const std::string& kiosk_id, const protocol::Heartbeat& heartbeat,
                                        TimePoint now) = 0;
  virtual Result<std::vector<protocol::KioskView>> kiosks() = 0;

  // Lookup by official or provisional code; the secret must match (not_found otherwise).
  virtual Result<protocol::StatusView> status(const std::string& code, const std::string& secret) = 0;

  // ---- officials
  virtual Result<std::vector<protocol::DossierSummary>> list_dossiers(std::optional<domain::DossierStatus> status,
                                                                       int limit, int offset) = 0;
  virtual Result<protocol::DossierDetail> dossier(const std::string& code) = 0;
  // Decides the transition with domain::decide against the dossier's history
  // (accepting fixes the appointment from the service's processing time and the
  // catalog's calendar) and appends the event atomically.
  virtual Result<protocol::DossierDetail> apply_action(const std::string& code,
                                                       const domain::TransitionRequest& request) = 0;
};

// Opens (creating and migrating) the embedded SQLite backend at path.
// The clock gives "now" for on-time classification.
Result<std::unique_ptr<HubStore>> open_sqlite_store(const std::string& path, const Clock& clock);

struct HubPaths;
// The backend `db_spec` names (the hub's --db option): empty → SQLite at
// DATA/hub.db; postgresql://… or postgres://… → PostgreSQL (postgres_store.hpp);
// sqlite:PATH or a plain path → SQLite at that path.
Result<std::unique_ptr<HubStore>> open_store(const std::string& db_spec, const HubPaths& paths, const Clock& clock);

// A dossier's opened personal data as both stores keep it (the `personal`
// column: protocol::PersonalData as JSON) into its detail; absent or
// unreadable leaves the name and phone the columns gave.
inline void apply_personal_data(protocol::DossierDetail& d, const std::optional<std::string>& stored) {
  if (!stored) return;
  auto j = parse_json(*stored);
  if (!j) return;
  auto p = protocol::personal_data_from_json(*j);
  if (!p) return;
  d.applicant = std::move(p->applicant);
  d.form = p->form.value_or(domain::FormValues{});
  d.postal_address = std::move(p->postal_address);
  d.consent = std::move(p->consent);
}

}  // namespace motcua::hub
