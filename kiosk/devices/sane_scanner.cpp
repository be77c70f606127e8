#include "devices/sane_scanner.hpp"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

#include <sane/sane.h>
#include <sane/saneopts.h>

#include "document/page_check.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/log.hpp"

namespace motcua::kiosk {

namespace {

constexpr std::string_view kLog = "kiosk.scanner";

// sane_init, then sane_open of the wanted device (or the first one SANE
// reports); sane_close and sane_exit when it goes. Every use of the library
// is bracketed by one of these on the scanning thread.
class SaneConnection {
 public:
  explicit SaneConnection(const std::string& wanted) {
    init_ = sane_init(nullptr, nullptr);
    if (init_ != SANE_STATUS_GOOD) {
      error_ = ScanError{ScanErrorKind::no_scanner, std::string("sane_init: ") + sane_strstatus(init_)};
      return;
    }
    name_ = wanted;
    if (name_.empty()) {
      const SANE_Device** list = nullptr;
      if (sane_get_devices(&list, SANE_TRUE) != SANE_STATUS_GOOD || !list || !list[0]) {
        error_ = ScanError{ScanErrorKind::no_scanner, "no SANE devices"};
        return;
      }
      name_ = list[0]->name;
    }
    if (const SANE_Status st = sane_open(name_.c_str(), &handle_); st != SANE_STATUS_GOOD || !handle_) {
      handle_ = nullptr;
      error_ = scan_error_from_sane(st, "sane_open " + name_);
      // Whatever stops the device opening, the citizen is told there is no scanner.
      if (error_->kind == ScanErrorKind::failed) error_->kind = ScanErrorKind::no_scanner;
    }
  }
  ~SaneConnection() {
    if (handle_) sane_close(handle_);
    if (init_ == SANE_STATUS_GOOD) sane_exit();
  }
  SaneConnection(const SaneConnection&) = delete;
  SaneConnection& operator=(const SaneConnection&) = delete;

  const std::optional<ScanError>& error() const { return error_; }
  SANE_Handle handle() const { return handle_; }
  const std::string& name() const { return name_; }

 private:
  SANE_Status init_ = SANE_STATUS_INVAL;
  SANE_Handle handle_ = nullptr;
  std::string name_;
  std::optional<ScanError> error_;
};

// sane_start has begun a batch (one page, or a feeder's pages): sane_cancel
// must end it whatever happens.
class SaneBatch {
 public:
  explicit SaneBatch(SANE_Handle h) : h_(h) {}
  ~SaneBatch() { sane_cancel(h_); }
  SaneBatch(const SaneBatch&) = delete;
  SaneBatch& operator=(const SaneBatch&) = delete;

 private:
  SANE_Handle h_;
};

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

namespace {

// The device's sources the kiosk can use, with the device's own names, in the
// device's order. Empty: the device has no source option (a plain flatbed).
std::vector<std::pair<ScanSource, std::string>> offered_sources(const Options& opt) {
  std::vector<std::pair<ScanSource, std::string>> out;
  SANE_Int i = 0;
  const auto* d = opt.find(SANE_NAME_SCAN_SOURCE, i);
  if (!d || d->type != SANE_TYPE_STRING || d->constraint_type != SANE_CONSTRAINT_STRING_LIST ||
      !d->constraint.string_list)
    return out;
  for (const SANE_String_Const* s = d->constraint.string_list; *s; ++s)
    if (auto kind = classify_source(*s)) out.emplace_back(*kind, *s);
  return out;
}

ScanError too_large(std::size_t bytes, std::size_t limit) {
  return ScanError{ScanErrorKind::failed, "the page is too large: " + std::to_string(bytes) +
                                              " bytes of pixels (the limit is " + std::to_string(limit) + ")"};
}

// Reads the frame sane_start began into tightly packed 8-bit pixels, never
// holding more than `limit` bytes: a frame that announces more is refused
// before a byte is read, one of unknown length (a hand scanner) when it
// passes the limit.
ScanResult<RawPage> read_page(SANE_Handle h, int index, int dpi, std::size_t limit,
                              const std::function<bool(int, float)>& progress) {
  SANE_Parameters p{};
  if (const SANE_Status st = sane_get_parameters(h, &p); st != SANE_STATUS_GOOD)
    return tl::unexpected(scan_error_from_sane(st, "sane_get_parameters"));
  if ((p.format != SANE_FRAME_RGB && p.format != SANE_FRAME_GRAY) || (p.depth != 8 && p.depth != 1) ||
      p.pixels_per_line <= 0 || p.bytes_per_line <= 0)
    return tl::unexpected(ScanError{ScanErrorKind::failed, "unsupported frame format/depth " +
                                                               std::to_string(p.format) + "/" + std::to_string(p.depth)});
  const auto bpl = static_cast<std::size_t>(p.bytes_per_line);
  const int channels = p.format == SANE_FRAME_RGB ? 3 : 1;
  const auto w = static_cast<std::size_t>(p.pixels_per_line);
  const auto ch = static_cast<std::size_t>(channels);
  if (w > static_cast<std::size_t>(document::kMaxPageSide) || bpl * 8 < w * ch * static_cast<std::size_t>(p.depth))
    return tl::unexpected(ScanError{ScanErrorKind::failed, "bad line: " + std::to_string(w) + " pixels in " +
                                                               std::to_string(bpl) + " bytes"});
  const std::size_t announced = p.lines > 0 ? bpl * static_cast<std::size_t>(p.lines) : 0;
  if (announced > limit || p.lines > document::kMaxPageSide) return tl::unexpected(too_large(announced, limit));

  std::vector<std::uint8_t> data;
  if (announced > 0) data.reserve(announced);
  std::vector<SANE_Byte> buf(64 * 1024);
  for (;;) {
    SANE_Int len = 0;
    const SANE_Status st = sane_read(h, buf.data(), static_cast<SANE_Int>(buf.size()), &len);
    if (st == SANE_STATUS_EOF) break;
    if (st != SANE_STATUS_GOOD) return tl::unexpected(scan_error_from_sane(st, "sane_read"));
    const auto n = static_cast<std::size_t>(std::max<SANE_Int>(len, 0));
    if (data.size() + n > limit) return tl::unexpected(too_large(data.size() + n, limit));
    data.insert(data.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    const float fraction =
        announced > 0 ? static_cast<float>(std::min(1.0, static_cast<double>(data.size()) / static_cast<double>(announced)))
                      : 0.5f;
    if (progress && !progress(index, fraction)) return tl::unexpected(ScanError{ScanErrorKind::cancelled, "cancelled"});
  }
  const std::size_t lines = data.size() / bpl;  // a cut-off last line is dropped
  if (lines == 0) return tl::unexpected(ScanError{ScanErrorKind::failed, "the page is empty (0 lines)"});
  if (lines > static_cast<std::size_t>(document::kMaxPageSide)) return tl::unexpected(too_large(data.size(), limit));

  RawPage page;
  page.width = p.pixels_per_line;
  page.height = static_cast<int>(lines);
  page.channels = channels;
  page.dpi = dpi;
  if (p.depth == 8 && bpl == w * ch) {
    data.resize(lines * bpl);
    page.pixels = std::move(data);  // already packed: no second copy of the page
    return page;
  }
  page.pixels.resize(w * ch * lines);
  for (std::size_t y = 0; y < lines; ++y) {
    const std::uint8_t* row = data.data() + y * bpl;
    std::uint8_t* out = page.pixels.data() + y * w * ch;
    if (p.depth == 8) {
      std::memcpy(out, row, w * ch);
    } else {  // 1 bit: 1 = black, most significant bit first
      for (std::size_t x = 0; x < w * ch; ++x)
        out[x] = ((row[x / 8] >> (7 - x % 8)) & 1) ? std::uint8_t{0} : std::uint8_t{255};
    }
  }
  return page;
}

}  // namespace

ScanError scan_error_from_sane(int sane_status, std::string_view during) {
  const auto status = static_cast<SANE_Status>(sane_status);
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

std::optional<ScanSource> classify_source(std::string_view sane_name) {
  std::string n(sane_name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto has = [&](std::string_view part) { return n.find(part) != std::string::npos; };
  if (has("adf") || has("feeder") || has("duplex")) return ScanSource::feeder;
  if (has("flatbed") || has("glass") || has("normal") || has("document table")) return ScanSource::flatbed;
  return std::nullopt;  // film, slides, transparency units
}

SaneScanner::SaneScanner(std::string device, std::vector<SaneOption> extra_options)
    : device_(std::move(device)), extra_options_(std::move(extra_options)) {}

ScanResult<std::vector<ScanSource>> SaneScanner::sources() {
  SaneConnection conn(device_);
  if (conn.error()) return tl::unexpected(*conn.error());
  std::vector<ScanSource> out;
  for (const auto& [kind, name] : offered_sources(Options{conn.handle()}))
    if (std::find(out.begin(), out.end(), kind) == out.end()) out.push_back(kind);
  if (out.empty()) out.push_back(ScanSource::flatbed);  // no source option: a plain flatbed
  return out;
}

ScanOutcome SaneScanner::scan(const ScanRequest& request, const ScanCallbacks& callbacks) {
  ScanOutcome out;
  SaneConnection conn(device_);
  if (conn.error()) {
    out.error = *conn.error();
    return out;
  }
  SANE_Handle raw = conn.handle();
  const std::string& name = conn.name();
  const Options opt{raw};

  if (!opt.set_string(SANE_NAME_SCAN_MODE, {"Color", "Colour", "Gray", "Grey"}))
    log::info(kLog, "scan mode left at the device default");
  if (!opt.set_number(SANE_NAME_SCAN_RESOLUTION, request.dpi)) log::info(kLog, "resolution left at the device default");
  const auto offered = offered_sources(opt);
  const auto wanted = std::find_if(offered.begin(), offered.end(), [&](const auto& s) { return s.first == request.source; });
  if (wanted != offered.end()) {
    if (!opt.set_string(SANE_NAME_SCAN_SOURCE, {wanted->second})) log::warn(kLog, "source " + wanted->second + " not accepted");
  } else if (request.source == ScanSource::feeder || !offered.empty()) {
    out.error = ScanError{ScanErrorKind::failed, name + " has no " + std::string(to_string(request.source))};
    return out;
  }
  if (name.rfind("test", 0) == 0) {
    // The test backend scans solid black by default; a pattern shows the
    // preview works. A5-ish page keeps tests and the demo quick.
    opt.set_string("test-picture", {"Color pattern"});
    opt.set_number(SANE_NAME_SCAN_BR_X, 148);
    opt.set_number(SANE_NAME_SCAN_BR_Y, 200);
  }
  for (const auto& o : extra_options_)
    if (!opt.set_text(o.name, o.value)) log::warn(kLog, "option " + o.name + " = " + o.value + " not accepted by " + name);
  const int dpi = static_cast<int>(std::lround(opt.get_number(SANE_NAME_SCAN_RESOLUTION, request.dpi)));

  const bool feeder = request.source == ScanSource::feeder;
  const int max_pages = feeder ? std::max(1, request.max_pages) : 1;
  SaneBatch batch(raw);
  for (int index = 0; index < max_pages; ++index) {
    // A cancel between a feeder's pages: the next sheet is not pulled in.
    if (index > 0 && callbacks.progress && !callbacks.progress(index, 0.0f)) {
      out.error = ScanError{ScanErrorKind::cancelled, "cancelled after " + std::to_string(index) + " pages"};
      return out;
    }
    const SANE_Status st = sane_start(raw);
    // The feeder ran out after at least one page: the normal end of a batch.
    if (st == SANE_STATUS_NO_DOCS && feeder && index > 0) break;
    if (st != SANE_STATUS_GOOD) {
      out.error = scan_error_from_sane(st, "sane_start (page " + std::to_string(index + 1) + ")");
      return out;
    }
    auto page = read_page(raw, index, dpi, request.max_page_bytes, callbacks.progress);
    if (!page) {
      page.error().detail = "page " + std::to_string(index + 1) + ": " + page.error().detail;
      out.error = std::move(page.error());
      return out;
    }
    ++out.pages;
    if (callbacks.page && !callbacks.page(std::move(*page))) {
      out.error = ScanError{ScanErrorKind::cancelled, "stopped after page " + std::to_string(index + 1)};
      return out;
    }
  }
  return out;
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
