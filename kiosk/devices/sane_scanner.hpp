#pragma once
// Scanner over SANE (sane_init → open → options → start → read → … → cancel/close).
// Real devices and the SANE `test` backend go through the same code; only the
// test backend gets a visible test picture and a smaller page so tests are fast.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "devices/scanner.hpp"
#include "motcua/util/error.hpp"

namespace motcua::kiosk {

// A device option by its SANE name, as scanimage takes it: strings as-is,
// numbers as text ("2000"), booleans "yes"/"no".
struct SaneOption {
  std::string name;
  std::string value;
};

class SaneScanner final : public Scanner {
 public:
  // device: a SANE device name ("test:0", "epson2:libusb:001:004"); empty picks
  // the first device SANE reports.
  // extra_options are set in order after the kiosk's own (mode, resolution,
  // source, test picture), before each scan: a device's quirks, or the test
  // backend's fault injection (read-return-value = "SANE_STATUS_JAMMED") in tests.
  explicit SaneScanner(std::string device, std::vector<SaneOption> extra_options = {});
  ScanResult<std::vector<ScanSource>> sources() override;
  ScanOutcome scan(const ScanRequest& request, const ScanCallbacks& callbacks) override;

 private:
  std::string device_;
  std::vector<SaneOption> extra_options_;
};

// A SANE status (SANE_Status, as an int so callers need not include sane.h)
// as what the citizen is told: JAMMED → jammed, COVER_OPEN → cover_open,
// NO_DOCS → no_docs, DEVICE_BUSY → busy, CANCELLED → cancelled, anything
// else (IO_ERROR of an unplugged scanner, NO_MEM, INVAL …) → failed.
// detail = "<during>: <sane_strstatus>".
ScanError scan_error_from_sane(int sane_status, std::string_view during);

// A device's name for a source ("Flatbed", "Automatic Document Feeder",
// "ADF Duplex", "Transparency Adapter") as a ScanSource; nullopt for sources
// the kiosk does not use (film, transparency).
std::optional<ScanSource> classify_source(std::string_view sane_name);

// `--scanner test`: writes DIR/dll.conf (only `test`) and a copy of the system
// test.conf, returning DIR. The caller points SANE_CONFIG_DIR at it before any
// thread calls sane_init.
Result<std::filesystem::path> prepare_sane_test_config(const std::filesystem::path& dir);

}  // namespace motcua::kiosk
