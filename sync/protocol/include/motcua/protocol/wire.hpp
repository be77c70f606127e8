#pragma once
// Wire types of hub API v1 (docs/api.md) and their JSON codecs, shared by the
// hub, the kiosk's sync engine and motcua-admin so both ends agree by construction.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/domain/catalog.hpp"
#include "motcua/domain/eform.hpp"
#include "motcua/util/error.hpp"
#include "motcua/util/json.hpp"

namespace motcua::protocol {

inline constexpr int kApiVersion = 1;
inline constexpr std::string_view kApiPrefix = "/api/v1";
// Present on every hub response; a reply without it is never a success.
inline constexpr std::string_view kProtocolHeader = "X-Motcua-Protocol";
inline constexpr std::string_view kProtocolValue = "1";
inline constexpr std::string_view kSha256Header = "X-Content-SHA256";

// ---- errors
Json error_body(const Error& error);
// Reads an error body; falls back to the HTTP status when the body is not ours.
Error error_from_response(int http_status, std::string_view body);
int http_status_for(Errc code);
Errc errc_from_string(std::string_view code);

// ---- catalog feed
struct CatalogChange {
  std::int64_t seq = 0;
  std::string kind;  // agency | sector | field | service | calendar (key "overrides")
  std::string key;
  bool deleted = false;
  Json body;  // null when deleted
};

struct CatalogPage {
  std::vector<CatalogChange> changes;
  std::int64_t next = 0;
  bool more = false;
};

Json to_json(const CatalogPage&);
Result<CatalogPage> catalog_page_from_json(const Json&);

// ---- dossier submission
// The applicant as the CCCD identifies them (DOMAIN.md, identity payloads).
// The four optional members came with e-forms (issue 6): dossiers queued by an
// older kiosk carry only name and phone.
struct Applicant {
  std::string name;
  std::string phone;
  std::optional<std::string> id_number = std::nullopt;   // 12-digit CCCD number
  std::optional<std::string> birth_date = std::nullopt;  // yyyy-mm-dd
  std::optional<std::string> sex = std::nullopt;         // domain::to_string(Sex): male | female
  std::optional<std::string> address = std::nullopt;     // permanent residence, as on the card
  friend bool operator==(const Applicant&, const Applicant&) = default;
};

// Where the result (or the fee's paper trail) goes when the applicant chose the
// public postal service [dịch vụ bưu chính công ích].
struct PostalAddress {
  std::string recipient;  // who receives the letter
  std::string phone;      // the postman calls before delivering
  std::string street;     // house number, street, hamlet [thôn, xóm, ấp, tổ dân phố]
  std::string commune;    // xã / phường / đặc khu
  std::string province;   // tỉnh / thành phố
  friend bool operator==(const PostalAddress&, const PostalAddress&) = default;
};

// The applicant agreed to the personal-data statement [thông báo xử lý dữ liệu
// cá nhân] shown at the kiosk (Decree 13/2023/ND-CP: consent must be given
// before processing and be provable: which text, when).
struct Consent {
  std::string statement_version;  // the version of the statement the kiosk showed
  std::string at;                 // RFC 3339, when the applicant tapped "Đồng ý"
  friend bool operator==(const Consent&, const Consent&) = default;
};

// Everything personal in a dossier: sealed to the hub as one JSON object (the
// applicant's members at top level, so an envelope of an older kiosk — name and
// phone only — still opens). docs/api.md, "Sealed personal data".
struct PersonalData {
  Applicant applicant;
  // The service's e-form answers; absent only in dossiers sealed before e-forms.
  std::optional<domain::FormValues> form = std::nullopt;
  std::optional<PostalAddress> postal_address = std::nullopt;  // when anything goes by public post
  std::optional<Consent> consent = std::nullopt;
  friend bool operator==(const PersonalData&, const PersonalData&) = default;
};

// How a document travels: "mcenc1" = encrypted with the dossier's data key in
// the chunked format of crypto/envelope.hpp (what kiosks send), "identity" = as is.
inline constexpr std::string_view kEncodingSealed = "mcenc1";
inline constexpr std::string_view kEncodingIdentity = "identity";

struct DocumentDecl {
  std::string id;  // unique within the dossier
  std::string name;
  std::string content_type;
  std::int64_t size = 0;   // of the bytes sent (encrypted for mcenc1)
  std::string sha256;      // hex, of the bytes sent
  std::string encoding = std::string(kEncodingSealed);
};

// Personal data sealed to the hub (crypto/envelope.hpp): the dossier's data key
// wrapped with the hub's public key, and the applicant encrypted with it (the
// client id as associated data, so it cannot be moved to another dossier).
struct SealedEnvelope {
  std::string key;        // base64 RSA-OAEP(SHA-256) of the 32-byte data key
  std::string applicant;  // base64 nonce | AES-256-GCM(PersonalData as JSON) | tag
};

// Upper bound of the sealed personal data (base64 decoded): applicant, a form
// of up to 100 answers, postal address, consent.
inline constexpr std::size_t kMaxSealedPersonalData = 256 * 1024;

struct Submission {
  std::string client_id;  // UUIDv7 made by the kiosk
  std::string service_code;
  std::string submitted_at;  // RFC 3339
  // At most one of these: the code printed on the receipt while the hub was out
  // of reach — an official code from a block the hub leased to this kiosk, or a
  // provisional code the hub maps to an official one.
  std::optional<std::string> provisional_code;
  std::optional<std::string> leased_code;
  std::string lookup_secret;
  SealedEnvelope sealed;
  std::vector<DocumentDecl> documents;
  // The applicant's choices among what the service's level offers
  // (domain/service_rules.hpp keys: at_desk, public_post, online, bank_transfer).
  std::optional<std::string> payment_method;
  std::optional<std::string> result_delivery;
};

Json to_json(const Submission&);
// Validates every field (UUIDv7, procedure code, secret alphabet, sha256 hex,
// unique document ids, envelope shape) with a message naming the field.
Result<Submission> submission_from_json(const Json&);
// The applicant once the hub opened the envelope: 2–100 characters of UTF-8 and
// a Vietnamese phone number (normalised); when present, a citizen ID number
// (domain::validate_citizen_id, checked against birth date and sex), a birth
// date yyyy-mm-dd from 1900 on, sex male|female, an address of 2–300 characters.
Result<Applicant> validate_applicant(Applicant applicant);
Json to_json(const Applicant&);
Result<Applicant> applicant_from_json(const Json&);

Json to_json(const PostalAddress&);
Json to_json(const Consent&);
Json to_json(const PersonalData&);
// Shape only (types, a form of strings); validate_personal_data checks content.
Result<PersonalData> personal_data_from_json(const Json&);

// The one check of a dossier's personal data, run by the kiosk before sealing
// and by the hub after opening (docs/api.md, "Sealed personal data"):
// - with consent (what kiosks with e-forms send): the applicant's ID number,
//   birth date, sex and address are required; the form answers are required
//   and checked with domain::validate_form against the service's form (a
//   service without a form takes no answers); a postal address is required when
//   the payment or the result goes by public post, and dropped otherwise;
// - without consent, only name and phone are accepted: a dossier queued by a
//   kiosk older than e-forms. Anything more without consent is refused.
// Returns the data normalised (phone numbers, ID number, hidden form fields and
// empty answers dropped). Errc::invalid_argument names the first problem;
// form problems list every "field: form.err_… key".
Result<PersonalData> validate_personal_data(PersonalData data, const domain::Service& service,
                                            const std::optional<std::string>& payment_method,
                                            const std::optional<std::string>& result_delivery);

struct DossierAck {
  std::string client_id;
  std::string code;
  std::optional<std::string> provisional_code;
  std::string status;  // receiving | submitted | ... (status key)
  std::string received_at;
  std::optional<std::string> sealed_at;
  std::vector<std::string> missing_documents;
};

Json to_json(const DossierAck&);
Result<DossierAck> dossier_ack_from_json(const Json&);

// ---- code leases: blocks of official codes a kiosk may print while offline
struct CodeLeaseRequest {
  std::string agency_id;
  int count = 20;
};
struct CodeLease {
  std::string agency_id;
  std::string day;  // yymmdd, Vietnam date the codes belong to
  int first = 0;    // sequence numbers, inclusive
  int last = 0;
};
Json to_json(const CodeLeaseRequest&);
Result<CodeLeaseRequest> code_lease_request_from_json(const Json&);
Json to_json(const CodeLease&);
Result<CodeLease> code_lease_from_json(const Json&);

// ---- status
struct StatusEvent {
  std::string at;
  std::string actor;        // who: "kiosk:KIOSK-01", "admin", a user
  std::string actor_role;   // citizen | staff | official | system
  std::string action;       // action key: accept, request-supplement, ...
  std::string label;        // the action in Vietnamese
  std::string status;       // status key after the event
  std::optional<std::string> note;
  std::optional<std::string> appointment;  // set by accept and extend
};

struct StatusView {
  std::string code;
  std::optional<std::string> provisional_code;
  std::string service_code;
  std::string service_name;
  std::string agency_id;
  std::string applicant;  // masked
  std::string status;
  int status_code = 0;
  std::string status_label;
  std::string received_at;
  std::optional<std::string> due_at;  // the appointment in force
  std::string timeliness;             // not_applicable | not_yet_due | overdue | early | on_time | late
  std::string timeliness_label;       // Vietnamese, empty for not_applicable
  std::string updated_at;
  std::vector<StatusEvent> events;
};

Json to_json(const StatusView&);
Result<StatusView> status_view_from_json(const Json&);

// ---- status feed: changes of the dossiers one kiosk took, after a cursor
struct StatusChange {
  std::int64_t seq = 0;
  std::string client_id;
  StatusView view;
};
struct StatusPage {
  std::vector<StatusChange> changes;
  std::int64_t next = 0;
  bool more = false;
};
Json to_json(const StatusPage&);
Result<StatusPage> status_page_from_json(const Json&);

// ---- heartbeat: how a kiosk is doing, for the fleet view
struct Heartbeat {
  std::string version;
  std::int64_t outbox_depth = 0;
  std::optional<std::int64_t> oldest_queued_age_s;  // age of the oldest undelivered dossier
  std::optional<std::string> last_sync_at;          // last successful pass (RFC 3339)
  std::optional<std::string> catalog_synced_at;
  std::int64_t free_disk_bytes = 0;
  std::int64_t catalog_cursor = 0;
  std::int64_t status_cursor = 0;
  std::string sent_at;
};
Json to_json(const Heartbeat&);
Result<Heartbeat> heartbeat_from_json(const Json&);

struct KioskView {
  std::string id;
  int number = 0;
  bool revoked = false;
  std::optional<std::string> last_seen_at;  // when the hub received the last heartbeat
  std::optional<Heartbeat> heartbeat;
};
Json to_json(const KioskView&);
Result<KioskView> kiosk_view_from_json(const Json&);

// ---- admin
struct DossierSummary {
  std::string code;
  std::optional<std::string> provisional_code;
  std::string service_code;
  std::string service_name;
  std::string status;
  int status_code = 0;
  std::string status_label;
  std::string kiosk_id;
  std::string applicant_name;
  std::string received_at;
  std::string updated_at;
  std::optional<std::string> due_at;
  std::string timeliness;
};

struct DocumentView {
  std::string id, name, content_type, sha256;
  std::int64_t size = 0;
  bool received = false;
};

struct DossierDetail {
  DossierSummary summary;
  std::string client_id;
  Applicant applicant;
  domain::FormValues form = {};                 // the e-form's answers (empty for older dossiers)
  std::optional<PostalAddress> postal_address = std::nullopt;
  std::optional<Consent> consent = std::nullopt;
  std::optional<std::string> payment_method;
  std::optional<std::string> result_delivery;
  std::vector<DocumentView> documents;
  std::vector<StatusEvent> events;
};

Json to_json(const DossierSummary&);
Result<DossierSummary> dossier_summary_from_json(const Json&);
Json to_json(const DossierDetail&);
Result<DossierDetail> dossier_detail_from_json(const Json&);

struct ActionRequest {
  std::string action;
  std::optional<std::string> note;
  std::string actor_role = "official";     // staff | official | citizen (at the desk)
  std::optional<std::string> appointment;  // RFC 3339, for extend
};
Json to_json(const ActionRequest&);
Result<ActionRequest> action_request_from_json(const Json&);

}  // namespace motcua::protocol
