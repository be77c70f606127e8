#include "document/page_check.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include <turbojpeg.h>

namespace motcua::document {

namespace {

struct TjDestroy {
  void operator()(void* h) const { tjDestroy(h); }
};

std::string size_text(std::int64_t width, std::int64_t height) {
  return std::to_string(width) + " × " + std::to_string(height) + " pixels";
}

Result<void> check_dimensions(std::int64_t width, std::int64_t height) {
  const std::int64_t pixels = width * height;
  if (pixels > kMaxPagePixels || width > kMaxPageSide || height > kMaxPageSide)
    return fail(Errc::invalid_argument, "the page is too large: " + size_text(width, height) + " = " +
                                            std::to_string(pixels / 1'000'000) + " megapixels (the limit is " +
                                            std::to_string(kMaxPagePixels / 1'000'000) + " megapixels, " +
                                            std::to_string(kMaxPageSide) + " pixels a side)");
  return {};
}

}  // namespace

Result<void> check_page(const PageView& page) {
  if (page.pixels.empty()) return fail(Errc::invalid_argument, "the page is empty (0 bytes)");
  if (page.width <= 0 || page.height <= 0)
    return fail(Errc::invalid_argument, "the page has no pixels: " + size_text(page.width, page.height));
  if (page.channels != 1 && page.channels != 3)
    return fail(Errc::invalid_argument,
                "unsupported page format: " + std::to_string(page.channels) + " channels (1 grey or 3 RGB)");
  if (auto ok = check_dimensions(page.width, page.height); !ok) return ok;
  if (page.dpi < kMinDpi || page.dpi > kMaxDpi)
    return fail(Errc::invalid_argument, "unsupported resolution: " + std::to_string(page.dpi) + " dpi (" +
                                            std::to_string(kMinDpi) + "–" + std::to_string(kMaxDpi) + ")");
  if (static_cast<double>(std::max(page.width, page.height)) / page.dpi > kMaxPageInches)
    return fail(Errc::invalid_argument, "the page is too large: " + size_text(page.width, page.height) + " at " +
                                            std::to_string(page.dpi) + " dpi is more than 200 inches long");
  const auto expected = static_cast<std::uint64_t>(page.width) * static_cast<std::uint64_t>(page.height) *
                        static_cast<std::uint64_t>(page.channels);
  if (page.pixels.size() < expected)
    return fail(Errc::corrupt, "the page is truncated: " + std::to_string(page.pixels.size()) + " of " +
                                   std::to_string(expected) + " bytes (" + size_text(page.width, page.height) + ", " +
                                   std::to_string(page.channels) + " bytes per pixel)");
  return {};
}

Result<JpegInfo> check_jpeg_page(std::span<const std::uint8_t> jpeg) {
  if (jpeg.empty()) return fail(Errc::invalid_argument, "the page is empty (0 bytes)");
  if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
    return fail(Errc::invalid_argument, "the page is not a JPEG image (" + std::to_string(jpeg.size()) + " bytes)");
  std::unique_ptr<void, TjDestroy> tj(tjInitDecompress());
  if (!tj) return fail(Errc::internal, "tjInitDecompress failed");
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()), &width, &height,
                          &subsampling, &colorspace) != 0)
    return fail(Errc::corrupt, std::string("the page's JPEG header is damaged or cut short: ") + tjGetErrorStr2(tj.get()));
  if (auto ok = check_dimensions(width, height); !ok) return fail(ok.error());
  // A JPEG cut short still has a readable header; only the end-of-image
  // marker says every scan line is there (some writers pad after it with zeros).
  std::size_t end = jpeg.size();
  while (end > 4 && jpeg[end - 1] == 0x00) --end;
  if (jpeg[end - 2] != 0xFF || jpeg[end - 1] != 0xD9)
    return fail(Errc::corrupt, "the page is truncated: its JPEG data (" + std::to_string(jpeg.size()) +
                                   " bytes, " + size_text(width, height) + ") does not end with the end-of-image marker");
  JpegInfo info;
  info.width = width;
  info.height = height;
  if (colorspace == TJCS_GRAY) info.channels = 1;
  else if (colorspace == TJCS_RGB || colorspace == TJCS_YCbCr) info.channels = 3;
  else return fail(Errc::invalid_argument, "unsupported JPEG colour space (CMYK/YCCK): pages are grey or RGB");
  return info;
}

}  // namespace motcua::document
