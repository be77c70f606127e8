#pragma once
// Scanner over SANE (sane_init → open → options → start → read → cancel/close).
// Real devices and the SANE `test` backend go through the same code; only the
// test backend gets a visible test picture and a small page so tests are fast.

#include <filesystem>
#include <string>
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
  // test picture), before each scan: a device's quirks (source = "Automatic
  // Document Feeder"), or the test backend's fault injection
  // (read-return-value = "SANE_STATUS_JAMMED") in tests.
  explicit SaneScanner(std::string device, int dpi = 150, std::vector<SaneOption> extra_options = {});
  ScanResult<ScannedPage> scan(const std::function<bool(float)>& progress) override;

 private:
  std::string device_;
  int dpi_;
  std::vector<SaneOption> extra_options_;
};

// `--scanner test`: writes DIR/dll.conf (only `test`) and a copy of the system
// test.conf, returning DIR. The caller points SANE_CONFIG_DIR at it before any
// thread calls sane_init.
Result<std::filesystem::path> prepare_sane_test_config(const std::filesystem::path& dir);

}  // namespace motcua::kiosk
