#include "document/page_compress.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <span>
#include <string>

#include <turbojpeg.h>

#include "document/resample.hpp"

namespace motcua::document {

namespace {

struct TjDestroy {
  void operator()(void* h) const { tjDestroy(h); }
};
struct TjFree {
  void operator()(unsigned char* p) const { tjFree(p); }
};

// Channel spread a colour scanner's noise and fringes reach on black-and-white
// paper, and the share of pixels allowed beyond it (dust, a coloured speck).
constexpr int kColourSpread = 24;
constexpr double kColouredShare = 0.0005;

class Encoder {
 public:
  Encoder() : tj_(tjInitCompress()) {}
  bool ok() const { return tj_ != nullptr; }
  int page_encodes = 0, sample_encodes = 0;

  Result<std::vector<std::uint8_t>> encode(const std::uint8_t* pixels, int width, int height, int channels,
                                           int quality, bool sample = false) {
    ++(sample ? sample_encodes : page_encodes);
    unsigned char* out = nullptr;
    unsigned long size = 0;
    const int rc = tjCompress2(tj_.get(), pixels, width, 0, height, channels == 3 ? TJPF_RGB : TJPF_GRAY, &out, &size,
                               channels == 3 ? TJSAMP_420 : TJSAMP_GRAY, quality, 0);
    std::unique_ptr<unsigned char, TjFree> owned(out);
    if (rc != 0) return fail(Errc::internal, std::string("JPEG encoding failed: ") + tjGetErrorStr2(tj_.get()));
    return std::vector<std::uint8_t>(owned.get(), owned.get() + size);
  }

 private:
  std::unique_ptr<void, TjDestroy> tj_;
};

// The same JPEG re-coded as progressive with optimised Huffman tables:
// lossless (the quantised coefficients are kept, so the pixels decode
// identically), typically 9–20 % smaller, most on a colour page at low
// resolution where every 8 × 8 chroma block that quantised to zero still costs
// a DC code and an end-of-block code in a baseline JPEG and costs almost
// nothing in a progressive one's end-of-band runs. About four baseline
// encodes' time, so it is done only when a page has missed the target.
Result<std::vector<std::uint8_t>> progressive(const std::vector<std::uint8_t>& jpeg) {
  std::unique_ptr<void, TjDestroy> tj(tjInitTransform());
  if (!tj) return fail(Errc::internal, "tjInitTransform failed");
  tjtransform xform{};
  xform.op = TJXOP_NONE;
  xform.options = TJXOPT_PROGRESSIVE | TJXOPT_COPYNONE;
  unsigned char* out = nullptr;
  unsigned long size = 0;
  const int rc = tjTransform(tj.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()), 1, &out, &size, &xform, 0);
  std::unique_ptr<unsigned char, TjFree> owned(out);
  if (rc != 0) return fail(Errc::internal, std::string("JPEG re-coding failed: ") + tjGetErrorStr2(tj.get()));
  return std::vector<std::uint8_t>(owned.get(), owned.get() + size);
}

struct Image {
  std::span<const std::uint8_t> pixels;
  int width = 0, height = 0, channels = 1;
};

// A quarter of the page's MCU rows (bands of 16 rows in colour, 8 in grey),
// one band out of every four, stacked. Which of the four varies (a fixed
// hash), so the sample does not lock onto a page's line spacing. A JPEG's size
// is nearly the sum of its MCU rows', so the sample's size times the page's
// share estimates the page's.
std::vector<std::uint8_t> sample_rows(const Image& img, int& sample_height) {
  const int band = img.channels == 3 ? 16 : 8;
  const auto row_bytes = static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.channels);
  std::vector<std::uint8_t> out;
  sample_height = 0;
  for (int group = 0;; ++group) {
    const int y = (4 * group + static_cast<int>((static_cast<unsigned>(group) * 2654435761u >> 13) % 4u)) * band;
    if (y + band > img.height) break;
    const std::uint8_t* from = img.pixels.data() + static_cast<std::size_t>(y) * row_bytes;
    out.insert(out.end(), from, from + static_cast<std::size_t>(band) * row_bytes);
    sample_height += band;
  }
  return out;
}

struct Pick {
  std::vector<std::uint8_t> jpeg;  // empty: skipped (a lower resolution will be tried)
  int quality = 0;
  bool fits = false;
};

// The highest quality in [lo, hi] whose JPEG fits target, or the JPEG at lo
// (fits = false) when none does. With `may_skip`, a page whose estimate at lo
// is clearly too large is not encoded at all (the caller tries a lower
// resolution next).
Result<Pick> pick_quality(Encoder& enc, const Image& img, int lo, int hi, std::size_t target, bool may_skip) {
  int sample_height = 0;
  const std::vector<std::uint8_t> sample = sample_rows(img, sample_height);
  std::array<std::size_t, 101> sample_size{};  // by quality; 0 = not encoded yet
  const bool sampled = sample_height >= 64 && sample_height * 3 < img.height;
  const double scale = sampled ? static_cast<double>(img.height) / sample_height : 1.0;
  auto estimate = [&](int q) -> Result<double> {
    auto& memo = sample_size[static_cast<std::size_t>(q)];
    if (memo == 0) {
      auto j = enc.encode(sample.data(), img.width, sample_height, img.channels, q, true);
      if (!j) return fail(j.error());
      memo = j->size();
    }
    return static_cast<double>(memo) * scale;
  };
  auto full = [&](int q) { return enc.encode(img.pixels.data(), img.width, img.height, img.channels, q); };

  int tried_hi = hi;  // qualities above this are known not to fit
  if (sampled) {
    // 1. Estimate on the sample; 2. confirm on the page; if the page is larger
    // than estimated, correct the estimate by the ratio seen and try again.
    double correction = 1.0;
    for (int round = 0; round < 3 && tried_hi >= lo; ++round) {
      const double aim = static_cast<double>(target) * 0.97 / correction;
      int s_lo = lo, s_hi = tried_hi, guess = lo - 1;
      while (s_lo <= s_hi) {
        const int q = (s_lo + s_hi + 1) / 2;
        auto e = estimate(q);
        if (!e) return fail(e.error());
        if (*e <= aim) {
          guess = q;
          s_lo = q + 1;
        } else {
          s_hi = q - 1;
        }
      }
      if (guess < lo) {
        auto e = estimate(lo);
        if (!e) return fail(e.error());
        if (may_skip && round == 0 && *e * correction > static_cast<double>(target) * 1.1) return Pick{{}, lo, false};
        guess = lo;
      }
      auto page = full(guess);
      if (!page) return fail(page.error());
      if (page->size() <= target) return Pick{std::move(*page), guess, true};
      if (guess == lo) return Pick{std::move(*page), lo, false};
      auto e = estimate(guess);
      if (!e) return fail(e.error());
      correction = static_cast<double>(page->size()) / *e;
      tried_hi = guess - 1;
    }
  }
  // 3. Binary search on the whole page over what is left.
  Pick best;
  int b_lo = lo, b_hi = tried_hi;
  while (b_lo <= b_hi) {
    const int q = (b_lo + b_hi + 1) / 2;
    auto j = full(q);
    if (!j) return fail(j.error());
    if (j->size() <= target) {
      best = Pick{std::move(*j), q, true};
      b_lo = q + 1;
    } else {
      if (!best.fits) best = Pick{std::move(*j), q, false};
      b_hi = q - 1;
    }
  }
  if (best.jpeg.empty()) {
    auto j = full(lo);
    if (!j) return fail(j.error());
    best = Pick{std::move(*j), lo, j->size() <= target};
  }
  return best;
}

std::vector<std::uint8_t> rgb_to_grey(std::span<const std::uint8_t> rgb) {
  std::vector<std::uint8_t> grey(rgb.size() / 3);
  for (std::size_t i = 0; i < grey.size(); ++i) {
    // ITU-R BT.601 luma, as JPEG's own colour conversion uses.
    const unsigned y = 77u * rgb[3 * i] + 150u * rgb[3 * i + 1] + 29u * rgb[3 * i + 2];
    grey[i] = static_cast<std::uint8_t>((y + 128) >> 8);
  }
  return grey;
}

}  // namespace

void clean_background(std::span<std::uint8_t> pixels, int channels) {
  const auto ch = static_cast<std::size_t>(channels);
  const std::size_t count = pixels.size() / ch;
  if (count == 0) return;
  // Histogram of the green channel (or grey) over every 7th pixel: enough to
  // find the paper, a fraction of the time.
  std::array<std::size_t, 256> hist{};
  std::size_t sampled = 0;
  for (std::size_t i = 0; i < count; i += 7, ++sampled) hist[pixels[i * ch + (ch == 3 ? 1 : 0)]]++;
  std::size_t peak = 160;
  for (std::size_t v = 160; v < 256; ++v)
    if (hist[v] > hist[peak]) peak = v;
  // Paper covers most of a document; without a clear peak this is a photo.
  std::size_t paper = 0;
  for (std::size_t v = 150; v < 256; ++v) paper += hist[v];
  if (hist[peak] * 50 < sampled || paper * 2 < sampled) return;
  // The peak's lower flank: where the count falls below 1/16 of the peak's.
  std::size_t white = peak;
  while (white > 150 && hist[white - 1] * 16 > hist[peak]) --white;
  if (white >= 255) return;
  std::array<std::uint8_t, 256> lut{};
  for (std::size_t v = 0; v < 256; ++v)
    lut[v] = v >= white ? std::uint8_t{255} : static_cast<std::uint8_t>((v * 255 + white / 2) / white);
  for (auto& p : pixels) p = lut[p];
}

bool is_colourless(const PageView& page) {
  if (page.channels != 3) return true;
  const std::size_t pixels = static_cast<std::size_t>(page.width) * static_cast<std::size_t>(page.height);
  const auto allowed = static_cast<std::size_t>(static_cast<double>(pixels) * kColouredShare);
  std::size_t coloured = 0;
  const std::uint8_t* p = page.pixels.data();
  for (std::size_t i = 0; i < pixels; ++i, p += 3) {
    const int hi = std::max({p[0], p[1], p[2]}), lo = std::min({p[0], p[1], p[2]});
    if (hi - lo > kColourSpread && ++coloured > allowed) return false;
  }
  return true;
}

Result<CompressedPage> compress_page(const PageView& page, const CompressOptions& options) {
  if (auto ok = check_page(page); !ok) return fail(ok.error());
  if (options.min_quality < 1 || options.max_quality > 100 || options.min_quality > options.max_quality ||
      options.target_bytes == 0 || options.preview_max_width < 1 || options.preview_max_height < 1)
    return fail(Errc::invalid_argument, "compress_page: bad options");
  Encoder enc;
  if (!enc.ok()) return fail(Errc::internal, "tjInitCompress failed");

  Image img{page.pixels.subspan(0, static_cast<std::size_t>(page.width) * static_cast<std::size_t>(page.height) *
                                       static_cast<std::size_t>(page.channels)),
            page.width, page.height, page.channels};
  // The pixels compressed: a grey copy, or a copy whose background is cleaned.
  std::vector<std::uint8_t> work;
  if (page.channels == 3 && options.grey_when_colourless && is_colourless(page)) {
    work = rgb_to_grey(img.pixels);
    img = Image{work, page.width, page.height, 1};
  }
  if (options.clean_background) {
    if (work.empty()) work.assign(img.pixels.begin(), img.pixels.end());
    clean_background(work, img.channels);
    img.pixels = work;
  }

  CompressedPage out;
  out.channels = img.channels;

  // The preview first: it comes from the full page whatever resolution the JPEG ends at.
  {
    const double fit = std::min({1.0, static_cast<double>(options.preview_max_width) / page.width,
                                 static_cast<double>(options.preview_max_height) / page.height});
    out.preview_width = std::max(1, static_cast<int>(std::lround(page.width * fit)));
    out.preview_height = std::max(1, static_cast<int>(std::lround(page.height * fit)));
    auto small = resample_area(img.pixels, img.width, img.height, img.channels, out.preview_width, out.preview_height);
    out.preview_rgb = img.channels == 3 ? std::move(small) : grey_to_rgb(small);
  }

  auto has_lower = [&](int than) {
    return std::any_of(options.fallback_dpi.begin(), options.fallback_dpi.end(),
                       [&](int d) { return d < than && d >= kMinDpi; });
  };
  auto pick = pick_quality(enc, img, options.min_quality, options.max_quality, options.target_bytes,
                           has_lower(page.dpi));
  if (!pick) return fail(pick.error());
  int dpi = page.dpi;
  std::vector<std::uint8_t> smaller;
  for (const int lower : options.fallback_dpi) {
    if (pick->fits) break;
    if (lower >= dpi || lower < kMinDpi) continue;
    const int w = std::max(1, static_cast<int>(std::lround(static_cast<double>(page.width) * lower / page.dpi)));
    const int h = std::max(1, static_cast<int>(std::lround(static_cast<double>(page.height) * lower / page.dpi)));
    // Always from the original pixels: one resampling, not a chain of them.
    smaller = resample_area(img.pixels, img.width, img.height, img.channels, w, h);
    const Image shrunk{smaller, w, h, img.channels};
    auto again = pick_quality(enc, shrunk, options.min_quality, options.max_quality, options.target_bytes,
                              has_lower(lower));
    if (!again) return fail(again.error());
    pick = std::move(again);
    dpi = lower;
    out.width = w;
    out.height = h;
  }
  if (pick->jpeg.empty()) return fail(Errc::internal, "compress_page: no resolution was tried");
  // Even the lowest resolution at min_quality missed: re-code it losslessly
  // (same pixels, same quality) rather than go below min_quality. Should that
  // fail, the baseline JPEG is still a whole page: kept, flagged as over.
  if (!pick->fits && options.progressive_when_over) {
    auto smaller_code = progressive(pick->jpeg);
    if (smaller_code && smaller_code->size() < pick->jpeg.size()) {
      pick->jpeg = std::move(*smaller_code);
      pick->fits = pick->jpeg.size() <= options.target_bytes;
      out.progressive = true;
    }
  }
  if (dpi == page.dpi) {
    out.width = page.width;
    out.height = page.height;
  }
  out.dpi = dpi;
  out.jpeg = std::move(pick->jpeg);
  out.quality = pick->quality;
  out.within_target = pick->fits;
  out.page_encodes = enc.page_encodes;
  out.sample_encodes = enc.sample_encodes;
  return out;
}

}  // namespace motcua::document
