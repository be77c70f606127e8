#pragma once
// JPEG encoding with libturbojpeg (pages are embedded in PDFs later without
// re-encoding, so the quality chosen here is final).

#include <cstdint>
#include <span>
#include <vector>

#include "motcua/util/error.hpp"

namespace motcua::kiosk {

// channels: 1 (grey) or 3 (RGB24, row-major, no padding).
Result<std::vector<std::uint8_t>> encode_jpeg(std::span<const std::uint8_t> pixels, int width, int height,
                                              int channels, int quality = 80);

// Box-filtered down-scale of an RGB24 or grey image to at most max_width pixels
// wide, always returning RGB24 (for preview textures).
std::vector<std::uint8_t> downscale_to_rgb(std::span<const std::uint8_t> pixels, int width, int height,
                                           int channels, int max_width, int& out_width, int& out_height);

}  // namespace motcua::kiosk
