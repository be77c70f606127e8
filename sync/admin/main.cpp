// motcua-admin: the officials' and operators' command line against a hub.
//   motcua-admin --hub URL --ca FILE --token TOKEN <command>
// (or MOTCUA_HUB, MOTCUA_CA, MOTCUA_TOKEN / MOTCUA_TOKEN_FILE). Every command
// has --json for scripts. Exit codes: 0 ok, 2 invalid input, 3 not found,
// 4 conflict (e.g. illegal transition), 5 not authorised, 6 hub unreachable, 1 other.
// `calendar ...` and `code parse` need no hub (offline_commands.hpp).

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "motcua/client/hub_client.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/domain/lifecycle.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/text/utf8.hpp"
#include "motcua/util/fs.hpp"
#include "offline_commands.hpp"

using namespace motcua;

namespace {

int exit_code(Errc c) {
  switch (c) {
    case Errc::invalid_argument: return 2;
    case Errc::not_found: return 3;
    case Errc::conflict: return 4;
    case Errc::unauthorized:
    case Errc::forbidden: return 5;
    case Errc::network:
    case Errc::protocol:
    case Errc::unavailable:
    case Errc::rate_limited: return 6;
    default: return 1;
  }
}

int die(const Error& e) {
  std::cerr << "motcua-admin: " << e.message << "\n";
  return exit_code(e.code);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

std::string pad(const std::string& s, std::size_t width) {
  std::string out = utf8::length(s) > width ? utf8::truncate(s, width - 1) + "…" : s;
  const std::size_t len = utf8::length(out);
  if (len < width) out.append(width - len, ' ');
  return out;
}

std::string local_time(const std::string& rfc3339) {
  TimePoint t;
  if (!parse_rfc3339(rfc3339, t)) return rfc3339;
  const auto v = to_vietnam(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d %02d:%02d", v.day, v.month, v.year, v.hour, v.minute);
  return buf;
}

void print_detail(const protocol::DossierDetail& d) {
  const auto& s = d.summary;
  std::cout << "Mã hồ sơ / code:      " << s.code << "\n";
  if (s.provisional_code) std::cout << "Mã tạm / provisional: " << *s.provisional_code << "\n";
  std::cout << "Thủ tục / service:    " << s.service_code << " " << s.service_name << "\n"
            << "Trạng thái / status:  " << s.status_code << " " << s.status_label << " (" << s.status << ")\n"
            << "Người nộp / applicant: " << d.applicant.name << ", " << d.applicant.phone << "\n"
            << "Kiosk:                " << s.kiosk_id << "\n"
            << "Nhận lúc / received:  " << local_time(s.received_at) << "\n";
  const auto& a = d.applicant;
  if (a.id_number) std::cout << "Số định danh / ID:    " << *a.id_number << "\n";
  if (a.birth_date || a.sex)
    std::cout << "Ngày sinh, giới tính: " << a.birth_date.value_or("?") << ", "
              << (a.sex == "female" ? "Nữ" : a.sex == "male" ? "Nam" : "?") << "\n";
  if (a.address) std::cout << "Địa chỉ / address:    " << *a.address << "\n";
  if (!d.form.empty()) {
    std::cout << "Tờ khai / form:\n";
    for (const auto& [id, value] : d.form) std::cout << "  " << pad(id, 22) << " " << value << "\n";
  }
  if (const auto& p = d.postal_address)
    std::cout << "Gửi bưu điện / post:  " << p->recipient << ", " << p->phone << ", " << p->street << ", " << p->commune
              << ", " << p->province << "\n";
  if (d.consent)
    std::cout << "Đồng ý / consent:     " << d.consent->statement_version << ", " << local_time(d.consent->at) << "\n";
  if (s.due_at) std::cout << "Hẹn trả / appointment: " << local_time(*s.due_at) << "\n";
  if (s.timeliness != "not_applicable") std::cout << "Tiến độ / timeliness: " << s.timeliness << "\n";
  std::cout << "Giấy tờ / documents:\n";
  for (const auto& doc : d.documents)
    std::cout << "  [" << (doc.received ? "x" : " ") << "] " << doc.id << "  " << doc.name << "  (" << doc.size
              << " bytes, sha256 " << doc.sha256.substr(0, 12) << "…)\n";
  std::cout << "Quá trình / events:\n";
  for (const auto& e : d.events) {
    std::cout << "  " << local_time(e.at) << "  " << pad(e.label.empty() ? e.action : e.label, 36) << " "
              << pad(e.status, 20) << " " << e.actor << (e.actor_role.empty() ? "" : " (" + e.actor_role + ")");
    if (e.appointment) std::cout << "  → hẹn " << local_time(*e.appointment);
    if (e.note) std::cout << "  — " << *e.note;
    std::cout << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"motcua-admin — officials' command line for a motcua hub"};
  app.require_subcommand(1);
  std::string hub_url = env("MOTCUA_HUB"), ca = env("MOTCUA_CA"), token = env("MOTCUA_TOKEN");
  std::string token_file = env("MOTCUA_TOKEN_FILE");
  app.add_option("--hub", hub_url, "hub URL, e.g. https://127.0.0.1:8443 (env MOTCUA_HUB)");
  app.add_option("--ca", ca, "the hub's CA certificate, ca.pem (env MOTCUA_CA)");
  app.add_option("--token", token, "admin token (env MOTCUA_TOKEN)");
  app.add_option("--token-file", token_file, "file holding the admin token (env MOTCUA_TOKEN_FILE)");
  bool as_json = false;
  app.add_flag("--json", as_json, "print JSON instead of tables");

  auto* dossier = app.add_subcommand("dossier", "list, show and act on dossiers");
  dossier->require_subcommand(1);
  auto* d_list = dossier->add_subcommand("list", "list dossiers, newest first");
  std::string status_filter;
  int limit = 100;
  d_list->add_option("--status", status_filter, "only this status (submitted, accepted, processing, ...)");
  d_list->add_option("--limit", limit, "at most this many")->check(CLI::Range(1, 1000));
  d_list->add_flag("--json", as_json, "print JSON");
  auto* d_show = dossier->add_subcommand("show", "show one dossier with documents and events");
  std::string code;
  d_show->add_option("CODE", code, "dossier code (official or provisional)")->required();
  d_show->add_flag("--json", as_json, "print JSON");
  auto* d_act = dossier->add_subcommand("act", "apply a lifecycle action");
  std::string action;
  std::optional<std::string> note;
  std::string actor_role = "official";
  std::optional<std::string> appointment;
  d_act->add_option("CODE", code, "dossier code")->required();
  d_act->add_option("ACTION", action,
                    "accept | reject | process | request-supplement | receive-supplement | request-payment | "
                    "confirm-payment | finish | return-result | withdraw | stop | extend")
      ->required();
  d_act->add_option("--note", note, "note or reason (required for reject, request-supplement, request-payment, stop, extend)");
  d_act->add_option("--as", actor_role, "acting as: staff (one-stop desk), official (default), citizen (withdrawal at the desk)")
      ->check(CLI::IsMember({"staff", "official", "citizen"}));
  d_act->add_option("--appointment", appointment, "new appointment for extend: YYYY-MM-DDTHH:MM:SS+07:00");
  d_act->add_flag("--json", as_json, "print JSON");

  auto* stats = app.add_subcommand("stats", "each service's figures: dossiers received, finished early / on time / late, overdue");
  bool stats_refresh = false;
  stats->add_flag("--refresh", stats_refresh, "recompute them now (the hub does it every 10 minutes)");
  stats->add_flag("--json", as_json, "print JSON");

  auto* qa = app.add_subcommand("qa", "publish questions and answers (Hỏi đáp) to the kiosks");
  qa->require_subcommand(1);
  auto* qa_add = qa->add_subcommand("add", "publish a question with its answer");
  std::string question, answer, qa_id;
  std::optional<std::string> qa_field, qa_service;
  qa_add->add_option("--question", question, "the question, as people ask it")->required();
  qa_add->add_option("--answer", answer, "the agency's answer")->required();
  qa_add->add_option("--id", qa_id, "an id to update an earlier entry (default: a new one)");
  qa_add->add_option("--field", qa_field, "the field it concerns (catalog field id)");
  qa_add->add_option("--service", qa_service, "the procedure code it concerns");
  qa_add->add_flag("--json", as_json, "print JSON");

  auto* kiosks = app.add_subcommand("kiosks", "the fleet: every kiosk with its last heartbeat");
  kiosks->add_flag("--json", as_json, "print JSON");

  auto* catalog = app.add_subcommand("catalog", "the service catalog");
  catalog->require_subcommand(1);
  auto* c_list = catalog->add_subcommand("list", "list services");
  c_list->add_flag("--json", as_json, "print JSON");
  auto* c_import = catalog->add_subcommand("import", "import a catalog file (docs/catalog-format.md)");
  std::string file;
  c_import->add_option("FILE", file, "catalog JSON file")->required();
  c_import->add_flag("--json", as_json, "print JSON");

  admin::OfflineCommands offline(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2 (invalid input), like our own checks.
    return app.exit(e) == 0 ? 0 : 2;
  }

  // Offline commands run before the hub options are required: they need none.
  if (auto rc = offline.run(as_json)) return *rc;

  if (hub_url.empty()) return die(Error{Errc::invalid_argument, "no hub: give --hub URL or set MOTCUA_HUB"});
  if (ca.empty()) return die(Error{Errc::invalid_argument, "no CA: give --ca FILE (the hub's ca.pem) or set MOTCUA_CA"});
  if (token.empty() && !token_file.empty()) {
    auto t = fs::read_file(token_file);
    if (!t) return die(t.error());
    token = *t;
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) return die(Error{Errc::invalid_argument, "no token: give --token, --token-file or set MOTCUA_TOKEN"});
  if (!std::filesystem::exists(ca)) return die(Error{Errc::invalid_argument, "CA file " + ca + " does not exist"});

  client::HubEndpoint ep;
  ep.base_url = hub_url;
  ep.ca_file = ca;
  ep.bearer_token = token;
  client::HubClient hub(ep);

  if (*d_list) {
    if (!status_filter.empty() && !domain::status_from_key(status_filter))
      return die(Error{Errc::invalid_argument, "unknown status " + status_filter});
    auto list = hub.admin_list_dossiers(status_filter, limit);
    if (!list) return die(list.error());
    if (as_json) {
      Json arr = Json::array();
      for (const auto& d : *list) arr.push_back(protocol::to_json(d));
      std::cout << arr.dump(2) << "\n";
      return 0;
    }
    if (list->empty()) {
      std::cout << "Không có hồ sơ. / No dossiers.\n";
      return 0;
    }
    std::cout << pad("MÃ HỒ SƠ / CODE", 28) << pad("NHẬN LÚC", 18) << pad("TRẠNG THÁI", 24) << pad("NGƯỜI NỘP", 22)
              << "THỦ TỤC\n";
    for (const auto& d : *list)
      std::cout << pad(d.code, 28) << pad(local_time(d.received_at), 18) << pad(d.status_label, 24)
                << pad(d.applicant_name, 22) << d.service_name << "\n";
    return 0;
  }
  if (*d_show) {
    auto d = hub.admin_show_dossier(code);
    if (!d) return die(d.error());
    if (as_json) std::cout << protocol::to_json(*d).dump(2) << "\n";
    else print_detail(*d);
    return 0;
  }
  if (*d_act) {
    const auto known = domain::action_from_key(action);
    if (!known || *known == domain::DossierAction::submit)
      return die(Error{Errc::invalid_argument, "unknown action " + action +
                                                   " (accept, reject, process, request-supplement, receive-supplement, "
                                                   "request-payment, confirm-payment, finish, return-result, withdraw, "
                                                   "stop, extend)"});
    if (appointment) {
      TimePoint t;
      if (!parse_rfc3339(*appointment, t))
        return die(Error{Errc::invalid_argument, "--appointment must look like 2026-12-03T17:00:00+07:00"});
    }
    protocol::ActionRequest request;
    request.action = action;
    request.note = note;
    request.actor_role = actor_role;
    request.appointment = appointment;
    auto d = hub.admin_act(code, request);
    if (!d) return die(d.error());
    if (as_json) {
      std::cout << protocol::to_json(*d).dump(2) << "\n";
    } else {
      std::cout << d->summary.code << ": " << d->summary.status_label << " (" << d->summary.status << ")";
      if (d->summary.due_at) std::cout << ", hẹn trả / appointment " << local_time(*d->summary.due_at);
      std::cout << "\n";
    }
    return 0;
  }
  if (*stats) {
    if (stats_refresh) {
      auto r = hub.request("POST", "/admin/stats/refresh");
      if (!r) return die(r.error());
    }
    auto r = hub.request("GET", "/admin/stats");
    if (!r) return die(r.error());
    auto j = parse_json(r->body);
    if (!j || !j->contains("stats")) return die(Error{Errc::protocol, "hub sent no figures"});
    if (as_json) {
      std::cout << (*j)["stats"].dump(2) << "\n";
      return 0;
    }
    std::cout << pad("THỦ TỤC", 11) << pad("TỔNG", 7) << pad("12 THÁNG", 10) << pad("XONG", 7) << pad("TRƯỚC HẠN", 11)
              << pad("ĐÚNG HẠN", 10) << pad("TRỄ HẠN", 9) << pad("ĐANG GIẢI QUYẾT", 17) << "QUÁ HẠN\n";
    for (const auto& st : (*j)["stats"]) {
      auto v = domain::stats_from_json(st);
      if (!v) continue;
      std::cout << pad(v->code, 11) << pad(std::to_string(v->received_total), 7) << pad(std::to_string(v->received_last_year), 10)
                << pad(std::to_string(v->finished), 7) << pad(std::to_string(v->early), 11)
                << pad(std::to_string(v->on_time), 10) << pad(std::to_string(v->late), 9) << pad(std::to_string(v->open), 17)
                << v->overdue << "\n";
    }
    return 0;
  }
  if (*qa_add) {
    domain::QaEntry q;
    q.id = qa_id.empty() ? "qa-" + std::to_string(unix_millis(std::chrono::system_clock::now())) : qa_id;
    q.question = question;
    q.answer = answer;
    q.field = qa_field;
    q.service = qa_service;
    const auto vn = to_vietnam(std::chrono::system_clock::now());
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", vn.year, vn.month, vn.day);
    q.published_at = date;
    Json doc = {{"format", "motcua-catalog/1"}, {"qa", Json::array({domain::to_json(q)})}};
    auto r = hub.admin_import_catalog(doc);
    if (!r) return die(r.error());
    if (as_json) std::cout << domain::to_json(q).dump(2) << "\n";
    else std::cout << "published " << q.id << "\n";
    return 0;
  }
  if (*kiosks) {
    auto list = hub.admin_kiosks();
    if (!list) return die(list.error());
    if (as_json) {
      Json arr = Json::array();
      for (const auto& k : *list) arr.push_back(protocol::to_json(k));
      std::cout << arr.dump(2) << "\n";
      return 0;
    }
    auto age = [](std::optional<std::int64_t> s) -> std::string {
      if (!s) return "-";
      if (*s < 120) return std::to_string(*s) + " s";
      if (*s < 7200) return std::to_string(*s / 60) + " min";
      if (*s < 172800) return std::to_string(*s / 3600) + " h";
      return std::to_string(*s / 86400) + " ngày";
    };
    std::cout << pad("KIOSK", 14) << pad("LẦN CUỐI / LAST SEEN", 22) << pad("PHIÊN BẢN", 11) << pad("CHỜ GỬI", 9)
              << pad("CŨ NHẤT", 10) << pad("ĐỒNG BỘ / LAST SYNC", 20) << "ĐĨA TRỐNG / FREE DISK\n";
    for (const auto& k : *list) {
      const auto& h = k.heartbeat;
      std::cout << pad(k.id + (k.revoked ? " (thu hồi)" : ""), 14)
                << pad(k.last_seen_at ? local_time(*k.last_seen_at) : "chưa kết nối", 22)
                << pad(h ? h->version : "-", 11) << pad(h ? std::to_string(h->outbox_depth) : "-", 9)
                << pad(h ? age(h->oldest_queued_age_s) : "-", 10)
                << pad(h && h->last_sync_at ? local_time(*h->last_sync_at) : "-", 20)
                << (h ? std::to_string(h->free_disk_bytes / (1024 * 1024)) + " MiB" : "-") << "\n";
    }
    return 0;
  }
  if (*c_list) {
    auto services = hub.admin_catalog_services();
    if (!services) return die(services.error());
    if (as_json) {
      Json arr = Json::array();
      for (const auto& s : *services) arr.push_back(domain::to_json(s));
      std::cout << arr.dump(2) << "\n";
      return 0;
    }
    std::cout << pad("MÃ / CODE", 11) << pad("MỨC", 5) << "TÊN THỦ TỤC / SERVICE\n";
    for (const auto& s : *services)
      std::cout << pad(s.code, 11) << pad(s.level ? std::to_string(*s.level) : "-", 5) << s.name << "\n";
    std::cout << services->size() << " thủ tục / services\n";
    return 0;
  }
  if (*c_import) {
    auto text = fs::read_file(file);
    if (!text) return die(Error{Errc::invalid_argument, text.error().message});
    auto j = parse_json(*text);
    if (!j) return die(Error{Errc::invalid_argument, file + ": " + j.error().message});
    // Check locally first so a bad file gets a precise message without a round trip.
    if (auto c = domain::catalog_from_json(*j, false); !c) return die(Error{Errc::invalid_argument, file + ": " + c.error().message});
    auto r = hub.admin_import_catalog(*j);
    if (!r) return die(r.error());
    if (as_json) {
      std::cout << r->dump(2) << "\n";
    } else {
      const auto& im = (*r)["imported"];
      std::cout << "imported " << im.value("services", 0) << " services, " << im.value("fields", 0) << " fields, "
                << im.value("sectors", 0) << " sectors, " << im.value("agencies", 0) << " agencies; "
                << r->value("changed", 0) << " changed\n";
    }
    return 0;
  }
  return 0;
}
