#include "motcua/domain/catalog.hpp"

#include <set>

#include "motcua/domain/vietqr.hpp"

namespace motcua::domain {

namespace {

Json opt(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

std::vector<std::string> strings(const Json& j, const char* key) {
  std::vector<std::string> out;
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  for (const auto& s : *it) out.push_back(s.get<std::string>());
  return out;
}

OnlineScope scope_from(const Json& j) {
  const auto s = opt_string(j, "online_scope");
  if (!s) return OnlineScope::none;
  if (*s == "toan_trinh") return OnlineScope::full;
  if (*s == "mot_phan") return OnlineScope::partial;
  throw nlohmann::json::other_error::create(501, "online_scope must be toan_trinh, mot_phan or null", &j);
}

Channel channel_from(const std::string& s, const Json& j) {
  if (s == "direct") return Channel::direct;
  if (s == "online") return Channel::online;
  if (s == "post") return Channel::post;
  throw nlohmann::json::other_error::create(501, "channel must be direct, online or post", &j);
}

ProcessingKind kind_from(const std::string& s, const Json& j) {
  if (s == "same_day") return ProcessingKind::same_day;
  if (s == "working_days") return ProcessingKind::working_days;
  if (s == "days") return ProcessingKind::days;
  throw nlohmann::json::other_error::create(501, "processing.kind must be same_day, working_days or days", &j);
}

std::string_view kind_name(ProcessingKind k) {
  switch (k) {
    case ProcessingKind::same_day: return "same_day";
    case ProcessingKind::working_days: return "working_days";
    case ProcessingKind::days: return "days";
  }
  return "working_days";
}

}  // namespace

std::string_view to_string(OnlineScope s) {
  switch (s) {
    case OnlineScope::none: return "";
    case OnlineScope::partial: return "mot_phan";
    case OnlineScope::full: return "toan_trinh";
  }
  return "";
}

std::string_view to_string(Channel c) {
  switch (c) {
    case Channel::direct: return "direct";
    case Channel::online: return "online";
    case Channel::post: return "post";
  }
  return "direct";
}

const Agency* find_agency(const Catalog& catalog, std::string_view id) {
  for (const auto& a : catalog.agencies)
    if (a.id == id) return &a;
  for (const auto& a : catalog.agencies)
    for (const auto& alias : a.aliases)
      if (alias == id) return &a;
  return nullptr;
}

bool is_procedure_code(std::string_view code) {
  if (code.size() != 8 || code[1] != '.') return false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i == 1) continue;
    if (code[i] < '0' || code[i] > '9') return false;
  }
  return true;
}

bool Service::accepts_submissions() const {
  return (level && *level >= 3) || online_scope != OnlineScope::none;
}

std::int64_t Service::base_fee() const {
  std::int64_t total = 0;
  for (const auto& f : fees) total += f.amount;
  return total;
}

Json to_json(const Agency& a) {
  Json j{{"id", a.id},       {"name", a.name},   {"short_name", a.short_name},
         {"address", a.address}, {"phone", a.phone}, {"email", a.email},
         {"hours", a.hours}, {"aliases", a.aliases}};
  // Only when set: agencies without an account keep the JSON (and the change
  // feed's content) they had before the field existed.
  if (a.bank)
    j["bank"] = Json{{"bin", a.bank->bin}, {"account", a.bank->account},
                     {"account_name", a.bank->account_name}, {"bank_name", a.bank->bank_name}};
  return j;
}

Json to_json(const Sector& s) { return Json{{"id", s.id}, {"name", s.name}}; }
Json to_json(const Field& f) { return Json{{"id", f.id}, {"name", f.name}, {"sector", f.sector}}; }

Json to_json(const Service& s) {
  Json fees = Json::array();
  for (const auto& f : s.fees)
    fees.push_back({{"name", f.name}, {"amount", f.amount}, {"unit", f.unit}, {"text", f.text}});
  Json methods = Json::array();
  for (const auto& m : s.methods)
    methods.push_back({{"channel", to_string(m.channel)}, {"time", m.time}, {"fee", m.fee}, {"note", m.note}});
  Json docs = Json::array();
  for (const auto& d : s.documents)
    docs.push_back({{"name", d.name}, {"form", opt(d.form)}, {"originals", d.originals},
                    {"copies", d.copies}, {"required", d.required}, {"note", opt(d.note)}});
  Json legal = Json::array();
  for (const auto& l : s.legal_basis)
    legal.push_back({{"number", l.number}, {"title", l.title}, {"date", opt(l.date)}, {"issuer", opt(l.issuer)}});
  Json j{{"code", s.code},
         {"name", s.name},
         {"official_name", s.official_name},
         {"field", s.field},
         {"agency", s.agency},
         {"level", s.level ? Json(*s.level) : Json(nullptr)},
         {"online_scope", s.online_scope == OnlineScope::none ? Json(nullptr) : Json(to_string(s.online_scope))},
         {"summary", s.summary},
         {"processing",
          {{"kind", kind_name(s.processing.kind)},
           {"days", s.processing.days},
           {"cutoff", opt(s.processing.cutoff)},
           {"text", s.processing.text}}},
         {"fees", fees},
         {"methods", methods},
         {"documents", docs},
         {"steps", s.steps},
         {"applicants", s.applicants},
         {"result", s.result},
         {"legal_basis", legal},
         {"requirements", opt(s.requirements)},
         {"keywords", s.keywords}};
  // Only when set, like an agency's bank: services without a form keep the
  // JSON (and the change feed's content) they had before forms existed.
  if (s.form) j["form"] = to_json(*s.form);
  return j;
}

Json to_json(const QaEntry& q) {
  return Json{{"id", q.id},         {"question", q.question},     {"answer", q.answer},
              {"field", opt(q.field)}, {"service", opt(q.service)}, {"published_at", q.published_at}};
}

Result<QaEntry> qa_from_json(const Json& j) {
  return decode_json<QaEntry>("question " + str_or(j, "id", "?"), [&] {
    QaEntry q;
    q.id = j.at("id").get<std::string>();
    q.question = j.at("question").get<std::string>();
    q.answer = j.at("answer").get<std::string>();
    q.field = opt_string(j, "field");
    q.service = opt_string(j, "service");
    q.published_at = str_or(j, "published_at");
    if (q.id.empty() || q.question.empty() || q.answer.empty())
      throw nlohmann::json::other_error::create(501, "id, question and answer must not be empty", &j);
    return q;
  });
}

Json to_json(const ServiceStats& s) {
  return Json{{"code", s.code},
              {"received_total", s.received_total},
              {"received_last_year", s.received_last_year},
              {"finished", s.finished},
              {"early", s.early},
              {"on_time", s.on_time},
              {"late", s.late},
              {"open", s.open},
              {"overdue", s.overdue},
              {"computed_at", s.computed_at}};
}

Result<ServiceStats> stats_from_json(const Json& j) {
  return decode_json<ServiceStats>("stats " + str_or(j, "code", "?"), [&] {
    ServiceStats s;
    s.code = j.at("code").get<std::string>();
    s.received_total = int_or(j, "received_total", 0);
    s.received_last_year = int_or(j, "received_last_year", 0);
    s.finished = int_or(j, "finished", 0);
    s.early = int_or(j, "early", 0);
    s.on_time = int_or(j, "on_time", 0);
    s.late = int_or(j, "late", 0);
    s.open = int_or(j, "open", 0);
    s.overdue = int_or(j, "overdue", 0);
    s.computed_at = str_or(j, "computed_at");
    return s;
  });
}

Json to_json(const Catalog& c) {
  Json j{{"format", "motcua-catalog/1"}};
  j["agencies"] = Json::array();
  for (const auto& a : c.agencies) j["agencies"].push_back(to_json(a));
  j["sectors"] = Json::array();
  for (const auto& s : c.sectors) j["sectors"].push_back(to_json(s));
  j["fields"] = Json::array();
  for (const auto& f : c.fields) j["fields"].push_back(to_json(f));
  j["services"] = Json::array();
  for (const auto& s : c.services) j["services"].push_back(to_json(s));
  if (c.calendar) j["calendar"] = calendar::to_json(*c.calendar);
  if (c.working_hours) j["working_hours"] = Json{{"sessions", calendar::format_sessions(*c.working_hours)}};
  if (!c.qa.empty()) {
    j["qa"] = Json::array();
    for (const auto& q : c.qa) j["qa"].push_back(to_json(q));
  }
  return j;
}

Result<Agency> agency_from_json(const Json& j) {
  return decode_json<Agency>("agency " + str_or(j, "id", "?"), [&] {
    Agency a;
    a.id = j.at("id").get<std::string>();
    a.name = j.at("name").get<std::string>();
    a.short_name = str_or(j, "short_name", a.name);
    a.address = str_or(j, "address");
    a.phone = str_or(j, "phone");
    a.email = str_or(j, "email");
    a.hours = str_or(j, "hours");
    a.aliases = strings(j, "aliases");
    if (a.id.empty()) throw nlohmann::json::other_error::create(501, "id must not be empty", &j);
    if (const auto it = j.find("bank"); it != j.end() && !it->is_null()) {
      BankAccount b;
      b.bin = it->at("bin").get<std::string>();
      b.account = it->at("account").get<std::string>();
      b.account_name = str_or(*it, "account_name");
      b.bank_name = str_or(*it, "bank_name");
      // Refused at import: a published account no banking app can pay to.
      if (auto ok = check_bank_account(b); !ok)
        throw nlohmann::json::other_error::create(501, "bank: " + ok.error().message, &j);
      a.bank = std::move(b);
    }
    return a;
  });
}

Result<Sector> sector_from_json(const Json& j) {
  return decode_json<Sector>("sector " + str_or(j, "id", "?"), [&] {
    return Sector{j.at("id").get<std::string>(), j.at("name").get<std::string>()};
  });
}

Result<Field> field_from_json(const Json& j) {
  return decode_json<Field>("field " + str_or(j, "id", "?"), [&] {
    return Field{j.at("id").get<std::string>(), j.at("name").get<std::string>(),
                 str_or(j, "sector")};
  });
}

Result<Service> service_from_json(const Json& j) {
  return decode_json<Service>("service " + str_or(j, "code", "?"), [&] {
    Service s;
    s.code = j.at("code").get<std::string>();
    if (!is_procedure_code(s.code))
      throw nlohmann::json::other_error::create(501, "code must look like 1.001193", &j);
    s.name = j.at("name").get<std::string>();
    s.official_name = str_or(j, "official_name", s.name);
    s.field = j.at("field").get<std::string>();
    s.agency = j.at("agency").get<std::string>();
    if (j.contains("level") && !j["level"].is_null()) {
      s.level = j["level"].get<int>();
      if (*s.level < 1 || *s.level > 4)
        throw nlohmann::json::other_error::create(501, "level must be 1..4 or null", &j);
    }
    s.online_scope = scope_from(j);
    s.summary = str_or(j, "summary");
    if (j.contains("processing")) {
      const auto& p = j["processing"];
      s.processing.kind = kind_from(p.at("kind").get<std::string>(), p);
      s.processing.days = static_cast<int>(int_or(p, "days", 0));
      s.processing.cutoff = opt_string(p, "cutoff");
      s.processing.text = str_or(p, "text");
    }
    if (j.contains("fees"))
      for (const auto& f : j["fees"])
        s.fees.push_back({str_or(f, "name"), int_or(f, "amount", 0), str_or(f, "unit"), str_or(f, "text")});
    if (j.contains("methods"))
      for (const auto& m : j["methods"])
        s.methods.push_back({channel_from(m.at("channel").get<std::string>(), m), str_or(m, "time"),
                             str_or(m, "fee"), str_or(m, "note")});
    if (j.contains("documents"))
      for (const auto& d : j["documents"]) {
        RequiredDocument doc;
        doc.name = d.at("name").get<std::string>();
        doc.form = opt_string(d, "form");
        doc.originals = static_cast<int>(int_or(d, "originals", 0));
        doc.copies = static_cast<int>(int_or(d, "copies", 0));
        doc.required = d.value("required", true);
        doc.note = opt_string(d, "note");
        s.documents.push_back(std::move(doc));
      }
    s.steps = strings(j, "steps");
    s.applicants = str_or(j, "applicants");
    s.result = str_or(j, "result");
    if (j.contains("legal_basis"))
      for (const auto& l : j["legal_basis"])
        s.legal_basis.push_back({str_or(l, "number"), str_or(l, "title"), opt_string(l, "date"),
                                 opt_string(l, "issuer")});
    s.requirements = opt_string(j, "requirements");
    s.keywords = strings(j, "keywords");
    if (const auto it = j.find("form"); it != j.end() && !it->is_null()) {
      auto form = eform_from_json(*it);
      if (!form) throw nlohmann::json::other_error::create(501, form.error().message, &j);
      s.form = std::move(*form);
    }
    return s;
  });
}

Result<calendar::WorkingHours> working_hours_from_json(const Json& j) {
  auto sessions = decode_json<std::vector<std::string>>("working_hours", [&] {
    return j.at("sessions").get<std::vector<std::string>>();
  });
  if (!sessions) return fail(sessions.error());
  auto hours = calendar::parse_sessions(*sessions);
  if (!hours) return fail(Errc::invalid_argument, "working_hours: " + hours.error().message);
  // Order and overlap are checked where the calendar is built; check here too so
  // a bad import is refused before anything is written.
  if (auto wt = calendar::WorkingTime::create(*calendar::HolidayCalendar::create(), *hours); !wt)
    return fail(Errc::invalid_argument, "working_hours: " + wt.error().message);
  return hours;
}

Result<Catalog> catalog_from_json(const Json& j, bool check_refs) {
  if (!j.is_object() || j.value("format", "") != "motcua-catalog/1")
    return fail(Errc::invalid_argument, "not a motcua catalog: \"format\" must be \"motcua-catalog/1\"");
  Catalog c;
  auto each = [&](const char* key, auto&& parse, auto& out) -> Result<void> {
    const auto it = j.find(key);
    if (it == j.end()) return {};
    if (!it->is_array()) return fail(Errc::invalid_argument, std::string(key) + " must be an array");
    for (const auto& item : *it) {
      auto v = parse(item);
      if (!v) return fail(v.error());
      out.push_back(std::move(*v));
    }
    return {};
  };
  if (auto r = each("agencies", agency_from_json, c.agencies); !r) return fail(r.error());
  if (auto r = each("sectors", sector_from_json, c.sectors); !r) return fail(r.error());
  if (auto r = each("fields", field_from_json, c.fields); !r) return fail(r.error());
  if (auto r = each("services", service_from_json, c.services); !r) return fail(r.error());
  if (auto r = each("qa", qa_from_json, c.qa); !r) return fail(r.error());
  if (j.contains("calendar") && !j["calendar"].is_null()) {
    auto overrides = calendar::overrides_from_json(j["calendar"]);
    if (!overrides) return fail(Errc::invalid_argument, "calendar: " + overrides.error().message);
    c.calendar = std::move(*overrides);
  }
  if (j.contains("working_hours") && !j["working_hours"].is_null()) {
    auto hours = working_hours_from_json(j["working_hours"]);
    if (!hours) return fail(hours.error());
    c.working_hours = std::move(*hours);
  }
  if (check_refs) {
    if (auto r = check_references(c); !r) return fail(r.error());
  }
  return c;
}

Result<void> check_references(const Catalog& c) {
  std::set<std::string> agencies, sectors, fields, codes;
  for (const auto& a : c.agencies) agencies.insert(a.id);
  for (const auto& s : c.sectors) sectors.insert(s.id);
  for (const auto& f : c.fields) {
    if (!f.sector.empty() && !sectors.count(f.sector))
      return fail(Errc::invalid_argument, "field " + f.id + " refers to unknown sector " + f.sector);
    fields.insert(f.id);
  }
  for (const auto& s : c.services) {
    if (!codes.insert(s.code).second)
      return fail(Errc::invalid_argument, "service " + s.code + " appears twice");
    if (!fields.count(s.field))
      return fail(Errc::invalid_argument, "service " + s.code + " refers to unknown field " + s.field);
    if (!agencies.count(s.agency))
      return fail(Errc::invalid_argument, "service " + s.code + " refers to unknown agency " + s.agency);
  }
  std::set<std::string> questions;
  for (const auto& q : c.qa) {
    if (!questions.insert(q.id).second) return fail(Errc::invalid_argument, "question " + q.id + " appears twice");
    if (q.field && !fields.count(*q.field))
      return fail(Errc::invalid_argument, "question " + q.id + " refers to unknown field " + *q.field);
    if (q.service && !codes.count(*q.service))
      return fail(Errc::invalid_argument, "question " + q.id + " refers to unknown service " + *q.service);
  }
  return {};
}

}  // namespace motcua::domain
