// motcua-escpos-read: reads what the kiosk sent to a thermal printer (a file
// configured as [printer] thermal) the way the printer would, for the UI
// tests (tests/ui/run_tour.sh --print-thermal):
//   motcua-escpos-read FILE                        the printout, its QR codes
//   motcua-escpos-read FILE --receipt CODE SECRET  and exit 1 unless it is one
//                                                  whole receipt whose QR code
//                                                  is that dossier's
// The stream is decoded with print::decode_escpos and the QR codes read with
// ZXing (tests/print/print_test_support), as a phone would read the paper.

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "motcua/domain/dossier_code.hpp"
#include "print/escpos.hpp"
#include "print_test_support.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"motcua-escpos-read — a thermal printer's view of an ESC/POS stream, for UI tests"};
  std::string file;
  std::vector<std::string> receipt;
  cli.add_option("file", file, "the bytes sent to the printer")->required();
  cli.add_option("--receipt", receipt, "CODE SECRET: the receipt's QR code must be this dossier's")->expected(2);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "motcua-escpos-read: cannot read " << file << "\n";
    return 1;
  }
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto out = motcua::print::decode_escpos(bytes);
  if (!out) {
    std::cerr << "motcua-escpos-read: not a valid ESC/POS stream: " << out.error().describe() << "\n";
    return 1;
  }
  const auto codes = motcua::test::read_qr_codes(out->image);
  std::cout << bytes.size() << " bytes: " << out->image.width << "×" << out->image.height << " dots in " << out->bands
            << " bands, " << (out->initialised ? "initialised" : "not initialised") << ", fed "
            << out->feed_lines << " lines, " << out->cuts << (out->partial_cut ? " partial" : " full") << " cut(s)"
            << (out->ends_with_cut ? ", ends with the cut" : "") << "\n";
  for (const auto& c : codes) std::cout << "QR: " << c << "\n";
  if (receipt.empty()) return 0;
  bool ok = true;
  auto fail = [&](const std::string& why) {
    std::cerr << "motcua-escpos-read: " << why << "\n";
    ok = false;
  };
  if (!out->initialised) fail("the stream does not start with ESC @");
  if (out->bands == 0 || out->image.height == 0) fail("nothing was printed");
  if (out->cuts != 1 || !out->ends_with_cut) fail("one receipt ends with one cut");
  const std::string want = motcua::domain::receipt_qr_payload(receipt[0], receipt[1]);
  if (std::find(codes.begin(), codes.end(), want) == codes.end()) fail("no QR code reads \"" + want + "\"");
  return ok ? 0 : 1;
}
