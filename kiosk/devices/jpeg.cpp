#include "devices/jpeg.hpp"

#include <algorithm>
#include <memory>

#include <turbojpeg.h>

namespace motcua::kiosk {

namespace {
struct TjDestroy {
  void operator()(void* h) const { tjDestroy(h); }
};
struct TjFree {
  void operator()(unsigned char* p) const { tjFree(p); }
};
}  // namespace

Result<std::vector<std::uint8_t>> encode_jpeg(std::span<const std::uint8_t> pixels, int width, int height,
                                              int channels, int quality) {
  if (width <= 0 || height <= 0 || (channels != 1 && channels != 3) ||
      pixels.size() < static_cast<std::size_t>(width) * static_cast<std::size_t>(height) *
                          static_cast<std::size_t>(channels))
    return fail(Errc::invalid_argument, "encode_jpeg: image size does not match its pixels");
  std::unique_ptr<void, TjDestroy> tj(tjInitCompress());
  if (!tj) return fail(Errc::internal, "tjInitCompress failed");
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  const int rc = tjCompress2(tj.get(), pixels.data(), width, 0, height, channels == 3 ? TJPF_RGB : TJPF_GRAY,
                             &out, &out_size, channels == 3 ? TJSAMP_420 : TJSAMP_GRAY, quality, TJFLAG_ACCURATEDCT);
  std::unique_ptr<unsigned char, TjFree> owned(out);
  if (rc != 0) return fail(Errc::internal, std::string("JPEG encoding failed: ") + tjGetErrorStr2(tj.get()));
  return std::vector<std::uint8_t>(owned.get(), owned.get() + out_size);
}

std::vector<std::uint8_t> downscale_to_rgb(std::span<const std::uint8_t> pixels, int width, int height,
                                           int channels, int max_width, int& out_width, int& out_height) {
  const int factor = std::max(1, (width + max_width - 1) / max_width);
  out_width = std::max(1, width / factor);
  out_height = std::max(1, height / factor);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(out_width) * static_cast<std::size_t>(out_height) * 3);
  const auto ch = static_cast<std::size_t>(channels);
  const auto w = static_cast<std::size_t>(width);
  for (int oy = 0; oy < out_height; ++oy) {
    for (int ox = 0; ox < out_width; ++ox) {
      unsigned sum[3] = {0, 0, 0};
      unsigned n = 0;
      for (int dy = 0; dy < factor; ++dy) {
        const int y = oy * factor + dy;
        if (y >= height) break;
        for (int dx = 0; dx < factor; ++dx) {
          const int x = ox * factor + dx;
          if (x >= width) break;
          const std::size_t at = (static_cast<std::size_t>(y) * w + static_cast<std::size_t>(x)) * ch;
          for (std::size_t c = 0; c < 3; ++c) sum[c] += pixels[at + (ch == 3 ? c : 0)];
          ++n;
        }
      }
      const std::size_t o = (static_cast<std::size_t>(oy) * static_cast<std::size_t>(out_width) +
                             static_cast<std::size_t>(ox)) * 3;
      for (std::size_t c = 0; c < 3; ++c) out[o + c] = static_cast<std::uint8_t>(n ? sum[c] / n : 0);
    }
  }
  return out;
}

}  // namespace motcua::kiosk
