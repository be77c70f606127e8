#pragma once
// The public-service catalog: agencies, sectors (ngành), fields (lĩnh vực) and
// services (thủ tục hành chính / dịch vụ công), shaped like the national TTHC
// record. docs/catalog-format.md describes the JSON form used on the wire, in
// assets/catalog/ and by `motcua-admin catalog import`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "motcua/calendar/holiday_overrides.hpp"
#include "motcua/calendar/working_time.hpp"
#include "motcua/domain/eform.hpp"
#include "motcua/util/error.hpp"
#include "motcua/util/json.hpp"

namespace motcua::domain {

// The account an agency publishes for fees paid by bank transfer (the
// regulation: "bank transfer to the agency's published account"). The kiosk
// turns it into a VietQR code (motcua/domain/vietqr.hpp).
struct BankAccount {
  std::string bin;           // NAPAS bank identification number, 6 digits (e.g. 970436)
  std::string account;       // account number, 1–19 letters or digits
  std::string account_name;  // holder's name as registered at the bank (upper case, no diacritics)
  std::string bank_name;     // display name of the bank
  friend bool operator==(const BankAccount&, const BankAccount&) = default;
};

struct Agency {
  std::string id;  // QCVN 102:2016-style identifier, e.g. "H41.26.01"
  std::string name;
  std::string short_name;
  std::string address;
  std::string phone;
  std::string email;
  std::string hours;
  std::vector<std::string> aliases;  // old ids that still resolve (administrative mergers)
  std::optional<BankAccount> bank;   // absent: the agency takes no bank transfers
};

struct Sector {
  std::string id;
  std::string name;
};

struct Field {
  std::string id;
  std::string name;
  std::string sector;
};

// Online-service classification of 2022 (Decree 42/2022), used instead of or
// next to the 1–4 levels of Decree 43/2011.
enum class OnlineScope { none, partial /* một phần */, full /* toàn trình */ };

enum class ProcessingKind { same_day, working_days, days };

struct Processing {
  ProcessingKind kind = ProcessingKind::working_days;
  int days = 0;
  std::optional<std::string> cutoff;  // "15:00": received later counts from the next working day
  std::string text;
};

struct Fee {
  std::string name;
  std::int64_t amount = 0;  // VND
  std::string unit;
  std::string text;
};

enum class Channel { direct, online, post };

struct Method {
  Channel channel = Channel::direct;
  std::string time;
  std::string fee;
  std::string note;
};

struct RequiredDocument {
  std::string name;
  std::optional<std::string> form;
  int originals = 0;
  int copies = 0;
  bool required = true;
  std::optional<std::string> note;
};

struct LegalBasis {
  std::string number;
  std::string title;
  std::optional<std::string> date;
  std::optional<std::string> issuer;
};

struct Service {
  std::string code;  // national procedure code N.NNNNNN
  std::string name;
  std::string official_name;
  std::string field;
  std::string agency;
  std::optional<int> level;  // 1..4
  OnlineScope online_scope = OnlineScope::none;
  std::string summary;
  Processing processing;
  std::vector<Fee> fees;
  std::vector<Method> methods;
  std::vector<RequiredDocument> documents;
  std::vector<std::string> steps;
  std::string applicants;
  std::string result;
  std::vector<LegalBasis> legal_basis;
  std::optional<std::string> requirements;
  std::vector<std::string> keywords;
  // The e-form the applicant fills in at the kiosk (docs/eforms.md); absent:
  // the service asks for nothing beyond the applicant's identity.
  std::optional<EForm> form;

  // Level 3 and 4 (or any 2022 online classification) accept dossiers; below
  // that the kiosk only shows the guide. The domain core refines this per channel.
  bool accepts_submissions() const;
  // Sum of fixed fee amounts (the first unit of each row).
  std::int64_t base_fee() const;
};

// A question and its answer, published by the agency (the regulation's Q&A
// section [Hỏi đáp]).
struct QaEntry {
  std::string id;
  std::string question;
  std::string answer;
  std::optional<std::string> field;  // the field it concerns, if any
  std::optional<std::string> service;  // the procedure code it concerns, if any
  std::string published_at;  // YYYY-MM-DD
};

// A service's figures, computed by the hub from its dossiers (the regulation:
// usage frequency, and for level 3 and above the dossiers handled on time and
// overdue).
struct ServiceStats {
  std::string code;
  std::int64_t received_total = 0;
  std::int64_t received_last_year = 0;  // the 365 days before computed_at
  std::int64_t finished = 0;
  std::int64_t early = 0, on_time = 0, late = 0;
  std::int64_t open = 0, overdue = 0;  // not finished yet; of which past their appointment
  std::string computed_at;  // RFC 3339
};

struct Catalog {
  std::vector<Agency> agencies;
  std::vector<Sector> sectors;
  std::vector<Field> fields;
  std::vector<Service> services;
  // The Government's yearly holiday announcements (assets/calendar/), shipped
  // with the catalog so kiosks compute the same appointments as the hub.
  std::optional<calendar::HolidayOverrides> calendar;
  // Office hours of the province's one-stop desks (deadlines count in them);
  // the 07:30–11:30, 13:30–17:00 default when absent.
  std::optional<calendar::WorkingHours> working_hours;
  std::vector<QaEntry> qa;
  std::vector<ServiceStats> stats;  // from the hub; never imported
};

// {"sessions": ["07:30-11:30", "13:30-17:00"]}
Result<calendar::WorkingHours> working_hours_from_json(const Json&);

// JSON codecs. from_json functions report the offending entity and key.
Json to_json(const Agency&);
Json to_json(const Sector&);
Json to_json(const Field&);
Json to_json(const Service&);
Json to_json(const Catalog&);
Result<Agency> agency_from_json(const Json&);
Result<Sector> sector_from_json(const Json&);
Result<Field> field_from_json(const Json&);
Result<Service> service_from_json(const Json&);
Json to_json(const QaEntry&);
Result<QaEntry> qa_from_json(const Json&);
Json to_json(const ServiceStats&);
Result<ServiceStats> stats_from_json(const Json&);
// Parses a "motcua-catalog/1" document and checks references (every service's
// field and agency exist, codes unique and well-formed). With check_references
// false only the shape is checked (a partial import merged into a hub's catalog).
Result<Catalog> catalog_from_json(const Json&, bool check_references = true);
// Reference check over a whole catalog (after a merge).
Result<void> check_references(const Catalog&);

// The agency with this id, or whose aliases include it: codes printed before an
// administrative merger keep resolving to the agency that took over.
const Agency* find_agency(const Catalog& catalog, std::string_view id);

bool is_procedure_code(std::string_view code);  // N.NNNNNN
std::string_view to_string(OnlineScope);
std::string_view to_string(Channel);

}  // namespace motcua::domain
