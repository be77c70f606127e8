#pragma once
// The baseline of the sync figures (docs/performance.md, issue 4): a document
// declared as is (identity encoding) in a dossier of its own, and sent by curl
// to the same hub over the same TLS — a tus creation, then the whole file in one
// PATCH (`curl -T FILE -X PATCH`), no checksum; a document larger than the
// hub's request limit (256 MiB) in one PATCH per piece file. What is left of
// our own uploader's or sync engine's time beyond this is their overhead.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "motcua/client/hub_client.hpp"
#include "motcua/protocol/envelope.hpp"

namespace motcua::bench {

// A dossier of the kiosk's own for a raw transfer: its client id and its
// sealed applicant (whose data key can seal the document too).
struct RawDossier {
  std::string client_id;
  protocol::SealedApplicant sealed;
};
RawDossier new_raw_dossier(const std::filesystem::path& kiosk_dir);

// Declares the dossier with one document d1 of `size` bytes and that sha256,
// in `encoding` (identity: sent as is; mcenc1: encrypted with the dossier's
// data key, opened by the hub as the kiosk's pages are). Throws when the hub
// refuses it.
void declare_raw_document(const client::HubEndpoint& kiosk, const RawDossier& dossier, std::int64_t size,
                          const std::string& sha256_hex, std::string_view encoding);

// A new dossier whose document d1 of `size` bytes is sent as is; its client id.
std::string declare_raw_document(const client::HubEndpoint& kiosk, const std::filesystem::path& kiosk_dir,
                                 std::int64_t size, const std::string& sha256_hex);

// curl: POST (creation), then each piece (the document is their concatenation)
// in one PATCH. Wall seconds from before the POST to curl's exit after the
// hub's last answer, or < 0 on failure.
double curl_tus_upload(const std::string& hub_url, const std::filesystem::path& kiosk_dir,
                       const std::vector<std::filesystem::path>& pieces, const std::string& client_id);

// A file of `size` pseudo-random (incompressible) bytes.
bool write_random_file(const std::filesystem::path& path, std::int64_t size, std::uint64_t seed);

// CPU seconds (user + system) of a process, from /proc/PID/stat.
double process_cpu_seconds(pid_t pid);
// CPU seconds of this process (every thread) or of its waited-for children.
double self_cpu_seconds();
double children_cpu_seconds();

double median(std::vector<double> v);

}  // namespace motcua::bench
