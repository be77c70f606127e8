// motcua-kiosk: the touchscreen kiosk of a commune one-stop office.
//   motcua-kiosk --data DIR [--size WxH] [--fullscreen] [--headless]
//                [--tour FILE] [--shots DIR] [--scanner DEVICE] [--lang vi|en]
//                [--camera SPEC] [--speech-wav DIR] …
// See docs/kiosk.md.

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/app.hpp"
#include "app/kiosk_config.hpp"
#include "devices/sane_scanner.hpp"
#include "motcua/util/log.hpp"

int main(int argc, char** argv) {
  using namespace motcua;
  using namespace motcua::kiosk;
  CLI::App cli{"motcua-kiosk — public-service kiosk (Bộ phận Một cửa)"};
  AppOptions opt;
  std::string data, size = "1080x1920", tour, shots = "shots", scanner, lang = "vi", log_level = "info";
  std::string assets;
  float dpi = 96;
  bool fullscreen = false, headless = false, large_text = false, high_contrast = false;
  int idle_timeout = -1, idle_countdown = -1;
  std::string fixed_time, golden;
  float shot_scale = 1;
  cli.add_option("--data", data, "kiosk data directory (kiosk.toml, kiosk.db)")->required();
  cli.add_option("--size", size, "window size WxH (default 1080x1920, portrait)");
  cli.add_flag("--fullscreen", fullscreen, "fill the screen");
  cli.add_flag("--headless", headless, "no display: offscreen video driver, software renderer");
  cli.add_option("--tour", tour, "replay a tour file (docs/tour-format.md); exit 0 when it passes");
  cli.add_option("--shots", shots, "directory for the tour's screenshots");
  cli.add_option("--scanner", scanner,
                 "SANE device; 'test' uses the SANE test backend, 'none' disables scanning (default: first device)");
  cli.add_option("--lang", lang, "start language: vi or en")->check(CLI::IsMember({"vi", "en"}));
  cli.add_option("--dpi", dpi, "screen dots per inch (touch targets are at least 15 mm)")->check(CLI::Range(50.0, 600.0));
  cli.add_option("--assets", assets, "assets directory (i18n/); default: $MOTCUA_ASSETS or the source tree");
  cli.add_option("--log", log_level, "debug | info | warn | error | off");
  cli.add_flag("--large-text", large_text, "start in large-text mode");
  cli.add_flag("--high-contrast", high_contrast, "start in high-contrast mode");
  cli.add_option("--idle-timeout", idle_timeout,
                 "seconds without a touch before the idle countdown (0 = never; default kiosk.toml [ui], 90; none in tours)")
      ->check(CLI::Range(0, 86400));
  // At least 20 s, like kiosk.toml: anyone must be able to reach "Tiếp tục" (tours shorten it with idle-timeout).
  cli.add_option("--idle-countdown", idle_countdown, "seconds the idle countdown lasts, 20–600 (default kiosk.toml [ui], 30)")
      ->check(CLI::Range(kMinIdleCountdownSeconds, 600));
  cli.add_option("--fixed-time", fixed_time, "the header clock shows this RFC 3339 time (screenshots, golden images)");
  cli.add_option("--shot-scale", shot_scale, "scale of tour screenshots (0.5 = half size)")->check(CLI::Range(0.1, 1.0));
  cli.add_option("--golden", golden, "directory of golden images for the tour's golden command");
  std::string frame_stats;
  cli.add_option("--frame-stats", frame_stats, "write the CPU time of building each frame to this file at exit (benchmarks)");
  std::string tour_vars, camera, speech_wav;
  bool no_speech = false;
  cli.add_option("--tour-vars", tour_vars,
                 "file of published tour values (code, secret): read at start, written when the tour passes");
  cli.add_option("--camera", camera,
                 "camera for receipt QR codes: /dev/videoN, file:a.png,b.jpg (frames from files), none (default)");
  cli.add_option("--speech-wav", speech_wav, "read-aloud into DIR/speech-NNNN.wav (+ said-NNNN.txt) instead of the loudspeaker");
  cli.add_flag("--no-speech", no_speech, "no read-aloud button");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2 (invalid input), like our own checks.
    return cli.exit(e) == 0 ? 0 : 2;
  }

  log::Level level;
  if (log::parse_level(log_level, level)) log::set_level(level);

  opt.data_dir = data;
  opt.fullscreen = fullscreen;
  opt.headless = headless;
  opt.dpi = dpi;
  opt.lang = lang == "en" ? Lang::en : Lang::vi;
  opt.large_text = large_text;
  opt.high_contrast = high_contrast;
  if (idle_timeout >= 0) opt.idle_timeout_s = idle_timeout;
  if (idle_countdown >= 0) opt.idle_countdown_s = idle_countdown;
  if (!fixed_time.empty()) {
    TimePoint t;
    if (!parse_rfc3339(fixed_time, t)) {
      std::cerr << "motcua-kiosk: --fixed-time must be RFC 3339, e.g. 2026-03-05T10:32:00+07:00\n";
      return 2;
    }
    opt.fixed_time = t;
  }
  opt.shot_scale = shot_scale;
  if (!tour_vars.empty()) opt.tour_vars = std::filesystem::path(tour_vars);
  opt.camera = camera;
  if (!speech_wav.empty()) opt.speech_wav = std::filesystem::path(speech_wav);
  opt.speech = !no_speech;
  opt.golden_dir = golden;
  if (!frame_stats.empty()) opt.frame_stats = frame_stats;
  if (int w = 0, h = 0; std::sscanf(size.c_str(), "%dx%d", &w, &h) == 2 && w >= 320 && h >= 320) {
    opt.width = w;
    opt.height = h;
  } else {
    std::cerr << "motcua-kiosk: --size must look like 1080x1920\n";
    return 2;
  }
  if (!tour.empty()) opt.tour = std::filesystem::path(tour);
  opt.shots_dir = shots;
  if (assets.empty()) {
    const char* env = std::getenv("MOTCUA_ASSETS");
    assets = env ? env : MOTCUA_SOURCE_DIR "/assets";
  }
  opt.assets_dir = assets;

  // Process-wide environment is set here, before any thread starts.
  if (headless) {
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    // The software renderer draws into the window's surface; without this SDL
    // presents that surface through an OpenGL texture, loading Mesa's llvmpipe
    // (about 100 MB of the process's memory) for nothing.
    setenv("SDL_FRAMEBUFFER_ACCELERATION", "0", 1);
  }
  // Headless, the read-aloud plays into nothing at real-time speed unless it
  // goes to WAV files.
  if (headless && speech_wav.empty()) setenv("SDL_AUDIODRIVER", "dummy", 1);
  if (scanner == "none") {
    opt.scanner_device.reset();
  } else if (scanner == "test") {
    auto dir = prepare_sane_test_config(opt.data_dir / "sane");
    if (!dir) {
      std::cerr << "motcua-kiosk: " << dir.error().describe() << "\n";
      return 1;
    }
    setenv("SANE_CONFIG_DIR", dir->c_str(), 1);
    opt.scanner_device = "test:0";
  } else {
    opt.scanner_device = scanner;
  }

  auto app = App::create(std::move(opt));
  if (!app) {
    std::cerr << "motcua-kiosk: " << app.error().describe() << "\n";
    return 1;
  }
  return (*app)->run();
}
