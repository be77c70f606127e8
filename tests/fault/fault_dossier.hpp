#pragma once
// The dossiers the fault tests submit, and the agent's manifest of what the
// citizen was told was accepted.
//
// A page's content is a pure function of (dossier number, page, size), and
// the document's name carries those three, so anyone — the agent that
// submitted it, the test that checks the hub — can regenerate exactly what the
// citizen scanned from the dossier alone, even when the agent was killed
// before it could write down what it did.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/client/kiosk_store.hpp"
#include "motcua/util/error.hpp"

namespace motcua::fault {

inline constexpr const char* kServiceCode = "1.001193";  // demo catalog: level-4 service of H44.27.05
inline constexpr const char* kAgencyId = "H44.27.05";
inline constexpr const char* kServiceName = "Đăng ký khai sinh";

struct PageSpec {
  std::uint64_t dossier = 0;  // the test's own dossier number, unique per kiosk
  int page = 1;               // 1-based
  std::size_t bytes = 0;
};

// Deterministic pseudo-random bytes (splitmix64); every page differs from the
// first byte on, so content-addressed storage never merges two pages.
std::vector<std::uint8_t> page_bytes(const PageSpec& spec);
std::string page_sha256(const PageSpec& spec);
std::string page_name(const PageSpec& spec);  // "fault:<dossier>:<page>:<bytes>"
std::optional<PageSpec> parse_page_name(std::string_view name);
std::string applicant_name(std::uint64_t dossier);

client::NewDossier make_dossier(std::uint64_t dossier, int pages, std::size_t page_bytes);

// One line per dossier whose enqueue returned: the citizen holds a receipt.
struct ManifestEntry {
  std::uint64_t dossier = 0;
  std::string client_id;
  std::string receipt_code;
  std::string lookup_secret;
  std::vector<std::string> page_sha256;  // of the pages as scanned (plaintext)
};

// Appends one JSON line and fdatasyncs the file before returning.
Result<void> append_manifest(const std::filesystem::path& file, const ManifestEntry& entry);
// A kill in the middle of a line leaves it torn; the next writer ends it first
// so its own line stays readable.
Result<void> terminate_torn_line(const std::filesystem::path& file);
// Every complete line; torn ones are skipped (their dossiers count as
// "committed but unrecorded", which the checks allow).
std::vector<ManifestEntry> read_manifest(const std::filesystem::path& file);

}  // namespace motcua::fault
