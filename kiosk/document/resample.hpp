#pragma once
// Down-scaling of scanned pages by area averaging: every output pixel is the
// mean of the source area it covers (fractional edges weighted), which keeps
// thin strokes of text grey instead of dropping them as nearest-neighbour or
// bilinear sampling would. Used for previews and for pages that must fall to
// a lower resolution to meet their size target.

#include <cstdint>
#include <span>
#include <vector>

namespace motcua::document {

// src: width × height pixels of `channels` (1, 3 or 4) bytes, row-major, no padding.
// Preconditions: 1 ≤ out_width ≤ width, 1 ≤ out_height ≤ height.
std::vector<std::uint8_t> resample_area(std::span<const std::uint8_t> src, int width, int height, int channels,
                                        int out_width, int out_height);

// Grey (1 byte per pixel) → RGB24, for preview textures.
std::vector<std::uint8_t> grey_to_rgb(std::span<const std::uint8_t> grey);

}  // namespace motcua::document
