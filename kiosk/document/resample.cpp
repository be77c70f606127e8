#include "document/resample.hpp"

#include <algorithm>
#include <cmath>

namespace motcua::document {

namespace {

constexpr int kWeightBits = 12;  // weights of one output pixel sum to 1 << 12

// The source pixels one output pixel covers and how much of each.
struct Taps {
  std::vector<int> first;       // per output pixel: first source index
  std::vector<int> count;       // per output pixel: number of source pixels
  std::vector<int> start;       // per output pixel: offset into weights
  std::vector<std::uint16_t> weights;
};

Taps make_taps(int in, int out) {
  Taps t;
  t.first.resize(static_cast<std::size_t>(out));
  t.count.resize(static_cast<std::size_t>(out));
  t.start.resize(static_cast<std::size_t>(out));
  const double scale = static_cast<double>(in) / out;
  for (int i = 0; i < out; ++i) {
    const double a = i * scale, b = std::min<double>(in, (i + 1) * scale);
    const int j0 = static_cast<int>(std::floor(a));
    const int j1 = std::min(in, static_cast<int>(std::ceil(b)));
    const auto at = static_cast<std::size_t>(i);
    t.first[at] = j0;
    t.count[at] = std::max(1, j1 - j0);
    t.start[at] = static_cast<int>(t.weights.size());
    int sum = 0;
    for (int j = j0; j < j0 + t.count[at]; ++j) {
      const double overlap = std::min<double>(b, j + 1) - std::max<double>(a, j);
      const int w = static_cast<int>(std::lround(std::max(0.0, overlap) / scale * (1 << kWeightBits)));
      t.weights.push_back(static_cast<std::uint16_t>(w));
      sum += w;
    }
    // Rounding must not brighten or darken: the largest weight absorbs the error.
    auto first_w = t.weights.begin() + t.start[at];
    auto biggest = std::max_element(first_w, t.weights.end());
    *biggest = static_cast<std::uint16_t>(*biggest + ((1 << kWeightBits) - sum));
  }
  return t;
}

}  // namespace

namespace {

// The channel count is a template parameter so the inner loops unroll: a
// 300 dpi colour page is 26 MB. Source rows are resampled horizontally as the
// vertical pass needs them, into a small ring of rows (consecutive output rows
// share source rows), so no page-sized intermediate buffer is allocated.
template <std::size_t Ch>
std::vector<std::uint8_t> resample(std::span<const std::uint8_t> src, int width, int height, int out_width,
                                   int out_height) {
  const Taps tx = make_taps(width, out_width), ty = make_taps(height, out_height);
  const auto ow = static_cast<std::size_t>(out_width);
  const auto row_out = ow * Ch;
  const int ring = *std::max_element(ty.count.begin(), ty.count.end()) + 1;
  std::vector<std::uint16_t> rows(row_out * static_cast<std::size_t>(ring));
  std::vector<int> held(static_cast<std::size_t>(ring), -1);  // source row in each ring slot

  // Horizontal pass of one source row, with 4 extra bits of precision.
  auto horizontal = [&](int y) -> const std::uint16_t* {
    const auto slot = static_cast<std::size_t>(y % ring);
    std::uint16_t* out = rows.data() + slot * row_out;
    if (held[slot] == y) return out;
    held[slot] = y;
    const std::uint8_t* in = src.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * Ch;
    for (std::size_t x = 0; x < ow; ++x) {
      const std::uint16_t* w = tx.weights.data() + tx.start[x];
      const std::uint8_t* p = in + static_cast<std::size_t>(tx.first[x]) * Ch;
      const int n = tx.count[x];
      std::uint32_t sum[Ch] = {};
      for (int k = 0; k < n; ++k, p += Ch)
        for (std::size_t c = 0; c < Ch; ++c) sum[c] += std::uint32_t{p[c]} * w[k];
      for (std::size_t c = 0; c < Ch; ++c)
        out[x * Ch + c] = static_cast<std::uint16_t>((sum[c] + (1u << (kWeightBits - 5))) >> (kWeightBits - 4));
    }
    return out;
  };

  std::vector<std::uint8_t> result(row_out * static_cast<std::size_t>(out_height));
  std::vector<std::uint32_t> acc(row_out);
  for (std::size_t y = 0; y < static_cast<std::size_t>(out_height); ++y) {
    std::fill(acc.begin(), acc.end(), 0u);
    const std::uint16_t* w = ty.weights.data() + ty.start[y];
    for (int k = 0; k < ty.count[y]; ++k) {
      const std::uint16_t* row = horizontal(ty.first[y] + k);
      const std::uint32_t wk = w[k];
      for (std::size_t i = 0; i < row_out; ++i) acc[i] += row[i] * wk;
    }
    std::uint8_t* out = result.data() + y * row_out;
    for (std::size_t i = 0; i < row_out; ++i)
      out[i] = static_cast<std::uint8_t>(std::min<std::uint32_t>(255, (acc[i] + (1u << (kWeightBits + 3))) >> (kWeightBits + 4)));
  }
  return result;
}

}  // namespace

std::vector<std::uint8_t> resample_area(std::span<const std::uint8_t> src, int width, int height, int channels,
                                        int out_width, int out_height) {
  switch (channels) {
    case 1: return resample<1>(src, width, height, out_width, out_height);
    case 3: return resample<3>(src, width, height, out_width, out_height);
    default: return resample<4>(src, width, height, out_width, out_height);
  }
}

std::vector<std::uint8_t> grey_to_rgb(std::span<const std::uint8_t> grey) {
  std::vector<std::uint8_t> rgb(grey.size() * 3);
  for (std::size_t i = 0; i < grey.size(); ++i) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
  return rgb;
}

}  // namespace motcua::document
