#include "app/app.hpp"

#include <cstdio>
#include <ctime>

#include "motcua/domain/service_rules.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>
#include <imgui_internal.h>

#include "app/format.hpp"
#include "app/kiosk_config.hpp"
#include "app/look.hpp"
#include "app/palette.hpp"
#include "app/session.hpp"
#include "app/wizard.hpp"
#include "devices/sane_scanner.hpp"
#include "speech/espeak_synthesizer.hpp"
#include "speech/sdl_audio_sink.hpp"
#include "speech/speech_text.hpp"
#include "speech/wav_file_sink.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/domain/vietqr.hpp"
#include "motcua/text/utf8.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/log.hpp"
#include "screens/screens.hpp"
#include "widgets/qr.hpp"

namespace motcua::kiosk {

namespace {
constexpr std::string_view kLog = "kiosk.app";
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace

App::SdlQuit::~SdlQuit() { SDL_Quit(); }
void App::WindowDeleter::operator()(SDL_Window* w) const { SDL_DestroyWindow(w); }
void App::RendererDeleter::operator()(SDL_Renderer* r) const { SDL_DestroyRenderer(r); }
void App::TextureDeleter::operator()(SDL_Texture* t) const { SDL_DestroyTexture(t); }
App::ImGuiSession::~ImGuiSession() {
  if (renderer) ImGui_ImplSDLRenderer_Shutdown();
  if (platform) ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
}

App::App(AppOptions options) : options_(std::move(options)) {}

App::~App() {
  if (options_.frame_stats) {
    static constexpr const char* kScreens[] = {"home", "catalog", "service", "submit", "receipt", "status", "agencies", "qa"};
    if (std::FILE* f = std::fopen(options_.frame_stats->c_str(), "w")) {
      for (const auto& c : frame_cpu_us_)
        std::fprintf(f, "%s,%.1f,%.1f\n", c.screen >= 0 && c.screen < 8 ? kScreens[c.screen] : "?",
                     static_cast<double>(c.cpu_us), static_cast<double>(c.search_us));
      std::fclose(f);
    }
  }
  // Workers first: their wake callbacks push SDL events.
  speech_.reset();
  camera_.reset();
  scanner_.reset();
  if (backend_) backend_->stop();
}

Result<std::unique_ptr<App>> App::create(AppOptions options) {
  std::unique_ptr<App> app(new App(std::move(options)));
  if (auto ok = app->init(); !ok) return fail(ok.error());
  return app;
}

Result<void> App::init() {
  auto i18n = I18n::load(options_.assets_dir / "i18n");
  if (!i18n) return fail(i18n.error());
  i18n_.emplace(std::move(*i18n));
  i18n_->set_lang(options_.lang);

  auto settings = load_kiosk_settings(options_.data_dir);
  if (!settings) return fail(settings.error());
  state_.kiosk_id = settings->backend.kiosk_id;
  state_.agency_id = settings->agency_id;
  tone_style_ = settings->tone_style;
  // Tours wait on purpose (scans, sync); the idle reset would fight them, so a
  // tour has none unless the command line or the tour itself sets one.
  const int idle_s = options_.idle_timeout_s.value_or(options_.tour ? 0 : settings->idle_timeout_s);
  idle_timeout_ = std::chrono::seconds(std::max(idle_s, 0));
  idle_countdown_ = std::chrono::seconds(options_.idle_countdown_s.value_or(settings->idle_countdown_s));
  defaults_.large_text = options_.large_text;
  defaults_.high_contrast = options_.high_contrast;
  state_.prefs = defaults_;

  if (options_.tour) {
    auto text = fs::read_file(*options_.tour);
    if (!text) return fail(text.error());
    auto steps = parse_tour(*text);
    if (!steps) return fail(Errc::invalid_argument, options_.tour->string() + ": " + steps.error().message);
    tour_.emplace(std::move(*steps), options_.shots_dir);
    TourHooks hooks;
    hooks.personal_data = [this] { return personal_data_probe(); };
    hooks.set_idle = [this](std::chrono::milliseconds timeout, std::chrono::milliseconds countdown) {
      idle_timeout_ = timeout;
      idle_countdown_ = countdown;
      last_input_ = std::chrono::steady_clock::now();
    };
    hooks.min_touch = [this] { return theme_.min_touch; };
    hooks.target_gap = [this] { return theme_.target_gap; };
    hooks.drag_threshold = [this] { return drag_threshold(theme_); };
    hooks.shot_scale = options_.shot_scale;
    hooks.golden_dir = options_.golden_dir;
    tour_->set_hooks(std::move(hooks));
    load_tour_vars();
  }

  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) return fail(Errc::unavailable, std::string("SDL_Init: ") + SDL_GetError());
  sdl_.emplace();
  wake_event_ = SDL_RegisterEvents(1);
  Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;
  if (options_.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  window_.reset(SDL_CreateWindow("motcua — Bộ phận Một cửa", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                 options_.width, options_.height, flags));
  if (!window_) return fail(Errc::unavailable, std::string("SDL_CreateWindow: ") + SDL_GetError());
  const Uint32 rflags = options_.headless ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC;
  renderer_.reset(SDL_CreateRenderer(window_.get(), -1, rflags));
  if (!renderer_ && !options_.headless) renderer_.reset(SDL_CreateRenderer(window_.get(), -1, SDL_RENDERER_SOFTWARE));
  if (!renderer_) return fail(Errc::unavailable, std::string("SDL_CreateRenderer: ") + SDL_GetError());
  if (!options_.headless) SDL_ShowCursor(SDL_DISABLE);  // a touch kiosk shows no pointer

  int w = options_.width, h = options_.height;
  SDL_GetWindowSize(window_.get(), &w, &h);
  // Everything scales with the shorter side (1080 = scale 1), so portrait
  // 1080×1920 and landscape 1920×1080 use the same sizes; landscape uses its
  // width for two columns instead.
  scale_ = static_cast<float>(std::min(w, h)) / 1080.0f;
  state_.landscape = w > h;

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  imgui_.emplace();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing of a session is written to disk
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  if (auto ok = apply_look(); !ok) return fail(ok.error());
  if (!ImGui_ImplSDL2_InitForSDLRenderer(window_.get())) return fail(Errc::internal, "ImGui SDL2 backend");
  imgui_->platform = true;
  if (!ImGui_ImplSDLRenderer_Init(renderer_.get())) return fail(Errc::internal, "ImGui SDL_Renderer backend");
  imgui_->renderer = true;

  // Workers wake the UI loop with one coalesced SDL user event.
  auto wake = [this] {
    if (wake_pending_.exchange(true)) return;
    if (options_.headless) {
      {
        std::lock_guard lk(wake_mutex_);
        wake_signalled_ = true;
      }
      wake_cv_.notify_one();
      return;
    }
    SDL_Event e{};
    e.type = wake_event_;
    SDL_PushEvent(&e);
  };
  backend_ = std::make_unique<Backend>(settings->backend, clock_, wake);
  backend_->start();
  if (options_.scanner_device)
    scanner_ = std::make_unique<ScanService>(std::make_unique<SaneScanner>(*options_.scanner_device), wake);
  printer_ = std::make_unique<PrintService>(settings->printer, wake);
  // The camera is opened only while the status screen looks for a QR code.
  auto source = make_frame_source(options_.camera);
  if (!source) return fail(Errc::invalid_argument, "--camera " + options_.camera + ": " + source.error().detail);
  if (*source) {
    log::info(kLog, "camera: " + (*source)->describe());
    camera_ = std::make_unique<CameraService>(std::move(*source), wake);
  }
  if (options_.speech) {
    // Read-aloud (docs/accessibility.md): espeak-ng into the loudspeaker, or
    // into WAV files with --speech-wav. Without an audio device the button
    // is not shown rather than doing nothing.
    std::unique_ptr<speech::AudioSink> sink;
    if (options_.speech_wav) {
      sink = std::make_unique<speech::WavFileSink>(*options_.speech_wav);
    } else if (auto out = speech::SdlAudioSink::open()) {
      sink = std::move(*out);
    } else {
      log::warn(kLog, "no read-aloud: " + out.error().describe());
    }
    if (sink) speech_ = std::make_unique<speech::SpeechService>(std::make_unique<speech::EspeakSynthesizer>(), std::move(sink), wake);
  }

  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
  log::info(kLog, "initialised in " + std::to_string(ms.count()) + " ms (" + std::to_string(w) + "x" +
                      std::to_string(h) + (options_.headless ? ", headless" : "") + ")");
  return {};
}

Result<void> App::apply_look() {
  const Preferences& p = state_.prefs;
  const bool fonts_stale = !fonts_.body || p.large_text != applied_.large_text;
  const float text_scale = p.large_text ? kLargeTextScale : 1.0f;
  theme_ = make_theme(scale_, options_.dpi, p.high_contrast ? high_contrast_palette() : normal_palette(), text_scale);
  apply_imgui_style(theme_);
  if (fonts_stale) {
    // ImGui 1.86 draws text from one atlas texture: rebuild the atlas at the
    // new size and give the renderer a new texture (PLATFORM.md).
    if (imgui_ && imgui_->renderer) ImGui_ImplSDLRenderer_DestroyFontsTexture();
    auto fonts = load_fonts(options_.font_regular, options_.font_bold, scale_ * text_scale);
    if (!fonts) return fail(fonts.error());
    fonts_ = *fonts;
    ImGui::GetIO().FontDefault = fonts_.body;
    if (imgui_ && imgui_->renderer && !ImGui_ImplSDLRenderer_CreateFontsTexture())
      return fail(Errc::internal, "cannot recreate the font texture");
  }
  applied_ = p;
  return {};
}

TextureView App::make_texture(Texture& slot, const std::uint8_t* pixels, int w, int h, bool rgba, bool crisp) {
  slot.reset(SDL_CreateTexture(renderer_.get(), rgba ? SDL_PIXELFORMAT_ABGR8888 : SDL_PIXELFORMAT_RGB24,
                               SDL_TEXTUREACCESS_STATIC, w, h));
  if (!slot) {
    log::error(kLog, std::string("SDL_CreateTexture: ") + SDL_GetError());
    return {};
  }
  SDL_UpdateTexture(slot.get(), nullptr, pixels, w * (rgba ? 4 : 3));
  SDL_SetTextureScaleMode(slot.get(), crisp ? SDL_ScaleModeNearest : SDL_ScaleModeLinear);
  return TextureView{slot.get(), w, h};
}

namespace {
bool same_minute(const std::optional<TimePoint>& a, const std::optional<TimePoint>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  using std::chrono::floor, std::chrono::minutes;
  return floor<minutes>(*a) == floor<minutes>(*b);
}
}  // namespace

bool App::shows_differently(const SyncStatus& a, const SyncStatus& b) {
  return a.hub_configured != b.hub_configured || a.online != b.online || a.outbox_depth != b.outbox_depth ||
         a.last_error != b.last_error || a.catalog_stale != b.catalog_stale ||
         !same_minute(a.last_success, b.last_success) || !same_minute(a.catalog_synced_at, b.catalog_synced_at);
}

void App::drain_workers(bool& changed) {
  wake_pending_ = false;
  for (auto& event : backend_->drain()) {
    bool redraw = true;
    std::visit(Overloaded{
                   [&](CatalogLoaded& e) { state_.catalog = std::move(e.catalog); },
                   [&](SyncStatusChanged& e) {
                     // Every sync round reports a new last-success time; the
                     // header shows it to the minute. An idle kiosk redraws
                     // only for what a person can see change.
                     redraw = shows_differently(state_.sync, e.status);
                     state_.sync = e.status;
                   },
                   [&](ReceiptReady& e) {
                     if (e.request != state_.submit.submit_request) return;
                     state_.receipt = ReceiptView{};
                     const std::string payload = domain::receipt_qr_payload(e.receipt.code, e.receipt.secret);
                     const int module = std::max(4, static_cast<int>(10 * theme_.s));
                     if (auto qr = make_qr(payload, module))
                       state_.receipt.qr = make_texture(qr_texture_, qr->rgba.data(), qr->width, qr->height, true, true);
                     else
                       log::error(kLog, qr.error().describe());
                     prepare_receipt(e.receipt);
                     state_.receipt.receipt = std::move(e.receipt);
                     // The wizard's personal data is no longer needed on screen.
                     state_.submit = SubmitView{};
                     free_pages();
                     state_.history.clear();
                     state_.screen = ScreenId::receipt;
                   },
                   [&](SubmitFailed& e) {
                     if (e.request != state_.submit.submit_request) return;
                     state_.submit.submit_error = e.error.code == Errc::disk_full     ? "submit.err_disk"
                                                  : e.error.code == Errc::unavailable ? "submit.err_not_enrolled"
                                                                                      : "submit.err_save";
                     state_.submit.step = SubmitStep::review;
                     state_.submit.submit_request = 0;
                   },
                   [&](LookupResult& e) {
                     if (e.request != state_.status.request) return;
                     state_.status.busy = false;
                     state_.status.result = std::move(e);
                   },
                   [&](BackendFailed& e) { state_.fatal = e.error.describe(); },
                   [&](ServiceLoaded& e) {
                     if (e.request != state_.service_request) return;
                     state_.service_record = std::move(e.service);
                     state_.service_missing = !state_.service_record;
                     if (state_.submit.service_code == e.code && !state_.submit.record)
                       state_.submit.record = state_.service_record;
                   },
               },
               event);
    if (redraw) changed = true;
  }
  drain_scanner(changed);
  if (printer_) {
    for (auto& done : printer_->drain()) {
      changed = true;
      ReceiptView& r = state_.receipt;
      if (done.request != r.print_request) continue;
      r.printing = false;
      r.print_failed = !done.ok();
      if (done.ok()) {
        r.print_notice = done.target == PrintTarget::thermal ? "receipt.printed" : "receipt.printed_pdf";
      } else {
        log::warn(kLog, "print: " + std::string(to_string(*done.failure)) + ": " + done.detail);
        switch (*done.failure) {
          case PrintFailure::not_configured:
          case PrintFailure::queue_missing: r.print_notice = "receipt.print_none"; break;
          case PrintFailure::printer_stalled: r.print_notice = "receipt.print_stalled"; break;
          case PrintFailure::queue_stopped: r.print_notice = "receipt.print_queued"; break;
          default: r.print_notice = "receipt.print_failed"; break;
        }
      }
    }
  }
  if (camera_) {
    LookupView& v = state_.status;
    for (auto& event : camera_->drain()) {
      changed = true;
      std::visit(Overloaded{
                     [&](ReceiptScanned& e) {
                       if (!v.camera) return;  // the citizen went back to typing meanwhile
                       close_camera();
                       v.code = utf8::to_u32(e.receipt.code);
                       v.secret = utf8::to_u32(e.receipt.secret);
                       v.typing = false;
                       v.input_error.clear();
                       handle(intent::start_lookup());
                     },
                     [&](CitizenCardRead& e) {
                       SubmitView& sv = state_.submit;
                       if (!sv.card_camera) return;
                       close_camera();
                       // Pre-fill from the card; the citizen still checks and adds the phone.
                       sv.id_number = utf8::to_u32(e.card.id_number);
                       sv.name = utf8::to_u32(e.card.full_name);
                       char digits[16];
                       std::snprintf(digits, sizeof digits, "%02d%02d%04d", e.card.birth_date.day % 100,
                                     e.card.birth_date.month % 100, e.card.birth_date.year % 10000);
                       sv.birth_date = utf8::to_u32(digits);
                       sv.sex = e.card.sex;
                       sv.address = utf8::to_u32(e.card.address);
                       sv.from_card = true;
                       sv.id_error = sv.name_error = sv.birth_error = sv.sex_error = sv.address_error = std::string();
                       sv.focus = ApplicantField::phone;
                       sv.typing = sv.phone.empty();
                       sv.scroll_to_focus = true;
                       e.card = domain::CitizenIdCard{};
                     },
                     [&](ForeignQrSeen&) {
                       if (v.camera) v.camera_notice = "camera.not_receipt";
                       if (state_.submit.card_camera) state_.submit.card_notice = "submit.card_not_card";
                     },
                     [&](CameraFailed& e) {
                       if (state_.submit.card_camera) {
                         close_camera();
                         state_.submit.card_notice = std::string(message_key(e.error.kind));
                         return;
                       }
                       if (!v.camera) return;
                       close_camera();
                       v.input_error = std::string(message_key(e.error.kind));
                     },
                 },
                 event);
    }
    if (v.camera || state_.submit.card_camera) {
      if (auto p = camera_->preview_since(camera_preview_seen_)) {
        changed = true;
        camera_preview_seen_ = p->serial;
        const TextureView tex = make_texture(camera_texture_, p->rgb.data(), p->width, p->height, false, false);
        (v.camera ? v.preview : state_.submit.card_preview) = tex;
      }
    }
  }
  if (speech_ && speech_->speaking() != speaking_shown_) changed = true;  // the button's label
}

void App::load_tour_vars() {
  if (!options_.tour_vars) return;
  std::ifstream in(*options_.tour_vars);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos && eq > 0) registry_.vars[line.substr(0, eq)] = line.substr(eq + 1);
  }
}

void App::save_tour_vars() const {
  if (!options_.tour_vars) return;
  std::ofstream out(*options_.tour_vars, std::ios::trunc);
  for (const auto& [name, value] : registry_.vars) out << name << '=' << value << '\n';
  if (!out) log::warn(kLog, "cannot write " + options_.tour_vars->string());
}

void App::close_camera() {
  if (camera_) camera_->stop();
  LookupView& v = state_.status;
  v.camera = false;
  v.camera_notice = std::string();
  v.preview = {};
  state_.submit.card_camera = false;
  state_.submit.card_preview = {};
  camera_texture_.reset();
}

void App::sync_devices() {
  // Leaving the status screen, or its QR mode, turns the camera off.
  if (state_.status.camera && state_.screen != ScreenId::status) close_camera();
  if (state_.submit.card_camera && state_.screen != ScreenId::submit) close_camera();
  const bool wanted = state_.status.camera || state_.submit.card_camera;
  if (!wanted && (camera_texture_ || (camera_ && camera_->active()))) close_camera();
  // What is being read belongs to the screen it was read from.
  if (speech_ && speech_->speaking() && state_.screen != spoken_screen_) speech_->stop();
}

void App::read_aloud() {
  read_aloud_requested_ = false;
  if (!speech_) return;
  const std::span<const std::string> body(registry_.texts.data() + body_text_begin_,
                                          registry_.texts.size() - body_text_begin_);
  const Lang lang = i18n_->lang();
  speech::Utterance u{speech::screen_utterance(body, lang), std::string(speech::voice_for(lang))};
  if (u.text.empty()) return;
  spoken_screen_ = state_.screen;
  if (options_.speech_wav) {
    // Beside the WAV files, what was said: tests check the words.
    char name[32];
    std::snprintf(name, sizeof name, "said-%04u.txt", ++utterances_);
    std::error_code ec;
    std::filesystem::create_directories(*options_.speech_wav, ec);
    std::ofstream(*options_.speech_wav / name, std::ios::binary) << u.text;
  }
  log::debug(kLog, "read aloud: " + std::to_string(u.text.size()) + " bytes");
  speech_->speak(std::move(u));
}

bool App::footer_visible() const {
  if (state_.screen == ScreenId::home || state_.screen == ScreenId::receipt) return false;
  if (state_.screen == ScreenId::submit && state_.submit.step == SubmitStep::sending) return false;
  return true;
}

float App::draw_header(Ui& ui) {
  const Theme& th = theme_;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetWindowPos();
  const float w = ImGui::GetWindowWidth();

  // The accessibility toggles, the language toggle and the clock — on every
  // screen, so anyone can make the kiosk readable for them at once. Landscape
  // has them right of the office; portrait has no room for the office, the
  // connection line and five toggles side by side (large text even less), so
  // the toggles get a row of their own under it.
  const float toggle_h = std::max(th.min_touch, std::round(th.header_h * 0.62f));
  const float toggle_w = std::max(th.min_touch, std::round(104 * th.s * (1.0f + (th.text_scale - 1.0f) * 0.5f)));
  const bool toolbar = !state_.landscape;
  const float bar_h = toolbar ? toggle_h + 2 * th.target_gap : 0;
  const float total_h = th.header_h + bar_h;
  dl->AddRectFilled(origin, ImVec2(origin.x + w, origin.y + total_h), th.accent);
  if (th.high_contrast) dl->AddLine(ImVec2(origin.x, origin.y + total_h - 1), ImVec2(origin.x + w, origin.y + total_h - 1), th.border, 2 * th.s);
  if (toolbar) {
    // A faint line between the office and the toolbar.
    dl->AddLine(ImVec2(origin.x + th.pad, origin.y + th.header_h), ImVec2(origin.x + w - th.pad, origin.y + th.header_h),
                th.header_muted & 0x40FFFFFFu, 2 * th.s);
  }
  const float ty = toolbar ? origin.y + th.header_h + th.target_gap : origin.y + (th.header_h - toggle_h) * 0.5f;
  float right = origin.x + w - th.pad;
  auto toggle = [&](const char* id, std::string_view label, std::string_view name, bool on, ImDrawFlags corners,
                    float x, auto&& draw_face) {
    ImGui::SetCursorScreenPos(ImVec2(x, ty));
    const ImGuiID gid = ImGui::GetID(id);
    const ImRect bb(ImVec2(x, ty), ImVec2(x + toggle_w, ty + toggle_h));
    ImGui::ItemSize(bb);
    bool pressed = false;
    if (ImGui::ItemAdd(bb, gid)) {
      bool hovered = false, held = false;
      pressed = ImGui::ButtonBehavior(bb, gid, &hovered, &held);
      const bool down = held && hovered;
      const ImU32 fill = on ? th.on_accent : (down ? th.accent_dark : th.accent);
      const ImVec2 shift = down ? ImVec2(0, 2 * th.s) : ImVec2(0, 0);
      dl->AddRectFilled(bb.Min + shift, bb.Max + shift, fill, th.radius, corners);
      dl->AddRect(bb.Min + shift, bb.Max + shift, th.on_accent, th.radius, corners, 2.5f * th.s);
      draw_face(bb, on ? th.accent : th.on_accent, shift);
      if (!label.empty()) ui.reg.texts.emplace_back(label);
      register_clickable(ui, name, bb.Min, bb.Max);
    }
    return pressed;
  };
  auto text_face = [&](std::string_view label) {
    return [&, label](const ImRect& bb, ImU32 color, ImVec2 shift) {
      const ImVec2 ls = measure(fonts_.bold, label);
      dl->AddText(fonts_.bold, fonts_.bold->FontSize,
                  ImVec2(std::floor(bb.Min.x + (bb.GetWidth() - ls.x) * 0.5f), std::floor(bb.Min.y + (bb.GetHeight() - ls.y) * 0.5f)) + shift,
                  color, label.data(), label.data() + label.size());
    };
  };
  const Lang current = ui.i18n.lang();
  // VI  EN: two buttons, the current language filled. Apart by the target
  // gap like every other pair of targets, so a finger never gets both.
  right -= 2 * toggle_w + th.target_gap;
  for (int i = 0; i < 2; ++i) {
    const Lang lang = i == 0 ? Lang::vi : Lang::en;
    const char* label = i == 0 ? "VI" : "EN";
    const float x = right + static_cast<float>(i) * (toggle_w + th.target_gap);
    if (toggle(label, label, label, lang == current, ImDrawFlags_RoundCornersAll, x, text_face(label)) && lang != current)
      i18n_->set_lang(lang);
  }
  // High contrast: a half-filled disc, the usual contrast symbol.
  right -= th.target_gap + toggle_w;
  if (toggle("##contrast", {}, ui.tr("a11y.contrast"), state_.prefs.high_contrast, ImDrawFlags_RoundCornersAll, right,
             [&](const ImRect& bb, ImU32 color, ImVec2 shift) {
               const ImVec2 c = bb.GetCenter() + shift;
               const float r = std::min(bb.GetWidth(), bb.GetHeight()) * 0.28f;
               dl->AddCircle(c, r, color, 32, 3.5f * th.s);
               dl->PathClear();
               dl->PathArcTo(c, r, -IM_PI * 0.5f, IM_PI * 0.5f, 24);
               dl->PathFillConvex(color);
             }))
    state_.prefs.high_contrast = !state_.prefs.high_contrast;
  // Large text: "A+" (big letter, small plus).
  right -= th.target_gap + toggle_w;
  if (toggle("##large-text", {}, ui.tr("a11y.large_text"), state_.prefs.large_text, ImDrawFlags_RoundCornersAll, right,
             [&](const ImRect& bb, ImU32 color, ImVec2 shift) {
               const ImVec2 a = measure(fonts_.heading, "A"), plus = measure(fonts_.bold, "+");
               const float x = bb.Min.x + (bb.GetWidth() - a.x - plus.x) * 0.5f;
               dl->AddText(fonts_.heading, fonts_.heading->FontSize, ImVec2(std::floor(x), std::floor(bb.Min.y + (bb.GetHeight() - a.y) * 0.5f)) + shift, color, "A");
               dl->AddText(fonts_.bold, fonts_.bold->FontSize, ImVec2(std::floor(x + a.x), std::floor(bb.Min.y + (bb.GetHeight() - a.y) * 0.5f)) + shift, color, "+");
             }))
    state_.prefs.large_text = !state_.prefs.large_text;
  // Read aloud: a loudspeaker, filled while it speaks; a second touch stops it.
  if (speech_) {
    const bool speaking = speech_->speaking();
    speaking_shown_ = speaking;
    right -= th.target_gap + toggle_w;
    if (toggle("##read-aloud", {}, ui.tr(speaking ? "speech.stop" : "speech.read"), speaking, ImDrawFlags_RoundCornersAll,
               right, [&](const ImRect& bb, ImU32 color, ImVec2 shift) {
                 const ImVec2 c = bb.GetCenter() + shift;
                 const float r = std::min(bb.GetWidth(), bb.GetHeight()) * 0.3f;
                 const float x0 = c.x - r * 0.85f;
                 dl->AddRectFilled(ImVec2(x0, c.y - r * 0.3f), ImVec2(x0 + r * 0.4f, c.y + r * 0.3f), color);
                 const ImVec2 cone[4] = {ImVec2(x0 + r * 0.4f, c.y - r * 0.3f), ImVec2(x0 + r * 0.95f, c.y - r * 0.8f),
                                         ImVec2(x0 + r * 0.95f, c.y + r * 0.8f), ImVec2(x0 + r * 0.4f, c.y + r * 0.3f)};
                 dl->AddConvexPolyFilled(cone, 4, color);
                 for (float k : {0.45f, 0.85f}) {
                   dl->PathClear();
                   dl->PathArcTo(ImVec2(x0 + r * 0.95f, c.y), r * k, -0.85f, 0.85f, 16);
                   dl->PathStroke(color, 0, 3.5f * th.s);
                 }
               })) {
      if (speaking) speech_->stop();
      else read_aloud_requested_ = true;
    }
  }
  // The clock: beside the toggles, or alone at the right of the office row.
  if (toolbar) right = origin.x + w - th.pad;
  const std::string clock = format_clock(state_.now);
  const ImVec2 cs = measure(fonts_.heading, clock);
  right -= (toolbar ? 0 : th.gap) + cs.x;
  draw_text(ui, dl, ImVec2(right, origin.y + (th.header_h - cs.y) * 0.5f), clock, fonts_.heading, th.on_accent);

  // Left: the office, and the connection state with the last sync (always
  // visible). Cut to the room the right side leaves, at a whole character.
  const domain::Agency* agency = state_.agency();
  std::string office = agency ? (agency->short_name.empty() ? agency->name : agency->short_name) : ui.tr("header.office");
  const float x = origin.x + th.pad;
  auto fit = [&](std::string line, ImFont* font, float room) {
    if (measure(font, line).x <= room) return line;
    while (!line.empty() && measure(font, line + "…").x > room) {
      while (!line.empty() && (static_cast<unsigned char>(line.back()) & 0xC0) == 0x80) line.pop_back();
      if (!line.empty()) line.pop_back();  // the lead byte
    }
    return line + "…";
  };
  const float room = right - th.gap - x;
  std::string status;
  ImU32 dot = th.success;
  SyncStatus s = state_.sync;
  // After a restart with no network the engine has not reached the hub yet;
  // the last complete catalog pull (kept in the database) is then the last
  // time this kiosk's information was brought up to date.
  if (!s.last_success) s.last_success = s.catalog_synced_at;
  // --fixed-time: every "now" the header shows is that time, so screenshots
  // and golden images do not change with the minute of the last sync.
  if (options_.fixed_time && s.last_success) s.last_success = options_.fixed_time;
  if (!s.hub_configured) {
    status = ui.tr("header.offline_mode");
    dot = IM_COL32(255, 196, 87, 255);
  } else if (s.online) {
    status = s.last_success ? ui.i18n.format("header.online_at", {format_clock(*s.last_success)}) : ui.tr("header.online");
    dot = IM_COL32(120, 220, 140, 255);
  } else {
    status = s.last_success ? ui.i18n.format("header.offline_since", {format_since(*s.last_success, state_.now)})
                            : ui.tr("header.offline");
    dot = IM_COL32(255, 196, 87, 255);
  }
  if (s.outbox_depth > 0) status += "  ·  " + ui.i18n.format("header.outbox", {std::to_string(s.outbox_depth)});
  const float block_h = fonts_.heading->FontSize + 10 * th.s + fonts_.small->FontSize;
  const float oy = origin.y + (th.header_h - block_h) * 0.5f;
  draw_text(ui, dl, ImVec2(x, oy), fit(office, fonts_.heading, room), fonts_.heading, th.on_accent);
  const float sy = oy + fonts_.heading->FontSize + 10 * th.s;
  const float dot_r = 10 * th.s;
  if (th.high_contrast) dl->AddCircle(ImVec2(x + dot_r, sy + fonts_.small->FontSize * 0.55f), dot_r + 1.5f * th.s, th.on_accent, 20, 2 * th.s);
  dl->AddCircleFilled(ImVec2(x + dot_r, sy + fonts_.small->FontSize * 0.55f), dot_r, dot, 20);
  const float sx = x + 2 * dot_r + 10 * th.s;
  draw_text(ui, dl, ImVec2(sx, sy), fit(status, fonts_.small, room - (sx - x)), fonts_.small, th.header_muted);
  ui.reg.texts.push_back(status);  // the whole line, for tours
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + total_h));
  return total_h;
}

void App::draw_footer(Ui& ui, Intents& out) {
  const Theme& th = theme_;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetWindowPos();
  const float w = ImGui::GetWindowWidth(), h = ImGui::GetWindowHeight();
  const float top = origin.y + h - th.footer_h;
  dl->AddRectFilled(ImVec2(origin.x, top), ImVec2(origin.x + w, origin.y + h), th.surface);
  dl->AddLine(ImVec2(origin.x, top), ImVec2(origin.x + w, top), th.border, 2 * th.s);
  const float bw = (w - 2 * th.pad - th.gap) * 0.5f;
  const float bh = th.footer_h - 2 * th.gap;
  ImGui::SetCursorScreenPos(ImVec2(origin.x + th.pad, top + th.gap));
  const std::string& back = ui.tr("nav.back");
  const std::string& home = ui.tr("nav.home");
  if (button(ui, back, ButtonKind::secondary, bw, bh)) out.push_back(intent::back());
  draw_icon(dl, Icon::back, ImVec2(ImGui::GetItemRectMin().x + th.pad + 18 * th.s, ImGui::GetItemRectMin().y + bh * 0.5f),
            44 * th.s, th.accent);
  ImGui::SetCursorScreenPos(ImVec2(origin.x + th.pad + bw + th.gap, top + th.gap));
  if (button(ui, home, ButtonKind::quiet, bw, bh)) out.push_back(intent::home());
  draw_icon(dl, Icon::home, ImVec2(ImGui::GetItemRectMin().x + th.pad + 18 * th.s, ImGui::GetItemRectMin().y + bh * 0.5f),
            44 * th.s, th.text);
}

namespace {
double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}
}  // namespace

void App::frame(bool& quit, int& exit_code) {
  const double cpu0 = options_.frame_stats ? thread_cpu_us() : 0.0;
  const ScreenId frame_screen = state_.screen;
  state_.catalog_view.search_us = 0;
  ImGui_ImplSDLRenderer_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  if (tour_) {
    tour_->inject(io);
    if (io.MouseDown[0]) note_input();  // a tour's touches count as a person's
  }
  ImGui::NewFrame();
  registry_.begin_frame();
  animate_ = false;
  state_.now = options_.fixed_time.value_or(clock_.now());

  Ui ui{theme_, fonts_, *i18n_, registry_, animate_};
  ui.landscape = state_.landscape;
  ui.input_method = &state_.prefs.input;
  ui.tone_style = tone_style_;
  Intents intents;
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("##root", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse |
                   ImGuiWindowFlags_NoNav);
  ImGui::PopStyleVar();
  const float header_h = draw_header(ui);
  body_text_begin_ = registry_.texts.size();

  const float body_h = io.DisplaySize.y - header_h - (footer_visible() ? theme_.footer_h : 0);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(theme_.pad, theme_.pad * 0.6f));
  ImGui::BeginChild("##body", ImVec2(io.DisplaySize.x, body_h), false,
                    ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NoScrollbar |
                        ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoNav);
  ImGui::PopStyleVar();
  if (state_.fatal) notice(ui, ui.tr("app.fatal"), theme_.danger_soft, theme_.danger);
  if (state_.sync.catalog_stale) {
    // Old information misleads citizens (fees, documents): say so on every screen.
    notice(ui,
           state_.sync.catalog_synced_at
               ? ui.i18n.format("header.catalog_stale", {format_date_long(*state_.sync.catalog_synced_at, ui.i18n.lang())})
               : ui.tr("header.catalog_never"),
           theme_.warning_soft, theme_.warning);
  }
  switch (state_.screen) {
    case ScreenId::home: draw_home(ui, state_, intents); break;
    case ScreenId::catalog: draw_catalog(ui, state_, intents); break;
    case ScreenId::service: draw_service(ui, state_, intents); break;
    case ScreenId::submit: draw_submit(ui, state_, intents); break;
    case ScreenId::receipt: draw_receipt(ui, state_, intents); break;
    case ScreenId::status: draw_status(ui, state_, intents); break;
    case ScreenId::agencies: draw_agencies(ui, state_, intents); break;
    case ScreenId::qa: draw_qa(ui, state_, intents); break;
  }
  ImGui::EndChild();
  if (footer_visible()) draw_footer(ui, intents);
  ImGui::End();
  if (state_.idle.counting) draw_idle_overlay(ui, intents);
  if (read_aloud_requested_) read_aloud();

  ImGui::Render();
  if (options_.frame_stats)
    frame_cpu_us_.push_back(
        {static_cast<int>(frame_screen), static_cast<float>(thread_cpu_us() - cpu0), state_.catalog_view.search_us});
  auto rasterise = [this] {
    const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(theme_.bg);
    SDL_SetRenderDrawColor(renderer_.get(), static_cast<Uint8>(bg.x * 255), static_cast<Uint8>(bg.y * 255),
                           static_cast<Uint8>(bg.z * 255), 255);
    SDL_RenderClear(renderer_.get());
    ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
  };
  // A headless tour looks at pixels only for shots and goldens (and a
  // failure): other frames are laid out but not rasterised.
  const bool rasterised = !tour_ || !options_.headless || tour_->wants_pixels();
  if (rasterised) rasterise();
  if (tour_) {
    const auto status = tour_->after_frame(registry_, renderer_.get(), state_.sync,
                                           rasterised ? std::function<void()>() : std::function<void()>(rasterise));
    if (status != TourRunner::Status::running) {
      quit = true;
      if (status == TourRunner::Status::failed) {
        std::cerr << "tour failed: " << tour_->failure() << "\n";
        exit_code = 1;
      } else {
        save_tour_vars();
        std::cout << "tour passed: " << tour_->shots().size() << " screenshot(s) in "
                  << std::filesystem::absolute(options_.shots_dir).string() << "\n";
        exit_code = 0;
      }
    }
  }
  if (rasterised) SDL_RenderPresent(renderer_.get());
  for (const auto& intent : intents) handle(intent);
  sync_devices();
  if (state_.prefs.large_text != applied_.large_text || state_.prefs.high_contrast != applied_.high_contrast) {
    // Between frames: the atlas and style must not change while ImGui draws.
    if (auto ok = apply_look(); !ok) log::error(kLog, ok.error().describe());
  }
}

void App::draw_idle_overlay(Ui& ui, Intents& out) {
  // "Ông/bà còn dùng máy không?" over everything, with a big "Tiếp tục" and a
  // countdown in whole seconds. A touch anywhere on it also continues.
  const Theme& th = theme_;
  const ImGuiIO& io = ImGui::GetIO();
  // What lies under the overlay cannot be touched now: only its button can.
  registry_.clickables.clear();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, 0);
  ImGui::Begin("##idle", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleColor();
  ImGui::PopStyleVar();
  ImGui::SetWindowFocus();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(0, 0), io.DisplaySize, (th.scrim & 0x00FFFFFFu) | (0xE0u << IM_COL32_A_SHIFT));

  const float card_w = std::min(io.DisplaySize.x - 2 * th.pad, 900 * th.s * th.text_scale);
  const float x = std::floor((io.DisplaySize.x - card_w) * 0.5f);
  const float y = std::max(th.header_h, io.DisplaySize.y * (state_.landscape ? 0.12f : 0.22f));
  ImGui::SetCursorScreenPos(ImVec2(0, y));
  ImGui::Indent(x);
  const float saved_inset = ui.inset_right;
  ui.inset_right = io.DisplaySize.x - x - card_w;
  const Card card = begin_card(ui, th.surface, th.accent);
  vspace(ui, th.gap * 0.5f);
  text_centered(ui, ui.tr("idle.title"), fonts_.title, th.text);
  vspace(ui, th.gap);
  const std::string secs = std::to_string(std::max(state_.idle.seconds_left, 0));
  text_centered(ui, secs, fonts_.display, th.accent);
  vspace(ui, th.gap * 0.5f);
  text_centered(ui, ui.i18n.format("idle.body", {secs}), fonts_.body, th.text);
  vspace(ui, th.gap * 1.5f);
  const bool keep = button(ui, ui.tr("idle.continue"), ButtonKind::primary, 0, th.button_h * 1.4f);
  vspace(ui, th.gap * 0.5f);
  end_card(ui, card);
  ui.inset_right = saved_inset;
  ImGui::Unindent(x);
  // Submitted after the button, so the button keeps its own touches.
  const ImGuiID bg_id = ImGui::GetID("##idle-anywhere");
  const ImRect all(ImVec2(0, 0), io.DisplaySize);
  ImGui::ItemAdd(all, bg_id);
  bool hovered = false, held = false;
  const bool touched_outside = ImGui::ButtonBehavior(all, bg_id, &hovered, &held);
  ImGui::End();
  if (keep || touched_outside) out.push_back(intent::keep_session());
}

bool App::session_in_use() const {
  if (state_.screen != ScreenId::home) return true;
  if (state_.prefs.large_text != defaults_.large_text || state_.prefs.high_contrast != defaults_.high_contrast ||
      state_.prefs.input != defaults_.input)
    return true;
  if (i18n_ && i18n_->lang() != options_.lang) return true;
  return !personal_data_left(state_).empty();
}

void App::note_input() {
  last_input_ = std::chrono::steady_clock::now();
}

bool App::update_idle() {
  if (idle_timeout_.count() <= 0) {
    if (!state_.idle.counting) return false;
    state_.idle = IdleView{};
    return true;
  }
  const auto now = std::chrono::steady_clock::now();
  // Work the citizen is waiting for is not idleness.
  const bool busy = state_.submit.scanning || state_.submit.step == SubmitStep::sending || state_.status.busy;
  if (busy && !state_.idle.counting) last_input_ = now;
  if (!state_.idle.counting) {
    if (!session_in_use() || now - last_input_ < idle_timeout_) return false;
    state_.idle.counting = true;
    countdown_end_ = now + idle_countdown_;
    log::info(kLog, "idle: countdown started");
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(countdown_end_ - now);
  if (left.count() <= 0) {
    idle_reset();
    return true;
  }
  const int secs = static_cast<int>((left.count() + 999) / 1000);
  if (secs == state_.idle.seconds_left) return false;
  state_.idle.seconds_left = secs;
  return true;
}

int App::idle_wait_ms() const {
  if (idle_timeout_.count() <= 0) return -1;
  const auto now = std::chrono::steady_clock::now();
  if (state_.idle.counting) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(countdown_end_ - now).count();
    return static_cast<int>(std::clamp<long long>(left % 1000 + 1, 1, 1000));  // the next whole second
  }
  if (!session_in_use()) return -1;
  const auto due = std::chrono::duration_cast<std::chrono::milliseconds>(last_input_ + idle_timeout_ - now).count();
  return static_cast<int>(std::clamp<long long>(due + 1, 1, 60000));
}

void App::idle_reset() {
  log::info(kLog, "idle: session reset");
  reset_session(true);
  registry_.vars.clear();  // even in a tour: the receipt's code and secret go too
  i18n_->set_lang(options_.lang);
  last_input_ = std::chrono::steady_clock::now();
}

std::vector<std::string> App::personal_data_probe() const {
  std::vector<std::string> left = personal_data_left(state_);
  if (!page_textures_.empty()) left.emplace_back("scanned page previews");
  if (bank_qr_texture_) left.emplace_back("bank transfer QR texture");
  if (qr_texture_) left.emplace_back("receipt QR texture");
  if (camera_texture_) left.emplace_back("camera picture");
  if (!registry_.vars.empty()) left.emplace_back("published tour values (code, secret)");
  return left;
}

void App::navigate(ScreenId screen) {
  if (screen == state_.screen) return;
  log::debug(kLog, "screen " + std::to_string(static_cast<int>(state_.screen)) + " -> " +
                       std::to_string(static_cast<int>(screen)));
  state_.history.push_back(state_.screen);
  state_.screen = screen;
}

void App::reset_session(bool preferences) {
  // Privacy: nothing a citizen typed or scanned survives going home
  // (app/session.cpp); the textures showing the scan and the receipt's QR go too.
  wipe_session(state_, preferences, defaults_);
  qr_texture_.reset();
  bank_qr_texture_.reset();
  free_pages();
  close_camera();
  if (speech_) speech_->stop();
  if (scanner_) scanner_->cancel();
  if (!tour_) registry_.vars.clear();  // tours reuse the receipt's values later
}

void App::handle(const Intent& in) {
  switch (in.kind) {
    case IntentKind::go_to:
      if (in.screen == ScreenId::status) state_.status = LookupView{};
      navigate(in.screen);
      break;
    case IntentKind::back: {
      // In the catalog, "back" goes up the drill-down first (field → sector → all).
      CatalogView& cv = state_.catalog_view;
      if (state_.screen == ScreenId::catalog && cv.query.empty() && (!cv.group.empty() || !cv.sector.empty())) {
        if (!cv.group.empty() && !(state_.landscape && cv.by == BrowseBy::sector)) cv.group.clear();
        else if (!cv.sector.empty()) cv.sector.clear(), cv.group.clear();
        else cv.group.clear();
        break;
      }
      // Inside the wizard, "back" is the previous step (keeping what was entered).
      if (state_.screen == ScreenId::submit) {
        if (wizard_back()) break;
        if (scanner_ && state_.submit.scanning) scanner_->cancel();
        close_camera();
        state_.submit = SubmitView{};
        free_pages();
      }
      if (state_.history.empty()) {
        reset_session();
        break;
      }
      state_.screen = state_.history.back();
      state_.history.pop_back();
      if (state_.screen == ScreenId::home) reset_session();
      break;
    }
    case IntentKind::home: reset_session(); break;
    case IntentKind::open_catalog:
      state_.catalog_view = CatalogView{};
      state_.catalog_view.submit_only = in.submit_only;
      if (!in.code.empty()) {  // an agency's procedures (agencies screen)
        state_.catalog_view.by = BrowseBy::agency;
        state_.catalog_view.group = in.code;
      }
      navigate(ScreenId::catalog);
      break;
    case IntentKind::open_service:
      state_.service_code = in.code;
      state_.service_record.reset();
      state_.service_missing = false;
      state_.service_request = backend_->load_service(in.code);
      navigate(ScreenId::service);
      break;
    case IntentKind::start_submit:
      state_.submit = SubmitView{};
      free_pages();
      state_.submit.service_code = in.code;
      if (state_.service_record && state_.service_record->code == in.code) {
        state_.submit.record = state_.service_record;
      } else {
        // The form and the document checklist are in the full record.
        state_.service_code = in.code;
        state_.service_record.reset();
        state_.service_request = backend_->load_service(in.code);
      }
      navigate(ScreenId::submit);
      break;
    case IntentKind::start_scan: start_scan(in); break;
    case IntentKind::cancel_scan:
      if (scanner_ && state_.submit.scanning) scanner_->cancel();
      break;
    case IntentKind::delete_page: {
      SubmitView& v = state_.submit;
      if (v.scanning || in.index < 0 || in.index >= static_cast<int>(v.documents.size())) break;
      auto& pages = v.documents[static_cast<std::size_t>(in.index)].pages;
      if (in.page < 0 || in.page >= static_cast<int>(pages.size())) break;
      page_textures_.erase(pages[static_cast<std::size_t>(in.page)].texture);
      pages.erase(pages.begin() + in.page);
      v.zoom_page = -1;
      break;
    }
    case IntentKind::scan_card: {
      SubmitView& v = state_.submit;
      v.card_notice.clear();
      if (!camera_) {
        v.card_notice = "submit.card_no_camera";
        break;
      }
      v.typing = false;
      v.card_camera = true;
      camera_->start(CameraPurpose::citizen_card);
      break;
    }
    case IntentKind::stop_card:
      close_camera();
      break;
    case IntentKind::print_receipt: {
      ReceiptView& r = state_.receipt;
      if (!printer_ || !r.printable || r.printing) break;
      r.print_notice.clear();
      r.print_failed = false;
      r.printing = true;
      r.print_request = in.print == PrintTarget::thermal ? printer_->print_thermal(*r.printable)
                                                          : printer_->print_pdf(*r.printable);
      break;
    }
    case IntentKind::confirm_submit: confirm_submit(); break;
    case IntentKind::scan_receipt_qr: {
      // The camera fills code + secret from the receipt's QR code and starts
      // the lookup (drain_workers). Without a camera the citizen is told to
      // type the code.
      LookupView& v = state_.status;
      if (!camera_) {
        v.input_error = "status.camera_unavailable";
        break;
      }
      v.input_error.clear();
      v.result.reset();
      v.camera_notice.clear();
      v.camera = true;
      camera_->start();
      break;
    }
    case IntentKind::stop_camera:
      close_camera();
      state_.status.typing = true;
      break;
    case IntentKind::keep_session:
      state_.idle = IdleView{};
      note_input();
      break;
    case IntentKind::start_lookup: {
      LookupView& v = state_.status;
      v.busy = true;
      v.result.reset();
      v.request = backend_->lookup(utf8::from_u32(v.code), utf8::from_u32(v.secret));
      break;
    }
  }
}

void App::confirm_submit() {
  SubmitView& v = state_.submit;
  const domain::Service* s = state_.submit_service();
  if (!s) {
    v.submit_error = "submit.err_incomplete";
    return;
  }
  SubmitBuild built = build_submit(v, *s, kConsentVersion, clock_.now());
  if (!built.request) {
    v.submit_error = built.error;
    return;
  }
  v.submit_error.reset();
  v.step = SubmitStep::sending;
  submit_started_ = std::chrono::steady_clock::now();
  v.submit_request = backend_->submit(std::move(*built.request));
}

bool App::wizard_back() {
  SubmitView& v = state_.submit;
  const domain::Service* s = state_.submit_service();
  if (v.step == SubmitStep::sending) return true;  // the dossier is being queued: no way back
  if (v.card_camera) {
    close_camera();
    return true;
  }
  if (v.typing || v.postal_typing || !v.form_focus.empty()) {
    v.typing = v.postal_typing = false;
    v.postal_focus = -1;
    v.form_focus.clear();
    return true;
  }
  if (v.step == SubmitStep::documents) {
    if (v.scanning) {
      if (scanner_) scanner_->cancel();
      return true;
    }
    if (v.zoom_page >= 0) {
      v.zoom_page = -1;
      return true;
    }
    if (v.open_document >= 0) {
      v.open_document = -1;
      return true;
    }
  }
  if (!s) return false;
  if (auto prev = previous_step(*s, v.step)) {
    v.step = *prev;
    return true;
  }
  return false;
}

void App::start_scan(const Intent& in) {
  SubmitView& v = state_.submit;
  v.scan_error.reset();
  if (in.index < 0 || in.index >= static_cast<int>(v.documents.size()) || v.scanning) return;
  if (!scanner_) {
    v.scan_error = ScanErrorKind::no_scanner;
    return;
  }
  ScanRequest req;
  req.source = in.feeder ? ScanSource::feeder : ScanSource::flatbed;
  v.scanning = true;
  v.scan_document = in.index;
  v.replace_page = in.feeder ? -1 : in.page;
  v.zoom_page = -1;
  state_.scan_progress = 0;
  state_.scan_processing = false;
  state_.scan_pages_done = 0;
  scanner_->start_scan(req);
}

void App::drain_scanner(bool& changed) {
  if (!scanner_) return;
  if (const auto sources = scanner_->sources()) {
    const bool feeder = std::find(sources->begin(), sources->end(), ScanSource::feeder) != sources->end();
    if (feeder != state_.scanner_feeder) changed = true;
    state_.scanner_feeder = feeder;
  }
  for (auto& event : scanner_->drain()) {
    changed = true;
    SubmitView& v = state_.submit;
    if (!v.scanning) continue;  // the citizen left the wizard meanwhile
    if (auto* ready = std::get_if<ScanPageReady>(&event)) {
      if (v.scan_document < 0 || v.scan_document >= static_cast<int>(v.documents.size())) continue;
      auto& pages = v.documents[static_cast<std::size_t>(v.scan_document)].pages;
      PageView pv;
      pv.page = ready->page;
      pv.texture = next_page_texture_++;
      pv.preview = make_texture(page_textures_[pv.texture], ready->page->preview_rgb.data(),
                                ready->page->preview_width, ready->page->preview_height, false, false);
      if (v.replace_page >= 0 && v.replace_page < static_cast<int>(pages.size())) {
        // A rescan replaces the page in place; the old picture goes.
        page_textures_.erase(pages[static_cast<std::size_t>(v.replace_page)].texture);
        pages[static_cast<std::size_t>(v.replace_page)] = std::move(pv);
        v.replace_page = -1;
      } else {
        pages.push_back(std::move(pv));
      }
      ++state_.scan_pages_done;
      v.scan_error.reset();
    } else if (auto* done = std::get_if<ScanDone>(&event)) {
      v.scanning = false;
      v.replace_page = -1;
      // A feeder that empties after some pages ends without an error (ScanService).
      if (done->error && done->error->kind != ScanErrorKind::cancelled) v.scan_error = done->error->kind;
    }
  }
  const ScanProgress p = scanner_->progress();
  const bool processing = p.phase == ScanPhase::processing;
  if (p.fraction != state_.scan_progress || processing != state_.scan_processing) changed = true;
  state_.scan_progress = p.fraction;
  state_.scan_processing = processing;
}

void App::free_pages() {
  page_textures_.clear();
}

void App::prepare_receipt(const Receipt& r) {
  ReceiptView& view = state_.receipt;
  const SubmitView& v = state_.submit;
  const domain::Service* s = state_.submit_service();
  const domain::Agency* agency = state_.agency();
  document::FormReceipt f;
  if (agency) f.agency = *agency;
  f.dossier_code = r.code;
  f.provisional = r.provisional;
  f.lookup_secret = r.secret;
  f.service_name = r.service_name;
  f.service_code = r.service_code;
  f.applicant_name = tidy_name(v.name);
  f.applicant_phone = utf8::from_u32(v.phone);
  f.received = r.received_at;
  f.appointment = r.appointment;
  if (r.result_delivery) f.delivery = domain::result_delivery_from_string(*r.result_delivery);
  if (s) {
    f.processing_time = s->processing.text;
    f.fee.amount_vnd = s->base_fee();
  }
  for (const auto& d : v.documents) {
    if (d.pages.empty()) continue;
    f.documents.push_back(document::ReceiptDocument{d.name, d.originals, d.copies, static_cast<int>(d.pages.size())});
  }
  if (f.delivery == domain::ResultDelivery::public_post)
    f.result_place = tidy_name(v.postal[2]) + ", " + tidy_name(v.postal[3]) + ", " + tidy_name(v.postal[4]);
  else if (f.delivery == domain::ResultDelivery::at_desk && agency) f.result_place = agency->name + ", " + agency->address;
  if (r.payment_method) f.fee.method = domain::payment_method_from_string(*r.payment_method);
  // Bank transfer: the VietQR code of the account of the agency that decides
  // the dossier (the service's, whose code the dossier carries — not always
  // the kiosk's office), the fee and the dossier code as the purpose
  // (docs/vietqr.md).
  const domain::Agency* payee = s && state_.catalog ? state_.catalog->agency(s->agency) : nullptr;
  if (!payee) payee = agency;
  view.bank_qr = {};
  bank_qr_texture_.reset();
  if (f.fee.method == domain::PaymentMethod::bank_transfer && payee && payee->bank && f.fee.amount_vnd > 0) {
    if (auto transfer = domain::dossier_fee_transfer(*payee->bank, f.fee.amount_vnd, r.code)) {
      if (auto payload = domain::build_vietqr(*transfer)) {
        f.fee.vietqr_payload = *payload;
        f.fee.account = payee->bank;
        f.fee.transfer_purpose = transfer->purpose;
        const int module = std::max(4, static_cast<int>(8 * theme_.s));
        if (auto qr = make_qr(*payload, module))
          view.bank_qr = make_texture(bank_qr_texture_, qr->rgba.data(), qr->width, qr->height, true, true);
      }
    } else {
      log::warn(kLog, "VietQR: " + transfer.error().describe());
    }
  }
  view.can_print_thermal = printer_ && printer_->thermal_configured();
  view.can_print_pdf = printer_ && printer_->pdf_configured();
  view.printable = std::move(f);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - submit_started_);
  log::info(kLog, "receipt on screen " + std::to_string(ms.count()) + " ms after Submit");
}

int App::run() {
  int exit_code = 0;
  bool quit = false;
  int frames_pending = 3;  // ImGui settles layout over a couple of frames
  const bool tour = tour_.has_value();
  bool first_frame_logged = false;
  while (!quit) {
    // Block until something can change the picture: input, a worker, the
    // next minute of the header clock; or spin for animations and tours.
    int timeout = 0;
    if (!tour && frames_pending == 0) {
      if (animate_) {
        timeout = 16;
      } else {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
        timeout = static_cast<int>(60000 - ms % 60000) + 5;
      }
      // The idle countdown: when it starts, and each of its seconds.
      if (const int idle = idle_wait_ms(); idle > 0) timeout = std::min(timeout, idle);
    } else if (tour && options_.headless && !tour_->acting() && !animate_) {
      // The tour waits for the kiosk (a scan, the hub, a countdown): a frame
      // every few milliseconds is plenty, and leaves the CPU to the workers.
      timeout = 4;
    }
    SDL_Event ev;
    bool got = false;
    if (timeout == 0) {
      got = SDL_PollEvent(&ev) != 0;
    } else if (options_.headless) {
      // No input can come; wait for a worker. Capped so SDL's SIGTERM → SDL_QUIT
      // is still noticed within half a second.
      std::unique_lock lk(wake_mutex_);
      const bool woke = wake_cv_.wait_for(lk, std::chrono::milliseconds(std::min(timeout, 500)),
                                          [&] { return wake_signalled_; });
      wake_signalled_ = false;
      lk.unlock();
      got = SDL_PollEvent(&ev) != 0;
      if (!woke && !got && timeout > 500) continue;  // nothing happened yet: keep waiting
    } else {
      got = SDL_WaitEventTimeout(&ev, timeout) != 0;
    }
    bool changed = got || timeout > 0;  // a timeout means the clock or an animation moved
    while (got) {
      if (ev.type == SDL_QUIT) quit = true;
      if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_CLOSE) quit = true;
      if (ev.type != wake_event_) ImGui_ImplSDL2_ProcessEvent(&ev);
      switch (ev.type) {
        case SDL_MOUSEBUTTONDOWN: case SDL_MOUSEBUTTONUP: case SDL_MOUSEWHEEL: case SDL_FINGERDOWN:
        case SDL_FINGERUP: case SDL_FINGERMOTION: case SDL_KEYDOWN: case SDL_TEXTINPUT:
          note_input();
          break;
        case SDL_MOUSEMOTION:
          if (ev.motion.state != 0) note_input();  // a finger dragging (touches arrive as mouse)
          break;
        default: break;
      }
      got = SDL_PollEvent(&ev) != 0;
    }
    drain_workers(changed);
    if (update_idle()) changed = true;
    if (changed) frames_pending = std::max(frames_pending, 3);
    if (quit) break;
    if (frames_pending == 0 && !animate_ && !tour) continue;
    frame(quit, exit_code);
    if (frames_pending > 0) --frames_pending;
    if (!first_frame_logged && state_.catalog) {
      // Cold start as a citizen sees it: the first frame showing the catalog's office.
      first_frame_logged = true;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
      log::info(kLog, "first frame with the catalog after " + std::to_string(ms.count()) + " ms");
    }
  }
  return exit_code;
}

}  // namespace motcua::kiosk
