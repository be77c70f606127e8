#pragma once
// The kiosk's local database (DATA/kiosk.db): catalog replica, outbox and status
// cache. Lives next to the sync engine because both the engine and the kiosk UI's
// worker use it; each thread opens its own KioskStore (one owner per connection).
// WAL + synchronous=FULL: an acknowledged write survives a power cut.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/x509.hpp"
#include "motcua/domain/catalog.hpp"
#include "motcua/protocol/wire.hpp"
#include "motcua/store/db.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace motcua::client {

// A document the citizen scanned, still in memory, about to be queued.
struct NewDocument {
  std::string id;  // "d1", "d2" ...
  std::string name;
  std::string content_type;  // image/jpeg
  std::vector<std::uint8_t> bytes;
};

struct NewDossier {
  std::string service_code;
  std::string agency_id;
  std::string service_name;
  protocol::Applicant applicant;
  std::vector<NewDocument> documents;
  std::optional<std::string> payment_method;   // domain::to_string(PaymentMethod)
  std::optional<std::string> result_delivery;  // domain::to_string(ResultDelivery)
  // E-form data (issue 6), sealed with the applicant: the service's form
  // answers (domain::validate_form), the postal address when anything goes by
  // post, the consent to the personal-data statement. With consent, queue()
  // checks everything with protocol::validate_personal_data against the
  // service in the replica, as the hub will; without it only name and phone
  // may be given.
  std::optional<domain::FormValues> form = std::nullopt;
  std::optional<protocol::PostalAddress> postal_address = std::nullopt;
  std::optional<protocol::Consent> consent = std::nullopt;
};

enum class OutboxState { queued, created, delivered };
std::string_view to_string(OutboxState);

// Free space a new dossier must leave on the kiosk's disk, so the sync engine can
// always record deliveries (and then purge delivered copies); 2 % of a disk
// smaller than 800 MiB.
inline constexpr std::uint64_t kDiskReserve = 16u << 20;

// Documents go up in chunks of this size (tus PATCH requests), growing up to
// the maximum on a fast link (client::TusUploaderOptions).
inline constexpr std::int64_t kUploadChunk = std::int64_t{8} << 20;
inline constexpr std::int64_t kUploadChunkMax = std::int64_t{128} << 20;

struct OutboxDocument {
  std::string id, name, content_type, sha256;
  std::filesystem::path path;  // relative to the data directory
  std::int64_t size = 0;
  bool uploaded = false;
  std::optional<std::string> upload_url;  // a resumable upload in progress
  std::int64_t chunk_size = 0;            // of chunk_digests: the first chunk's,
  std::int64_t chunk_max = 0;             // doubling up to this (0: all chunk_size)
  std::vector<crypto::Digest> chunk_digests;
};

struct OutboxEntry {
  std::string client_id;
  OutboxState state = OutboxState::queued;
  protocol::Submission submission;
  std::string service_name;
  // The code printed on the receipt at the kiosk: an official code from a block
  // the hub leased to this kiosk (leased = true, then also official_code), or a
  // provisional code the hub maps to an official one later.
  std::string receipt_code;
  bool leased = false;
  std::optional<std::string> official_code;
  std::string applicant_masked;
  std::int64_t attempts = 0;
  std::string last_error;
  TimePoint created_at;
  std::optional<TimePoint> delivered_at;
  std::vector<OutboxDocument> documents;

  const std::string& display_code() const { return official_code ? *official_code : receipt_code; }
};

// What a sync pass learned about one dossier from the hub.
struct DossierProgress {
  std::string client_id;
  std::optional<protocol::DossierAck> created;  // the create's answer (the official code)
  std::optional<protocol::DossierAck> sealed;   // the seal's answer: delivered
  std::optional<std::string> error;             // why it stopped short of the seal
};

struct CachedStatus {
  protocol::StatusView view;
  TimePoint fetched_at;
};

// The hub's public key for sealing citizen data, in the kiosk's data directory
// (written by `motcua-hub kiosk-bundle`).
inline constexpr const char* kSealKeyFile = "hub-seal.pem";

class KioskStore {
 public:
  // Opens (creating and migrating) DATA/kiosk.db.
  static Result<KioskStore> open(const std::filesystem::path& data_dir, const Clock& clock);

  const std::filesystem::path& data_dir() const { return data_dir_; }
  store::Db& db() { return db_; }

  // ---- settings the kiosk keeps locally
  Result<std::optional<std::string>> meta(const std::string& key);
  Result<void> set_meta(const std::string& key, const std::string& value);

  // ---- catalog replica
  Result<std::int64_t> catalog_cursor();
  // Applies the page and advances the cursor in one transaction.
  Result<void> apply_catalog_page(const protocol::CatalogPage& page);
  // The whole catalog, every service's full record.
  Result<domain::Catalog> load_catalog();
  // For the lists: services carry only code, name, field, agency, level, online
  // scope, processing time and keywords (everything else empty); the rest of the
  // catalog in full. Fast for a catalog of tens of thousands of services.
  Result<domain::Catalog> load_catalog_summaries();
  // One service's full record (nullopt if the catalog has no such service).
  Result<std::optional<domain::Service>> load_service(const std::string& code);
  // Agencies that receive dossiers through this kiosk (those of services level 3+).
  Result<std::vector<std::string>> receiving_agencies();

  // ---- code leases (official codes the hub reserved for this kiosk)
  Result<void> add_code_lease(const protocol::CodeLease& lease);
  // Leased codes of the agency still unused today (Vietnam date of `now`).
  Result<int> leased_codes_left(const std::string& agency_id);

  // ---- outbox
  // Writes every document durably (fsync + rename) under DATA/outbox/<client_id>/,
  // then inserts the dossier row in one transaction, taking the receipt code from
  // a leased block for the agency and today, or else a provisional code from the
  // kiosk's per-agency daily sequence. Either all of it is queued or nothing is
  // (files of a failed insert are removed).
  Result<OutboxEntry> enqueue(const NewDossier& dossier, int kiosk_number);
  Result<std::vector<OutboxEntry>> pending();  // not yet delivered, oldest first
  Result<std::optional<OutboxEntry>> find(const std::string& client_id);
  Result<std::int64_t> outbox_depth();
  Result<void> mark_created(const std::string& client_id, const protocol::DossierAck& ack);
  // The URL of the document's upload, kept so a restarted kiosk resumes it.
  Result<void> set_upload_url(const std::string& client_id, const std::string& document_id, const std::string& url);
  Result<void> mark_uploaded(const std::string& client_id, const std::string& document_id);
  Result<void> mark_delivered(const std::string& client_id, const protocol::DossierAck& ack);
  Result<void> record_failure(const std::string& client_id, const std::string& error);
  // The progress of several dossiers in one transaction (one fsync for the
  // batch): sealed ones are delivered (as mark_delivered, every document
  // uploaded), others get their official code and/or their error recorded.
  Result<void> record_progress(std::span<const DossierProgress> batch);

  // Delivered dossiers whose acknowledgement is older than `retention`: their
  // local files and outbox rows are removed (the status cache keeps the masked
  // summary for lookups). Also removes outbox folders no row refers to that are
  // older than an hour (left by a crash between writing files and committing).
  // Returns how many dossiers were purged.
  Result<int> purge_delivered(std::chrono::milliseconds retention);
  // Age of the oldest dossier not yet delivered.
  Result<std::optional<std::chrono::milliseconds>> oldest_pending_age();

  // ---- status feed (the hub's changes to this kiosk's dossiers)
  Result<std::int64_t> status_cursor();
  // Updates the status cache and advances the cursor in one transaction.
  Result<void> apply_status_page(const protocol::StatusPage& page);

  // ---- status cache (for lookups while offline)
  Result<void> cache_status(const protocol::StatusView& view, const std::string& secret);
  // Finds by official or provisional code, checking the secret.
  Result<std::optional<CachedStatus>> cached_status(const std::string& code, const std::string& secret);

 private:
  KioskStore(store::Db db, std::filesystem::path data_dir, const Clock& clock)
      : db_(std::move(db)), data_dir_(std::move(data_dir)), clock_(&clock) {}
  Result<OutboxEntry> read_entry(store::Stmt& row);
  // The rows of a delivered dossier, inside the caller's transaction.
  Result<void> write_delivered(const OutboxEntry& entry, const protocol::DossierAck& ack);
  Result<domain::Catalog> load_catalog_rows(bool summaries);
  store::Db db_;
  std::filesystem::path data_dir_;
  const Clock* clock_;
  std::shared_ptr<const crypto::PKey> seal_key_;  // absent: this kiosk cannot take dossiers
};

}  // namespace motcua::client
