// motcua-hub: the central server. Subcommands:
//   init          create the database, CA, server certificate and admin token (--demo loads the demo catalog)
//   serve         HTTPS API v1 for kiosks (mTLS) and officials (token)
//   kiosk-bundle  issue a kiosk's key + certificate and write its data directory
//   gen-catalog   write a large synthetic catalog for benchmarks

#include <CLI/CLI.hpp>
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>
#include <thread>

#include "hub_files.hpp"
#include "hub_store.hpp"
#include "server.hpp"
#include "motcua/calendar/holiday_overrides.hpp"
#include "motcua/domain/synthetic_catalog.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/log.hpp"

using namespace motcua;
namespace stdfs = std::filesystem;

namespace {

int die(const Error& e) {
  std::cerr << "motcua-hub: " << e.message << "\n";
  return e.code == Errc::invalid_argument ? 2 : 1;
}

// $MOTCUA_ASSETS, else assets/ next to the build tree, else the source tree's.
stdfs::path assets_dir() {
  if (const char* env = std::getenv("MOTCUA_ASSETS")) return env;
  std::error_code ec;
  const auto exe = stdfs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto candidate = exe.parent_path().parent_path().parent_path() / "assets";
    if (stdfs::exists(candidate / "catalog")) return candidate;
  }
  return stdfs::path(MOTCUA_SOURCE_DIR) / "assets";
}

Result<domain::Catalog> read_catalog(const stdfs::path& file) {
  auto text = fs::read_file(file);
  if (!text) return fail(text.error());
  auto j = parse_json(*text);
  if (!j) return fail(Errc::invalid_argument, file.string() + ": " + j.error().message);
  auto c = domain::catalog_from_json(*j);
  if (!c) return fail(Errc::invalid_argument, file.string() + ": " + c.error().message);
  return c;
}

bool split_listen(const std::string& listen, std::string& host, int& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    return false;
  }
  return port >= 0 && port <= 65535 && !host.empty();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"motcua-hub — central server of the motcua one-stop kiosk system"};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log", log_level, "log level: debug, info, warn, error");

  std::string data_dir;
  // Storage: default the embedded SQLite file DATA/hub.db; a postgresql:// URL
  // selects PostgreSQL, which several hub processes can share (docs/postgres.md).
  std::string db_spec;
  const char* db_help = "database: a SQLite file (default DATA/hub.db) or postgresql://USER@HOST:PORT/DB";
  auto* init = app.add_subcommand("init", "create the hub's database, CA, server certificate and admin token");
  init->add_option("--data", data_dir, "data directory")->required();
  init->add_option("--db", db_spec, db_help);
  bool demo = false;
  std::string catalog_file;
  std::vector<std::string> hosts;
  init->add_flag("--demo", demo, "load the demo catalog (assets/catalog/demo.json)");
  init->add_option("--catalog", catalog_file, "load this catalog file instead of the demo one");
  init->add_option("--host", hosts, "extra DNS name or IP for the server certificate (repeatable)");

  auto* serve = app.add_subcommand("serve", "serve the HTTPS API");
  serve->add_option("--data", data_dir, "data directory")->required();
  serve->add_option("--db", db_spec, db_help);
  std::string listen = "127.0.0.1:8443";
  serve->add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free port)");

  auto* bundle = app.add_subcommand("kiosk-bundle", "issue a kiosk certificate and write the kiosk's data directory");
  bundle->add_option("--data", data_dir, "hub data directory")->required();
  bundle->add_option("--db", db_spec, db_help);
  std::string kiosk_id, hub_url, out_dir;
  bundle->add_option("--id", kiosk_id, "kiosk id, e.g. KIOSK-01")->required();
  bundle->add_option("--hub", hub_url, "hub URL the kiosk connects to, e.g. https://10.0.0.2:8443")->required();
  bundle->add_option("--out", out_dir, "the kiosk's data directory")->required();

  auto* gen = app.add_subcommand("gen-catalog", "write a synthetic catalog for benchmarks");
  int gen_count = 5000;
  std::uint64_t gen_seed = 42;
  std::string gen_out;
  gen->add_option("--services", gen_count, "number of services (5000–50000 typical)")->check(CLI::Range(1, 1000000));
  gen->add_option("--seed", gen_seed, "random seed");
  gen->add_option("--out", gen_out, "output file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2 (invalid input), like our own checks.
    return app.exit(e) == 0 ? 0 : 2;
  }
  log::Level lvl;
  if (!log::parse_level(log_level, lvl)) {
    std::cerr << "motcua-hub: unknown log level " << log_level << "\n";
    return 2;
  }
  log::set_level(lvl);
  hub::HubPaths paths{data_dir};
  SystemClock clock;

  if (*gen) {
    const auto c = domain::synthetic_catalog(gen_count, gen_seed);
    if (auto r = fs::write_file_durable(gen_out, domain::to_json(c).dump(1)); !r) return die(r.error());
    std::cout << "wrote " << gen_count << " services to " << gen_out << "\n";
    return 0;
  }

  if (*init) {
    if (auto r = hub::init_credentials(paths, hosts); !r) return die(r.error());
    auto store = hub::open_store(db_spec, paths, clock);
    if (!store) return die(store.error());
    if (demo || !catalog_file.empty()) {
      const stdfs::path file = catalog_file.empty() ? assets_dir() / "catalog" / "demo.json" : stdfs::path(catalog_file);
      auto c = read_catalog(file);
      if (!c) return die(c.error());
      if (!c->calendar) {
        // The Government's holiday announcements travel with the catalog.
        auto overrides = calendar::load_overrides_directory(assets_dir() / "calendar");
        if (!overrides) return die(overrides.error());
        c->calendar = std::move(*overrides);
      }
      auto counts = (*store)->import_catalog(*c);
      if (!counts) return die(counts.error());
      std::cout << "loaded " << counts->services << " services, " << counts->fields << " fields, "
                << counts->agencies << " agencies from " << file.string() << "\n";
    }
    std::cout << "hub initialised in " << paths.dir.string() << "\n"
              << "  CA certificate for clients: " << paths.ca_cert().string() << "\n"
              << "  admin token:                " << paths.admin_token().string() << "\n";
    return 0;
  }

  if (*bundle) {
    if (hub_url.rfind("https://", 0) != 0) return die(Error{Errc::invalid_argument, "--hub must be an https:// URL"});
    auto store = hub::open_store(db_spec, paths, clock);
    if (!store) return die(store.error());
    auto cert = hub::issue_kiosk_cert(paths, kiosk_id);
    if (!cert) return die(cert.error());
    auto k = (*store)->register_kiosk(kiosk_id, cert->fingerprint);
    if (!k) return die(k.error());
    if (auto r = hub::write_kiosk_bundle(paths, out_dir, *cert, kiosk_id, k->number, hub_url); !r) return die(r.error());
    std::cout << "kiosk " << kiosk_id << " (number " << k->number << ") bundle written to " << out_dir << "\n";
    return 0;
  }

  // serve
  // Every document passes through buffers of about a MiB (TLS records,
  // decryption, blob writes), allocated and freed by each request's thread.
  // Kept in the heap once freed — not unmapped, nor trimmed — they are reused
  // without a page fault per page; the memory stays bounded by the threads.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  std::string host;
  int port = 0;
  if (!split_listen(listen, host, port)) return die(Error{Errc::invalid_argument, "--listen must be HOST:PORT"});
  auto store = hub::open_store(db_spec, paths, clock);
  if (!store) return die(store.error());
  hub::HubServer server(paths, **store, clock);

  // SIGINT/SIGTERM stop the server from a dedicated thread (never from a handler).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto bound = server.bind(host, port);
  if (!bound) return die(bound.error());
  const std::string url = "https://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                          std::to_string(*bound);
  if (auto r = fs::write_file_durable(paths.url_file(), url + "\n"); !r) return die(r.error());
  std::cout << "motcua-hub listening on " << url << std::endl;

  std::thread signals([&] {
    int sig = 0;
    sigwait(&set, &sig);
    log::info("hub", "signal " + std::to_string(sig) + ": stopping");
    server.stop();
  });
  auto r = server.run();
  // Wake the signal thread if the server stopped for another reason.
  pthread_kill(signals.native_handle(), SIGTERM);
  signals.join();
  if (!r) return die(r.error());
  return 0;
}
