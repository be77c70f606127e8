#include "devices/sane_scanner.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>

#include <sane/sane.h>
#include <sane/saneopts.h>

#include "devices/jpeg.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/log.hpp"

namespace motcua::kiosk {

namespace {

constexpr std::string_view kLog = "kiosk.scanner";

// sane_init/sane_exit bracket every use of the library on this thread.
class SaneSession {
 public:
  SaneSession() { status_ = sane_init(nullptr, nullptr); }
  ~SaneSession() {
    if (status_ == SANE_STATUS_GOOD) sane_exit();
  }
  SaneSession(const SaneSession&) = delete;
  SaneSession& operator=(const SaneSession&) = delete;
  SANE_Status status() const { return status_; }

 private:
  SANE_Status status_;
};

struct SaneClose {
  void operator()(void* h) const { sane_close(h); }
};
using SaneDevice = std::unique_ptr<void, SaneClose>;

// sane_start has begun a frame: sane_cancel must end it whatever happens.
class SaneFrame {
 public:
  explicit SaneFrame(SANE_Handle h) : h_(h) {}
  ~SaneFrame() { sane_cancel(h_); }
  SaneFrame(const SaneFrame&) = delete;
  SaneFrame& operator=(const SaneFrame&) = delete;

 private:
  SANE_Handle h_;
};

ScanError error_from(SANE_Status status, std::string_view during) {
  ScanError e;
  e.detail = std::string(during) + ": " + sane_strstatus(status);
  switch (status) {
    case SANE_STATUS_JAMMED: e.kind = ScanErrorKind::jammed; break;
    case SANE_STATUS_COVER_OPEN: e.kind = ScanErrorKind::cover_open; break;
    case SANE_STATUS_NO_DOCS: e.kind = ScanErrorKind::no_docs; break;
    case SANE_STATUS_DEVICE_BUSY: e.kind = ScanErrorKind::busy; break;
    case SANE_STATUS_CANCELLED: e.kind = ScanErrorKind::cancelled; break;
    default: e.kind = ScanErrorKind::failed; break;
  }
  return e;
}

SANE_Word to_fixed(double v) { return static_cast<SANE_Word>(std::lround(v * (1 << SANE_FIXED_SCALE_SHIFT))); }

// Options are looked up by name; option numbers differ between backends.
struct Options {
  SANE_Handle h;

  const SANE_Option_Descriptor* find(std::string_view name, SANE_Int& index) const {
    SANE_Int count = 0;
    if (sane_control_option(h, 0, SANE_ACTION_GET_VALUE, &count, nullptr) != SANE_STATUS_GOOD) return nullptr;
    for (SANE_Int i = 1; i < count; ++i) {
      const SANE_Option_Descriptor* d = sane_get_option_descriptor(h, i);
      if (d && d->name && name == d->name && SANE_OPTION_IS_SETTABLE(d->cap) && SANE_OPTION_IS_ACTIVE(d->cap)) {
        index = i;
        return d;
      }
    }
    return nullptr;
  }

  // Sets a string option to the first of `wanted` the device offers.
  bool set_string(std::string_view name, std::initializer_list<std::string_view> wanted) const {
    SANE_Int i = 0;
    const auto* d = find(name, i);
    if (!d || d->type != SANE_TYPE_STRING || d->size <= 0) return false;
    for (std::string_view w : wanted) {
      bool offered = d->constraint_type != SANE_CONSTRAINT_STRING_LIST;
      if (!offered)
        for (const SANE_String_Const* s = d->constraint.string_list; *s; ++s) offered = offered || w == *s;
      if (!offered || w.size() + 1 > static_cast<std::size_t>(d->size)) continue;
      std::vector<char> buf(static_cast<std::size_t>(d->size), '\0');
      std::memcpy(buf.data(), w.data(), w.size());
      if (sane_control_option(h, i, SANE_ACTION_SET_VALUE, buf.data(), nullptr) == SANE_STATUS_GOOD) return true;
    }
    return false;
  }

  // Sets a numeric option (INT or FIXED — the test backend's resolution is
  // FIXED, most real backends use INT), snapping to the device's constraint.
  bool set_number(std::string_view name, double value) const {
    SANE_Int i = 0;
    const auto* d = find(name, i);
    if (!d || (d->type != SANE_TYPE_INT && d->type != SANE_TYPE_FIXED)) return false;
    const bool fixed = d->type == SANE_TYPE_FIXED;
    auto decode = [&](SANE_Word w) { return fixed ? SANE_UNFIX(w) : static_cast<double>(w); };
    if (d->constraint_type == SANE_CONSTRAINT_RANGE && d->constraint.range) {
      value = std::clamp(value, decode(d->constraint.range->min), decode(d->constraint.range->max));
    } else if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST && d->constraint.word_list) {
      const SANE_Word* list = d->constraint.word_list;  // list[0] is the count
      double best = value, best_gap = -1;
      for (SANE_Word k = 1; k <= list[0]; ++k) {
        const double v = decode(list[k]);
        if (best_gap < 0 || std::abs(v - value) < best_gap) best = v, best_gap = std::abs(v - value);
      }
      value = best;
    }
    SANE_Word word = fixed ? to_fixed(value) : static_cast<SANE_Word>(std::lround(value));
    return sane_control_option(h, i, SANE_ACTION_SET_VALUE, &word, nullptr) == SANE_STATUS_GOOD;
  }

  // Sets an option of any value type from text (SaneOption).
  bool set_text(std::string_view name, std::string_view value) const {
    SANE_Int i = 0;
    const auto* d = find(name, i);
    if (!d) return false;
    switch (d->type) {
      case SANE_TYPE_STRING: return set_string(name, {value});
      case SANE_TYPE_INT:
      case SANE_TYPE_FIXED: {
        double v = 0;
        const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        return ec == std::errc() && p == value.data() + value.size() && set_number(name, v);
      }
      case SANE_TYPE_BOOL: {
        SANE_Word word = SANE_FALSE;
        if (value == "yes" || value == "true" || value == "1") word = SANE_TRUE;
        else if (value != "no" && value != "false" && value != "0") return false;
        return sane_control_option(h, i, SANE_ACTION_SET_VALUE, &word, nullptr) == SANE_STATUS_GOOD;
      }
      default: return false;
    }
  }

  double get_number(std::string_view name, double fallback) const {
    SANE_Int i = 0;
    const auto* d = find(name, i);
    if (!d || (d->type != SANE_TYPE_INT && d->type != SANE_TYPE_FIXED)) return fallback;
    SANE_Word word = 0;
    if (sane_control_option(h, i, SANE_ACTION_GET_VALUE, &word, nullptr) != SANE_STATUS_GOOD) return fallback;
    return d->type == SANE_TYPE_FIXED ? SANE_UNFIX(word) : static_cast<double>(word);
  }
};

}  // namespace

SaneScanner::SaneScanner(std::string device, int dpi, std::vector<SaneOption> extra_options)
    : device_(std::move(device)), dpi_(dpi), extra_options_(std::move(extra_options)) {}

ScanResult<ScannedPage> SaneScanner::scan(const std::function<bool(float)>& progress) {
  SaneSession session;
  if (session.status() != SANE_STATUS_GOOD)
    return tl::unexpected(ScanError{ScanErrorKind::no_scanner, std::string("sane_init: ") +
                                                                   sane_strstatus(session.status())});
  std::string name = device_;
  if (name.empty()) {
    const SANE_Device** list = nullptr;
    if (sane_get_devices(&list, SANE_TRUE) != SANE_STATUS_GOOD || !list || !list[0])
      return tl::unexpected(ScanError{ScanErrorKind::no_scanner, "no SANE devices"});
    name = list[0]->name;
  }
  SANE_Handle raw = nullptr;
  if (const SANE_Status st = sane_open(name.c_str(), &raw); st != SANE_STATUS_GOOD || !raw) {
    ScanError e = error_from(st, "sane_open " + name);
    if (e.kind == ScanErrorKind::failed) e.kind = ScanErrorKind::no_scanner;
    return tl::unexpected(std::move(e));
  }
  SaneDevice device(raw);
  const Options opt{raw};

  if (!opt.set_string(SANE_NAME_SCAN_MODE, {"Color", "Colour", "Gray", "Grey"}))
    log::info(kLog, "scan mode left at the device default");
  if (!opt.set_number(SANE_NAME_SCAN_RESOLUTION, dpi_)) log::info(kLog, "resolution left at the device default");
  if (name.rfind("test", 0) == 0) {
    // The test backend scans solid black by default; a pattern shows the
    // preview works. A5-ish page keeps tests and the demo quick.
    opt.set_string("test-picture", {"Color pattern"});
    opt.set_number(SANE_NAME_SCAN_BR_X, 148);
    opt.set_number(SANE_NAME_SCAN_BR_Y, 200);
  }
  for (const auto& o : extra_options_)
    if (!opt.set_text(o.name, o.value)) log::warn(kLog, "option " + o.name + " = " + o.value + " not accepted by " + name);
  const int dpi = static_cast<int>(std::lround(opt.get_number(SANE_NAME_SCAN_RESOLUTION, dpi_)));

  if (const SANE_Status st = sane_start(raw); st != SANE_STATUS_GOOD) return tl::unexpected(error_from(st, "sane_start"));
  SaneFrame frame(raw);
  SANE_Parameters p{};
  if (const SANE_Status st = sane_get_parameters(raw, &p); st != SANE_STATUS_GOOD)
    return tl::unexpected(error_from(st, "sane_get_parameters"));
  if ((p.format != SANE_FRAME_RGB && p.format != SANE_FRAME_GRAY) || (p.depth != 8 && p.depth != 1) ||
      p.pixels_per_line <= 0 || p.bytes_per_line <= 0)
    return tl::unexpected(ScanError{ScanErrorKind::failed, "unsupported frame format/depth " +
                                                               std::to_string(p.format) + "/" + std::to_string(p.depth)});

  const auto bpl = static_cast<std::size_t>(p.bytes_per_line);
  std::vector<std::uint8_t> data;
  if (p.lines > 0) data.reserve(bpl * static_cast<std::size_t>(p.lines));
  const double expected = p.lines > 0 ? static_cast<double>(bpl) * p.lines : 0.0;
  std::vector<SANE_Byte> buf(64 * 1024);
  for (;;) {
    SANE_Int len = 0;
    const SANE_Status st = sane_read(raw, buf.data(), static_cast<SANE_Int>(buf.size()), &len);
    if (st == SANE_STATUS_EOF) break;
    if (st != SANE_STATUS_GOOD) return tl::unexpected(error_from(st, "sane_read"));
    data.insert(data.end(), buf.begin(), buf.begin() + len);
    const float fraction = expected > 0 ? static_cast<float>(std::min(1.0, static_cast<double>(data.size()) / expected)) : 0.5f;
    if (progress && !progress(fraction)) return tl::unexpected(ScanError{ScanErrorKind::cancelled, "cancelled"});
  }
  const int width = p.pixels_per_line;
  const int height = static_cast<int>(data.size() / bpl);
  if (height <= 0) return tl::unexpected(ScanError{ScanErrorKind::no_docs, "empty page"});

  // Repack rows into tightly packed 8-bit pixels (line-art expanded to grey).
  const int channels = p.format == SANE_FRAME_RGB ? 3 : 1;
  const auto w = static_cast<std::size_t>(width);
  const auto ch = static_cast<std::size_t>(channels);
  std::vector<std::uint8_t> pixels(w * ch * static_cast<std::size_t>(height));
  for (std::size_t y = 0; y < static_cast<std::size_t>(height); ++y) {
    const std::uint8_t* row = data.data() + y * bpl;
    std::uint8_t* out = pixels.data() + y * w * ch;
    if (p.depth == 8) {
      std::memcpy(out, row, w * ch);
    } else {  // 1 bit: 1 = black, most significant bit first
      for (std::size_t x = 0; x < w * ch; ++x) out[x] = ((row[x / 8] >> (7 - x % 8)) & 1) ? std::uint8_t{0} : std::uint8_t{255};
    }
  }

  ScannedPage page;
  page.width = width;
  page.height = height;
  page.dpi = dpi;
  auto jpeg = encode_jpeg(pixels, width, height, channels, 80);
  if (!jpeg) return tl::unexpected(ScanError{ScanErrorKind::failed, jpeg.error().describe()});
  page.jpeg = std::move(*jpeg);
  page.preview_rgb = downscale_to_rgb(pixels, width, height, channels, 720, page.preview_width, page.preview_height);
  if (progress) progress(1.0f);
  return page;
}

Result<std::filesystem::path> prepare_sane_test_config(const std::filesystem::path& dir) {
  if (auto ok = fs::ensure_dir(dir); !ok) return fail(ok.error());
  if (auto ok = fs::write_file_durable(dir / "dll.conf", std::string_view("test\n")); !ok) return fail(ok.error());
  std::string conf = "number_of_devices 2\n";
  if (auto system = fs::read_file("/etc/sane.d/test.conf")) conf = *system;
  if (auto ok = fs::write_file_durable(dir / "test.conf", conf); !ok) return fail(ok.error());
  return dir;
}

}  // namespace motcua::kiosk
