#pragma once
// The kiosk application: SDL window + SDL_Renderer, Dear ImGui, the frame
// loop, the router and the glue between screens (intents) and the workers
// (Backend, ScanService). Renders only when something changed: it blocks in
// SDL_WaitEventTimeout until input, a worker's wake-up, a running animation or
// the next minute of the header clock.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/i18n.hpp"
#include "app/state.hpp"
#include "devices/camera_service.hpp"
#include "devices/print_service.hpp"
#include "devices/scan_service.hpp"
#include "model/backend.hpp"
#include "motcua/util/clock.hpp"
#include "speech/speech_service.hpp"
#include "tour/tour_runner.hpp"
#include "widgets/ui.hpp"
#include "widgets/viet.hpp"

struct SDL_Window;
struct SDL_Renderer;
struct SDL_Texture;

namespace motcua::kiosk {

struct AppOptions {
  std::filesystem::path data_dir;
  std::filesystem::path assets_dir;  // holds i18n/
  std::filesystem::path font_regular = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
  std::filesystem::path font_bold = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf";
  int width = 1080, height = 1920;
  float dpi = 96;
  bool fullscreen = false;
  bool headless = false;
  std::optional<std::filesystem::path> tour;
  std::filesystem::path shots_dir = "shots";
  // SANE device name; empty = first device found; nullopt = no scanner.
  std::optional<std::string> scanner_device = std::string();
  Lang lang = Lang::vi;
  // Start in large-text / high-contrast mode (screenshots; the citizen
  // switches them in the header).
  bool large_text = false;
  bool high_contrast = false;
  // Idle timeout and countdown in seconds, overriding kiosk.toml [ui]. A tour
  // runs without an idle timeout unless one is given here or by the tour.
  std::optional<int> idle_timeout_s;
  std::optional<int> idle_countdown_s;
  // The header clock shows this instead of the time (screenshots, golden images).
  std::optional<TimePoint> fixed_time;
  // Tour screenshots are scaled by this (docs/screens/ keeps half size).
  float shot_scale = 1;
  // Where the tour's `golden` command finds its reference images.
  std::filesystem::path golden_dir;
  // When set, the CPU time of building each frame (ImGui, without drawing the
  // pixels) is written here at exit, one "screen,microseconds" line per frame
  // (tests/bench/kiosk_figures.sh).
  std::optional<std::filesystem::path> frame_stats;
  // Published tour values (code, secret) read at start and written when the
  // tour passes, so a later tour can use what an earlier one published.
  std::optional<std::filesystem::path> tour_vars;
  // The camera for receipt QR codes: "" or "none", "/dev/videoN", "file:a.png,…"
  // (devices/camera.hpp, docs/camera.md).
  std::string camera;
  // Read-aloud: where utterances go instead of the loudspeaker (WAV files and
  // their text, for headless runs and tests); `speech = false` turns it off.
  std::optional<std::filesystem::path> speech_wav;
  bool speech = true;
};

class App {
 public:
  static Result<std::unique_ptr<App>> create(AppOptions options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Runs until the window closes (0) or the tour ends (0 passed, 1 failed).
  int run();

 private:
  struct SdlQuit {
    ~SdlQuit();
  };
  struct WindowDeleter {
    void operator()(SDL_Window* w) const;
  };
  struct RendererDeleter {
    void operator()(SDL_Renderer* r) const;
  };
  struct TextureDeleter {
    void operator()(SDL_Texture* t) const;
  };
  struct ImGuiSession {
    bool platform = false, renderer = false;
    ~ImGuiSession();
  };
  using Texture = std::unique_ptr<SDL_Texture, TextureDeleter>;

  explicit App(AppOptions options);
  Result<void> init();
  void drain_workers(bool& changed);
  void frame(bool& quit, int& exit_code);
  // Returns its height: portrait puts the toggles on a second row.
  float draw_header(Ui& ui);
  void draw_footer(Ui& ui, Intents& out);
  void draw_idle_overlay(Ui& ui, Intents& out);
  // Idle timeout: starts or advances the countdown, resets when it runs out.
  // Returns true when the picture changes.
  bool update_idle();
  // Milliseconds until the idle logic needs the loop again (-1: never).
  int idle_wait_ms() const;
  bool session_in_use() const;
  void note_input();
  void idle_reset();
  // Theme and fonts for the current preferences; rebuilds the font atlas and
  // the renderer's font texture when the text size changed (ImGui 1.86).
  Result<void> apply_look();
  void handle(const Intent& intent);
  void confirm_submit();
  // Submit wizard: "back" inside it (false: leave the wizard).
  bool wizard_back();
  void drain_scanner(bool& changed);
  void start_scan(const Intent& in);
  // The receipt screen's printable form 01 and VietQR, from the wizard's data.
  void prepare_receipt(const Receipt& r);
  void free_pages();
  void navigate(ScreenId screen);
  void reset_session(bool preferences = false);
  std::vector<std::string> personal_data_probe() const;
  // The camera follows the screen: on only while the status screen's QR mode is open.
  void close_camera();
  void sync_devices();
  // Read-aloud: says the texts the body drew this frame (from body_text_begin_).
  void read_aloud();
  void load_tour_vars();
  void save_tour_vars() const;
  TextureView make_texture(Texture& slot, const std::uint8_t* pixels, int w, int h, bool rgba, bool crisp);
  bool footer_visible() const;

  AppOptions options_;
  // Whether the header would look different (last sync shown to the minute).
  static bool shows_differently(const SyncStatus& a, const SyncStatus& b);
  struct FrameCost {
    int screen;
    float cpu_us;     // building the frame (ImGui), without rasterising
    float search_us;  // of which searching the catalog
  };
  std::vector<FrameCost> frame_cpu_us_;  // per frame, with --frame-stats
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point submit_started_{};  // "Xác nhận nộp hồ sơ" pressed (the log's figure)
  SystemClock clock_;
  std::optional<I18n> i18n_;
  Theme theme_{};
  Fonts fonts_{};
  float scale_ = 1;
  Preferences defaults_;  // the kiosk's (a new session starts with them)
  Preferences applied_;   // what theme_ and fonts_ were built for
  viet::ToneStyle tone_style_ = viet::ToneStyle::old_style;
  // Idle: 0 disables it (tours, unless asked for).
  std::chrono::milliseconds idle_timeout_{0};
  std::chrono::milliseconds idle_countdown_{30000};
  std::chrono::steady_clock::time_point last_input_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point countdown_end_{};
  FrameRegistry registry_;
  std::size_t body_text_begin_ = 0;  // registry_.texts before this are the header's
  bool read_aloud_requested_ = false;
  bool speaking_shown_ = false;  // what the read-aloud button showed last frame
  ScreenId spoken_screen_ = ScreenId::home;  // speech stops when the screen changes
  unsigned utterances_ = 0;                  // --speech-wav: numbering of the transcripts
  std::uint64_t camera_preview_seen_ = 0;
  AppState state_;
  bool animate_ = false;
  std::optional<TourRunner> tour_;
  std::uint32_t wake_event_ = 0;
  std::atomic<bool> wake_pending_{false};
  // Headless there is no input to wait for, and SDL's offscreen driver can only
  // poll (1 ms sleeps): the loop waits on this instead, so idle CPU stays ~0.
  std::mutex wake_mutex_;
  std::condition_variable wake_cv_;
  bool wake_signalled_ = false;

  // Declaration order is teardown order reversed: workers stop first, then
  // textures, ImGui, the renderer, the window, SDL itself.
  std::optional<SdlQuit> sdl_;
  std::unique_ptr<SDL_Window, WindowDeleter> window_;
  std::unique_ptr<SDL_Renderer, RendererDeleter> renderer_;
  std::optional<ImGuiSession> imgui_;
  Texture qr_texture_;
  Texture bank_qr_texture_;
  Texture camera_texture_;
  // The scanned pages' previews, by PageView::texture.
  std::map<std::uint64_t, Texture> page_textures_;
  std::uint64_t next_page_texture_ = 1;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<ScanService> scanner_;
  std::unique_ptr<CameraService> camera_;
  std::unique_ptr<speech::SpeechService> speech_;
  std::unique_ptr<PrintService> printer_;
};

}  // namespace motcua::kiosk
