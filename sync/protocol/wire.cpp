#include "motcua/protocol/wire.hpp"

#include <set>

#include "motcua/crypto/hash.hpp"
#include "motcua/calendar/civil_date.hpp"
#include "motcua/domain/catalog.hpp"
#include "motcua/domain/citizen_id.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/domain/service_rules.hpp"
#include "motcua/text/utf8.hpp"
#include "motcua/util/ids.hpp"

namespace motcua::protocol {

namespace {

Json opt(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

[[noreturn]] void invalid(const Json& j, const std::string& what) {
  throw nlohmann::json::other_error::create(501, what, &j);
}

bool is_hex_digest(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

StatusEvent event_from(const Json& e) {
  return StatusEvent{e.at("at").get<std::string>(), str_or(e, "actor"), str_or(e, "actor_role"),
                     str_or(e, "action"),           str_or(e, "label"), str_or(e, "status"),
                     opt_string(e, "note"),         opt_string(e, "appointment")};
}

Json events_json(const std::vector<StatusEvent>& events) {
  Json arr = Json::array();
  for (const auto& e : events)
    arr.push_back({{"at", e.at},         {"actor", e.actor},   {"actor_role", e.actor_role},
                   {"action", e.action}, {"label", e.label},   {"status", e.status},
                   {"note", opt(e.note)}, {"appointment", opt(e.appointment)}});
  return arr;
}

}  // namespace

// ---- errors

Json error_body(const Error& error) {
  return Json{{"error", {{"code", to_string(error.code)}, {"message", error.message}}}};
}

Errc errc_from_string(std::string_view code) {
  static constexpr Errc kAll[] = {Errc::invalid_argument, Errc::not_found, Errc::conflict,
                                  Errc::io, Errc::disk_full, Errc::corrupt, Errc::database,
                                  Errc::network, Errc::protocol, Errc::unauthorized,
                                  Errc::forbidden, Errc::unavailable, Errc::rate_limited, Errc::internal};
  for (Errc e : kAll)
    if (to_string(e) == code) return e;
  return Errc::internal;
}

int http_status_for(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return 400;
    case Errc::unauthorized: return 401;
    case Errc::forbidden: return 403;
    case Errc::not_found: return 404;
    case Errc::conflict: return 409;
    case Errc::unavailable: return 503;
    case Errc::rate_limited: return 429;
    case Errc::disk_full: return 507;
    default: return 500;
  }
}

Error error_from_response(int http_status, std::string_view body) {
  auto j = parse_json(body);
  if (j && j->is_object() && j->contains("error") && (*j)["error"].is_object()) {
    const auto& e = (*j)["error"];
    return Error{errc_from_string(str_or(e, "code", "internal")), str_or(e, "message", "hub error")};
  }
  Errc code = Errc::internal;
  if (http_status == 400) code = Errc::invalid_argument;
  else if (http_status == 401) code = Errc::unauthorized;
  else if (http_status == 403) code = Errc::forbidden;
  else if (http_status == 404) code = Errc::not_found;
  else if (http_status == 409) code = Errc::conflict;
  else if (http_status == 503) code = Errc::unavailable;
  else if (http_status == 429) code = Errc::rate_limited;
  return Error{code, "hub answered HTTP " + std::to_string(http_status)};
}

// ---- catalog

Json to_json(const CatalogPage& p) {
  Json changes = Json::array();
  for (const auto& c : p.changes)
    changes.push_back({{"seq", c.seq}, {"kind", c.kind}, {"key", c.key}, {"deleted", c.deleted},
                       {"body", c.deleted ? Json(nullptr) : c.body}});
  return Json{{"changes", changes}, {"next", p.next}, {"more", p.more}};
}

Result<CatalogPage> catalog_page_from_json(const Json& j) {
  return decode_json<CatalogPage>("catalog page", [&] {
    CatalogPage p;
    p.next = j.at("next").get<std::int64_t>();
    p.more = j.at("more").get<bool>();
    std::int64_t last = 0;
    for (const auto& c : j.at("changes")) {
      CatalogChange ch;
      ch.seq = c.at("seq").get<std::int64_t>();
      ch.kind = c.at("kind").get<std::string>();
      ch.key = c.at("key").get<std::string>();
      ch.deleted = c.value("deleted", false);
      ch.body = c.value("body", Json(nullptr));
      if (ch.seq <= last) invalid(c, "changes must be in increasing seq order");
      if (ch.kind != "agency" && ch.kind != "sector" && ch.kind != "field" && ch.kind != "service" &&
          ch.kind != "calendar" && ch.kind != "qa" && ch.kind != "stats")
        invalid(c, "unknown kind " + ch.kind);
      if (!ch.deleted && !ch.body.is_object()) invalid(c, "body must be an object");
      last = ch.seq;
      p.changes.push_back(std::move(ch));
    }
    if (!p.changes.empty() && p.next < last) invalid(j, "next is behind the last change");
    return p;
  });
}

// ---- submission

Json to_json(const Submission& s) {
  Json docs = Json::array();
  for (const auto& d : s.documents)
    docs.push_back({{"id", d.id}, {"name", d.name}, {"content_type", d.content_type},
                    {"size", d.size}, {"sha256", d.sha256}, {"encoding", d.encoding}});
  return Json{{"client_id", s.client_id},
              {"service_code", s.service_code},
              {"submitted_at", s.submitted_at},
              {"provisional_code", opt(s.provisional_code)},
              {"leased_code", opt(s.leased_code)},
              {"lookup_secret", s.lookup_secret},
              {"sealed", {{"key", s.sealed.key}, {"applicant", s.sealed.applicant}}},
              {"documents", docs},
              {"payment_method", opt(s.payment_method)},
              {"result_delivery", opt(s.result_delivery)}};
}

Result<Submission> submission_from_json(const Json& j) {
  return decode_json<Submission>("dossier", [&] {
    if (!j.is_object()) invalid(j, "must be a JSON object");
    Submission s;
    s.client_id = j.at("client_id").get<std::string>();
    if (!is_uuid_v7(s.client_id)) invalid(j, "client_id must be a UUIDv7");
    s.service_code = j.at("service_code").get<std::string>();
    if (!domain::is_procedure_code(s.service_code)) invalid(j, "service_code must look like 1.001193");
    s.submitted_at = j.at("submitted_at").get<std::string>();
    TimePoint t;
    if (!parse_rfc3339(s.submitted_at, t)) invalid(j, "submitted_at must be an RFC 3339 time");
    s.provisional_code = opt_string(j, "provisional_code");
    if (s.provisional_code) {
      auto code = domain::parse_dossier_code(*s.provisional_code);
      if (!code || !code->provisional()) invalid(j, "provisional_code is not a provisional dossier code");
    }
    s.leased_code = opt_string(j, "leased_code");
    if (s.leased_code) {
      auto code = domain::parse_dossier_code(*s.leased_code);
      if (!code || code->provisional()) invalid(j, "leased_code is not an official dossier code");
      if (s.provisional_code) invalid(j, "a dossier has a leased_code or a provisional_code, not both");
    }
    auto secret = domain::normalize_lookup_secret(j.at("lookup_secret").get<std::string>());
    if (!secret) invalid(j, "lookup_secret: " + secret.error().message);
    s.lookup_secret = *secret;
    if (j.contains("applicant"))
      invalid(j, "applicant must be sealed to the hub (sealed.applicant), never sent in the clear");
    const auto& sealed = j.at("sealed");
    s.sealed.key = sealed.at("key").get<std::string>();
    s.sealed.applicant = sealed.at("applicant").get<std::string>();
    std::vector<std::uint8_t> bytes;
    if (!crypto::from_base64(s.sealed.key, bytes) || bytes.size() < 128 || bytes.size() > 1024)
      invalid(j, "sealed.key must be a base64 RSA-OAEP wrapped key");
    if (!crypto::from_base64(s.sealed.applicant, bytes) || bytes.size() < 28 || bytes.size() > kMaxSealedPersonalData)
      invalid(j, "sealed.applicant must be base64 AES-GCM sealed data");
    std::set<std::string> ids;
    for (const auto& d : j.at("documents")) {
      DocumentDecl doc;
      doc.id = d.at("id").get<std::string>();
      if (doc.id.empty() || doc.id.size() > 64 || doc.id.find('/') != std::string::npos)
        invalid(d, "document id must be 1–64 characters without '/'");
      if (!ids.insert(doc.id).second) invalid(d, "document id " + doc.id + " appears twice");
      doc.name = d.at("name").get<std::string>();
      doc.content_type = d.at("content_type").get<std::string>();
      doc.size = d.at("size").get<std::int64_t>();
      if (doc.size < 0) invalid(d, "size must not be negative");
      doc.sha256 = d.at("sha256").get<std::string>();
      if (!is_hex_digest(doc.sha256)) invalid(d, "sha256 must be 64 lower-case hex digits");
      doc.encoding = d.value("encoding", std::string(kEncodingSealed));
      if (doc.encoding != kEncodingSealed && doc.encoding != kEncodingIdentity)
        invalid(d, "encoding must be mcenc1 or identity");
      s.documents.push_back(std::move(doc));
    }
    if (s.documents.size() > 100) invalid(j, "at most 100 documents per dossier");
    s.payment_method = opt_string(j, "payment_method");
    if (s.payment_method && !domain::payment_method_from_string(*s.payment_method))
      invalid(j, "payment_method must be at_desk, public_post, online or bank_transfer");
    s.result_delivery = opt_string(j, "result_delivery");
    if (s.result_delivery && !domain::result_delivery_from_string(*s.result_delivery))
      invalid(j, "result_delivery must be at_desk, public_post or online");
    return s;
  });
}

Json to_json(const DossierAck& a) {
  return Json{{"dossier",
               {{"client_id", a.client_id},
                {"code", a.code},
                {"provisional_code", opt(a.provisional_code)},
                {"status", a.status},
                {"received_at", a.received_at},
                {"sealed_at", opt(a.sealed_at)},
                {"missing_documents", a.missing_documents}}}};
}

Result<DossierAck> dossier_ack_from_json(const Json& j) {
  return decode_json<DossierAck>("dossier acknowledgement", [&] {
    const auto& d = j.at("dossier");
    DossierAck a;
    a.client_id = d.at("client_id").get<std::string>();
    a.code = d.at("code").get<std::string>();
    a.provisional_code = opt_string(d, "provisional_code");
    a.status = d.at("status").get<std::string>();
    a.received_at = str_or(d, "received_at");
    a.sealed_at = opt_string(d, "sealed_at");
    if (d.contains("missing_documents"))
      a.missing_documents = d["missing_documents"].get<std::vector<std::string>>();
    return a;
  });
}

namespace {

bool text_ok(const std::string& s, std::size_t min, std::size_t max) {
  if (!utf8::valid(s)) return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20) return false;
  const auto n = utf8::length(s);
  return n >= min && n <= max;
}

void set_opt(Json& j, const char* key, const std::optional<std::string>& v) {
  if (v) j[key] = *v;
}

Applicant applicant_members(const Json& j) {
  Applicant a{j.at("name").get<std::string>(), j.at("phone").get<std::string>()};
  a.id_number = opt_string(j, "id_number");
  a.birth_date = opt_string(j, "birth_date");
  a.sex = opt_string(j, "sex");
  a.address = opt_string(j, "address");
  return a;
}

}  // namespace

Result<Applicant> validate_applicant(Applicant a) {
  if (!utf8::valid(a.name) || utf8::length(a.name) < 2 || utf8::length(a.name) > 100)
    return fail(Errc::invalid_argument, "applicant.name must be 2–100 characters of UTF-8");
  auto phone = domain::normalize_phone(a.phone);
  if (!phone) return fail(Errc::invalid_argument, "applicant.phone: " + phone.error().message);
  a.phone = *phone;
  std::optional<calendar::CivilDate> birth;
  if (a.birth_date) {
    auto d = calendar::parse_date(*a.birth_date);
    if (!d || d->year < 1900) return fail(Errc::invalid_argument, "applicant.birth_date must be a date yyyy-mm-dd from 1900 on");
    birth = *d;
  }
  std::optional<domain::Sex> sex;
  if (a.sex) {
    sex = domain::sex_from_string(*a.sex);
    if (!sex) return fail(Errc::invalid_argument, "applicant.sex must be male or female");
  }
  if (a.id_number) {
    auto id = domain::validate_citizen_id(*a.id_number, birth, sex);
    if (!id) return fail(Errc::invalid_argument, "applicant.id_number: " + id.error().message);
    a.id_number = *id;
  }
  if (a.address && !text_ok(*a.address, 2, 300))
    return fail(Errc::invalid_argument, "applicant.address must be 2–300 characters of UTF-8 on one line");
  return a;
}

Json to_json(const Applicant& a) {
  // The members of issue 6 only when set: an older kiosk's envelope reads the same.
  Json j{{"name", a.name}, {"phone", a.phone}};
  set_opt(j, "id_number", a.id_number);
  set_opt(j, "birth_date", a.birth_date);
  set_opt(j, "sex", a.sex);
  set_opt(j, "address", a.address);
  return j;
}

Result<Applicant> applicant_from_json(const Json& j) {
  auto a = decode_json<Applicant>("applicant", [&] { return applicant_members(j); });
  if (!a) return fail(a.error());
  return validate_applicant(std::move(*a));
}

Json to_json(const PostalAddress& p) {
  return Json{{"recipient", p.recipient}, {"phone", p.phone}, {"street", p.street},
              {"commune", p.commune},     {"province", p.province}};
}

Json to_json(const Consent& c) { return Json{{"statement_version", c.statement_version}, {"at", c.at}}; }

Json to_json(const PersonalData& d) {
  Json j = to_json(d.applicant);
  if (d.form) j["form"] = *d.form;
  if (d.postal_address) j["postal_address"] = to_json(*d.postal_address);
  if (d.consent) j["consent"] = to_json(*d.consent);
  return j;
}

Result<PersonalData> personal_data_from_json(const Json& j) {
  auto d = decode_json<PersonalData>("personal data", [&] {
    if (!j.is_object()) invalid(j, "must be a JSON object");
    PersonalData p;
    p.applicant = applicant_members(j);
    if (const auto it = j.find("postal_address"); it != j.end() && !it->is_null())
      p.postal_address = PostalAddress{it->at("recipient").get<std::string>(), it->at("phone").get<std::string>(),
                                       it->at("street").get<std::string>(), it->at("commune").get<std::string>(),
                                       it->at("province").get<std::string>()};
    if (const auto it = j.find("consent"); it != j.end() && !it->is_null())
      p.consent = Consent{it->at("statement_version").get<std::string>(), it->at("at").get<std::string>()};
    return p;
  });
  if (!d) return fail(d.error());
  if (const auto it = j.find("form"); it != j.end() && !it->is_null()) {
    auto form = domain::form_values_from_json(*it);
    if (!form) return fail(form.error());
    d->form = std::move(*form);
  }
  return d;
}

Result<PersonalData> validate_personal_data(PersonalData d, const domain::Service& service,
                                            const std::optional<std::string>& payment_method,
                                            const std::optional<std::string>& result_delivery) {
  auto applicant = validate_applicant(std::move(d.applicant));
  if (!applicant) return fail(applicant.error());
  d.applicant = std::move(*applicant);
  const Applicant& a = d.applicant;
  if (!d.consent) {
    // A dossier queued before e-forms: name and phone, accepted as then.
    if (d.form || d.postal_address || a.id_number || a.birth_date || a.sex || a.address)
      return fail(Errc::invalid_argument,
                  "consent to the personal-data statement is required with the applicant's details");
    return d;
  }
  if (d.consent->statement_version.empty() || d.consent->statement_version.size() > 64)
    return fail(Errc::invalid_argument, "consent.statement_version must be 1–64 characters");
  if (TimePoint t; !parse_rfc3339(d.consent->at, t))
    return fail(Errc::invalid_argument, "consent.at must be an RFC 3339 time");
  if (!a.id_number || !a.birth_date || !a.sex || !a.address)
    return fail(Errc::invalid_argument, "applicant.id_number, birth_date, sex and address are required");
  if (!d.form) return fail(Errc::invalid_argument, "form: the service's form answers are required (may be empty)");
  static const domain::EForm kNoForm;
  const domain::EForm& form = service.form ? *service.form : kNoForm;
  if (const auto errors = domain::validate_form(form, *d.form); !errors.empty()) {
    std::string msg = "form of service " + service.code + ":";
    for (const auto& e : errors) msg += " " + e.field + ": " + e.key + ";";
    msg.pop_back();
    return fail(Errc::invalid_argument, std::move(msg));
  }
  d.form = domain::normalize_form_values(form, std::move(*d.form));
  const bool by_post = payment_method == domain::to_string(domain::PaymentMethod::public_post) ||
                       result_delivery == domain::to_string(domain::ResultDelivery::public_post);
  if (!by_post) {
    d.postal_address.reset();  // collected for the post only; not kept otherwise
    return d;
  }
  if (!d.postal_address)
    return fail(Errc::invalid_argument, "postal_address is required when the payment or the result goes by post");
  auto& p = *d.postal_address;
  if (!text_ok(p.recipient, 2, 100)) return fail(Errc::invalid_argument, "postal_address.recipient must be 2–100 characters");
  auto phone = domain::normalize_phone(p.phone);
  if (!phone) return fail(Errc::invalid_argument, "postal_address.phone: " + phone.error().message);
  p.phone = *phone;
  if (!text_ok(p.street, 2, 200)) return fail(Errc::invalid_argument, "postal_address.street must be 2–200 characters");
  if (!text_ok(p.commune, 2, 100)) return fail(Errc::invalid_argument, "postal_address.commune must be 2–100 characters");
  if (!text_ok(p.province, 2, 100))
    return fail(Errc::invalid_argument, "postal_address.province must be 2–100 characters");
  return d;
}

// ---- code leases

Json to_json(const CodeLeaseRequest& r) { return Json{{"agency_id", r.agency_id}, {"count", r.count}}; }

Result<CodeLeaseRequest> code_lease_request_from_json(const Json& j) {
  return decode_json<CodeLeaseRequest>("code lease request", [&] {
    CodeLeaseRequest r;
    r.agency_id = j.at("agency_id").get<std::string>();
    r.count = j.value("count", 20);
    if (!domain::is_agency_id(r.agency_id)) invalid(j, "agency_id is not an agency identifier");
    if (r.count < 1 || r.count > 500) invalid(j, "count must be 1–500");
    return r;
  });
}

Json to_json(const CodeLease& l) {
  return Json{{"lease", {{"agency_id", l.agency_id}, {"day", l.day}, {"first", l.first}, {"last", l.last}}}};
}

Result<CodeLease> code_lease_from_json(const Json& j) {
  return decode_json<CodeLease>("code lease", [&] {
    const auto& l = j.at("lease");
    CodeLease c{l.at("agency_id").get<std::string>(), l.at("day").get<std::string>(), l.at("first").get<int>(),
                l.at("last").get<int>()};
    if (c.first < 1 || c.last < c.first || c.day.size() != 6) invalid(j, "lease range or day is invalid");
    return c;
  });
}

// ---- status

Json to_json(const StatusView& v) {
  return Json{{"code", v.code},
              {"provisional_code", opt(v.provisional_code)},
              {"service_code", v.service_code},
              {"service_name", v.service_name},
              {"agency_id", v.agency_id},
              {"applicant", v.applicant},
              {"status", v.status},
              {"status_code", v.status_code},
              {"status_label", v.status_label},
              {"received_at", v.received_at},
              {"due_at", opt(v.due_at)},
              {"timeliness", v.timeliness},
              {"timeliness_label", v.timeliness_label},
              {"updated_at", v.updated_at},
              {"events", events_json(v.events)}};
}

Result<StatusView> status_view_from_json(const Json& j) {
  return decode_json<StatusView>("status", [&] {
    StatusView v;
    v.code = j.at("code").get<std::string>();
    v.provisional_code = opt_string(j, "provisional_code");
    v.service_code = str_or(j, "service_code");
    v.service_name = str_or(j, "service_name");
    v.agency_id = str_or(j, "agency_id");
    v.applicant = str_or(j, "applicant");
    v.status = j.at("status").get<std::string>();
    v.status_code = static_cast<int>(int_or(j, "status_code", 0));
    v.status_label = str_or(j, "status_label");
    v.received_at = str_or(j, "received_at");
    v.due_at = opt_string(j, "due_at");
    v.timeliness = str_or(j, "timeliness", "not_applicable");
    v.timeliness_label = str_or(j, "timeliness_label");
    v.updated_at = str_or(j, "updated_at");
    if (j.contains("events"))
      for (const auto& e : j["events"]) v.events.push_back(event_from(e));
    return v;
  });
}

// ---- status feed

Json to_json(const StatusPage& p) {
  Json changes = Json::array();
  for (const auto& c : p.changes) changes.push_back({{"seq", c.seq}, {"client_id", c.client_id}, {"status", to_json(c.view)}});
  return Json{{"changes", changes}, {"next", p.next}, {"more", p.more}};
}

Result<StatusPage> status_page_from_json(const Json& j) {
  return decode_json<StatusPage>("status page", [&] {
    StatusPage p;
    p.next = j.at("next").get<std::int64_t>();
    p.more = j.at("more").get<bool>();
    std::int64_t last = 0;
    for (const auto& c : j.at("changes")) {
      StatusChange ch;
      ch.seq = c.at("seq").get<std::int64_t>();
      if (ch.seq <= last) invalid(c, "changes must be in increasing seq order");
      last = ch.seq;
      ch.client_id = c.at("client_id").get<std::string>();
      auto v = status_view_from_json(c.at("status"));
      if (!v) invalid(c, v.error().message);
      ch.view = std::move(*v);
      p.changes.push_back(std::move(ch));
    }
    return p;
  });
}

// ---- heartbeat

namespace {
Json opt_int(const std::optional<std::int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
std::optional<std::int64_t> opt_int64(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::int64_t>();
}
}  // namespace

Json to_json(const Heartbeat& h) {
  return Json{{"version", h.version},
              {"outbox_depth", h.outbox_depth},
              {"oldest_queued_age_s", opt_int(h.oldest_queued_age_s)},
              {"last_sync_at", opt(h.last_sync_at)},
              {"catalog_synced_at", opt(h.catalog_synced_at)},
              {"free_disk_bytes", h.free_disk_bytes},
              {"catalog_cursor", h.catalog_cursor},
              {"status_cursor", h.status_cursor},
              {"sent_at", h.sent_at}};
}

Result<Heartbeat> heartbeat_from_json(const Json& j) {
  return decode_json<Heartbeat>("heartbeat", [&] {
    Heartbeat h;
    h.version = j.at("version").get<std::string>();
    h.outbox_depth = j.at("outbox_depth").get<std::int64_t>();
    h.oldest_queued_age_s = opt_int64(j, "oldest_queued_age_s");
    h.last_sync_at = opt_string(j, "last_sync_at");
    h.catalog_synced_at = opt_string(j, "catalog_synced_at");
    h.free_disk_bytes = int_or(j, "free_disk_bytes", 0);
    h.catalog_cursor = int_or(j, "catalog_cursor", 0);
    h.status_cursor = int_or(j, "status_cursor", 0);
    h.sent_at = str_or(j, "sent_at");
    if (h.version.size() > 64 || h.outbox_depth < 0) invalid(j, "version too long or negative outbox depth");
    return h;
  });
}

Json to_json(const KioskView& k) {
  return Json{{"id", k.id},
              {"number", k.number},
              {"revoked", k.revoked},
              {"last_seen_at", opt(k.last_seen_at)},
              {"heartbeat", k.heartbeat ? to_json(*k.heartbeat) : Json(nullptr)}};
}

Result<KioskView> kiosk_view_from_json(const Json& j) {
  return decode_json<KioskView>("kiosk", [&] {
    KioskView k;
    k.id = j.at("id").get<std::string>();
    k.number = static_cast<int>(int_or(j, "number", 0));
    k.revoked = j.value("revoked", false);
    k.last_seen_at = opt_string(j, "last_seen_at");
    if (j.contains("heartbeat") && !j["heartbeat"].is_null()) {
      auto h = heartbeat_from_json(j["heartbeat"]);
      if (!h) invalid(j, h.error().message);
      k.heartbeat = std::move(*h);
    }
    return k;
  });
}

// ---- admin

Json to_json(const DossierSummary& s) {
  return Json{{"code", s.code},
              {"provisional_code", opt(s.provisional_code)},
              {"service_code", s.service_code},
              {"service_name", s.service_name},
              {"status", s.status},
              {"status_code", s.status_code},
              {"status_label", s.status_label},
              {"kiosk_id", s.kiosk_id},
              {"applicant_name", s.applicant_name},
              {"received_at", s.received_at},
              {"updated_at", s.updated_at},
              {"due_at", opt(s.due_at)},
              {"timeliness", s.timeliness}};
}

namespace {
DossierSummary summary_from(const Json& j) {
  DossierSummary s;
  s.code = j.at("code").get<std::string>();
  s.provisional_code = opt_string(j, "provisional_code");
  s.service_code = str_or(j, "service_code");
  s.service_name = str_or(j, "service_name");
  s.status = j.at("status").get<std::string>();
  s.status_code = static_cast<int>(int_or(j, "status_code", 0));
  s.status_label = str_or(j, "status_label");
  s.kiosk_id = str_or(j, "kiosk_id");
  s.applicant_name = str_or(j, "applicant_name");
  s.received_at = str_or(j, "received_at");
  s.updated_at = str_or(j, "updated_at");
  s.due_at = opt_string(j, "due_at");
  s.timeliness = str_or(j, "timeliness", "not_applicable");
  return s;
}
}  // namespace

Result<DossierSummary> dossier_summary_from_json(const Json& j) {
  return decode_json<DossierSummary>("dossier summary", [&] { return summary_from(j); });
}

Json to_json(const DossierDetail& d) {
  Json j = to_json(d.summary);
  j["client_id"] = d.client_id;
  j["applicant"] = to_json(d.applicant);
  j["form"] = d.form;
  j["postal_address"] = d.postal_address ? to_json(*d.postal_address) : Json(nullptr);
  j["consent"] = d.consent ? to_json(*d.consent) : Json(nullptr);
  j["payment_method"] = opt(d.payment_method);
  j["result_delivery"] = opt(d.result_delivery);
  Json docs = Json::array();
  for (const auto& doc : d.documents)
    docs.push_back({{"id", doc.id}, {"name", doc.name}, {"content_type", doc.content_type},
                    {"size", doc.size}, {"sha256", doc.sha256}, {"received", doc.received}});
  j["documents"] = docs;
  j["events"] = events_json(d.events);
  return j;
}

Result<DossierDetail> dossier_detail_from_json(const Json& j) {
  return decode_json<DossierDetail>("dossier", [&] {
    DossierDetail d;
    d.summary = summary_from(j);
    d.client_id = str_or(j, "client_id");
    if (j.contains("applicant")) {
      const auto& a = j["applicant"];
      d.applicant.name = str_or(a, "name");
      d.applicant.phone = str_or(a, "phone");
      d.applicant.id_number = opt_string(a, "id_number");
      d.applicant.birth_date = opt_string(a, "birth_date");
      d.applicant.sex = opt_string(a, "sex");
      d.applicant.address = opt_string(a, "address");
    }
    if (const auto it = j.find("form"); it != j.end() && it->is_object())
      d.form = it->get<domain::FormValues>();
    if (const auto it = j.find("postal_address"); it != j.end() && it->is_object())
      d.postal_address = PostalAddress{str_or(*it, "recipient"), str_or(*it, "phone"), str_or(*it, "street"),
                                       str_or(*it, "commune"), str_or(*it, "province")};
    if (const auto it = j.find("consent"); it != j.end() && it->is_object())
      d.consent = Consent{str_or(*it, "statement_version"), str_or(*it, "at")};
    d.payment_method = opt_string(j, "payment_method");
    d.result_delivery = opt_string(j, "result_delivery");
    if (j.contains("documents"))
      for (const auto& doc : j["documents"])
        d.documents.push_back({str_or(doc, "id"), str_or(doc, "name"), str_or(doc, "content_type"),
                               str_or(doc, "sha256"), int_or(doc, "size", 0),
                               doc.value("received", false)});
    if (j.contains("events"))
      for (const auto& e : j["events"]) d.events.push_back(event_from(e));
    return d;
  });
}

Json to_json(const ActionRequest& a) {
  return Json{{"action", a.action}, {"note", opt(a.note)}, {"actor", a.actor_role}, {"appointment", opt(a.appointment)}};
}

Result<ActionRequest> action_request_from_json(const Json& j) {
  return decode_json<ActionRequest>("action", [&] {
    ActionRequest a;
    a.action = j.at("action").get<std::string>();
    a.note = opt_string(j, "note");
    a.actor_role = str_or(j, "actor", "official");
    a.appointment = opt_string(j, "appointment");
    return a;
  });
}

}  // namespace motcua::protocol
