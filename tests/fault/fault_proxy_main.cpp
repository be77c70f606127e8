// motcua-fault-proxy: the fault tests' bad link, for manual runs. Put it
// between a kiosk and a hub and type commands while the kiosk works:
//
//   motcua-fault-proxy --upstream 127.0.0.1:8443 [--listen-port 0]
//   > cut up 100000        cut the connection carrying upstream byte 100000 (once)
//   > cut down 500 each    cut every connection after 500 downstream bytes
//   > stall up 20000       freeze a connection after 20000 upstream bytes
//   > flip up 30000        flip one bit (TLS will notice and drop the connection)
//   > latency 200          ms per 16 KiB chunk
//   > bandwidth 20000      bytes/s per connection and direction (0 = unlimited)
//   > black-hole | refuse | portal | pass
//   > disarm | drop | stats | quit
//
// Point the kiosk at the printed URL (motcua-kiosk-agent --hub URL, or the url
// in kiosk.toml). TLS passes through untouched.

#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>

#include "fault/fault_proxy.hpp"

using namespace motcua::fault;

namespace {

bool parse_direction(const std::string& s, Direction& d) {
  if (s == "up" || s == "upstream") d = Direction::upstream;
  else if (s == "down" || s == "downstream") d = Direction::downstream;
  else return false;
  return true;
}

void print_stats(const FaultProxy& p) {
  std::cout << "upstream " << p.bytes(Direction::upstream) << " B, downstream " << p.bytes(Direction::downstream)
            << " B, connections " << p.connections_accepted() << ", faults fired " << p.faults_fired() << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  std::string upstream;
  CLI::App app{"motcua-fault-proxy: a TCP proxy that plays a bad link between a kiosk and the hub"};
  app.add_option("--upstream", upstream, "hub address, HOST:PORT (IPv4)")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  const auto colon = upstream.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "motcua-fault-proxy: --upstream must be HOST:PORT\n";
    return 2;
  }
  FaultProxy proxy(upstream.substr(0, colon), std::stoi(upstream.substr(colon + 1)));
  std::cout << "listening on " << proxy.url() << " → " << upstream << std::endl;

  std::string line;
  while (std::cout << "> " << std::flush, std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    if (cmd.empty()) continue;
    if (cmd == "quit" || cmd == "exit") break;
    if (cmd == "pass") proxy.set_mode(LinkMode::pass);
    else if (cmd == "black-hole") proxy.set_mode(LinkMode::black_hole);
    else if (cmd == "refuse") proxy.set_mode(LinkMode::refuse);
    else if (cmd == "portal") proxy.set_mode(LinkMode::captive_portal);
    else if (cmd == "disarm") proxy.disarm();
    else if (cmd == "drop") proxy.drop_connections();
    else if (cmd == "stats") print_stats(proxy);
    else if (cmd == "latency" || cmd == "bandwidth") {
      long long v = -1;
      in >> v;
      if (v < 0) {
        std::cout << "usage: " << cmd << " N" << std::endl;
        continue;
      }
      if (cmd == "latency") proxy.set_latency(std::chrono::milliseconds(v));
      else proxy.set_bandwidth(static_cast<std::uint64_t>(v));
    } else if (cmd == "cut" || cmd == "stall" || cmd == "flip") {
      std::string dir, scope;
      long long at = -1;
      in >> dir >> at >> scope;
      Fault f;
      f.kind = cmd == "cut" ? FaultKind::cut : cmd == "stall" ? FaultKind::stall : FaultKind::flip;
      f.scope = scope == "each" ? FaultScope::each_connection : FaultScope::once;
      if (!parse_direction(dir, f.direction) || at < 0) {
        std::cout << "usage: " << cmd << " up|down BYTES [each]" << std::endl;
        continue;
      }
      f.at = static_cast<std::uint64_t>(at);
      proxy.arm(f);
    } else {
      std::cout << "unknown command " << cmd << std::endl;
      continue;
    }
    std::cout << "ok" << std::endl;
  }
  return 0;
}
