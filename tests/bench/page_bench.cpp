// Issue 6 figures (docs/performance.md, "Submitting"): the time from a scanned
// page's raw pixels (300 dpi A4) to its compressed JPEG and screen preview
// (goal ≤ 300 ms), and the compressed size per page (goal ≤ 250 KB); also the
// PDF of a three-page document and the A4 receipt PDF. Prints; never fails.
//
//   build/bin/motcua_page_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>

#include "document/document_pdf.hpp"
#include "document/page_compress.hpp"
#include "document/receipt_pdf.hpp"
#include "support/sample_receipt.hpp"
#include "support/synthetic_page.hpp"

using namespace motcua;

namespace {

const test::SyntheticPage& page_of(int kind) {
  static const test::SyntheticPage pages[] = {
      test::text_page({}),                                                            // 0 grey form
      test::text_page({.channels = 3}),                                               // 1 colour scan, no colour
      test::text_page({.channels = 3, .colour_stamp = true}),                         // 2 colour, red seal
      test::text_page({.layout = test::PageLayout::dense_text}),                      // 3 grey, every line text
      test::text_page({.layout = test::PageLayout::dense_text, .channels = 3, .colour_stamp = true}),  // 4
  };
  return pages[kind];
}

void BM_CompressPage(benchmark::State& state) {
  const auto& page = page_of(static_cast<int>(state.range(0)));
  document::CompressedPage last;
  for (auto _ : state) {
    auto out = document::compress_page(page.view());
    if (!out) {
      state.SkipWithError(out.error().message.c_str());
      return;
    }
    last = std::move(*out);
    benchmark::DoNotOptimize(last.jpeg.data());
  }
  state.counters["KB"] = static_cast<double>(last.jpeg.size()) / 1024.0;
  state.counters["quality"] = last.quality;
  state.counters["dpi"] = last.dpi;
  state.counters["channels"] = last.channels;
  state.counters["fits"] = last.within_target ? 1 : 0;
  state.counters["progressive"] = last.progressive ? 1 : 0;
  state.counters["page_enc"] = last.page_encodes;
  state.counters["sample_enc"] = last.sample_encodes;
  state.counters["preview_w"] = last.preview_width;
}
BENCHMARK(BM_CompressPage)
    ->ArgName("page")  // 0 grey form, 1 RGB form (no colour), 2 RGB form + red seal, 3 grey dense text, 4 RGB dense + seal
    ->DenseRange(0, 4)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_DocumentPdf(benchmark::State& state) {
  std::vector<document::CompressedPage> pages;
  for (int k : {0, 2, 3}) pages.push_back(*document::compress_page(page_of(k).view()));
  std::vector<document::PdfPage> list;
  std::size_t jpeg_bytes = 0;
  for (const auto& p : pages) {
    list.push_back({p.jpeg, p.dpi});
    jpeg_bytes += p.jpeg.size();
  }
  std::size_t size = 0;
  for (auto _ : state) {
    auto pdf = document::build_document_pdf(list, {"Giấy chứng sinh", "", std::nullopt});
    size = pdf ? pdf->size() : 0;
    benchmark::DoNotOptimize(size);
  }
  state.counters["KB"] = static_cast<double>(size) / 1024.0;
  state.counters["overhead_B"] = static_cast<double>(size) - static_cast<double>(jpeg_bytes);
}
BENCHMARK(BM_DocumentPdf)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReceiptPdf(benchmark::State& state) {
  const auto receipt = test::sample_receipt();
  const auto paper = state.range(0) == 0 ? document::ReceiptPaper::a4 : document::ReceiptPaper::a5;
  std::size_t size = 0;
  for (auto _ : state) {
    auto pdf = document::render_receipt_pdf(receipt, paper);
    size = pdf ? pdf->size() : 0;
    benchmark::DoNotOptimize(size);
  }
  state.counters["KB"] = static_cast<double>(size) / 1024.0;
}
BENCHMARK(BM_ReceiptPdf)->ArgName("a5")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
