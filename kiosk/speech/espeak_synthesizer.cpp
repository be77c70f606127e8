#include "speech/espeak_synthesizer.hpp"

#include <atomic>

#include <espeak-ng/speak_lib.h>

namespace motcua::kiosk::speech {

namespace {

// espeak-ng's state is process-wide; this flag is the one piece of global
// state we add, so two owners cannot tear it down under each other.
std::atomic<bool> g_engine_claimed{false};
// Initialised once per process and never terminated: espeak-ng 1.51 hangs in
// espeak_Terminate() when it is initialised a second time in the same process
// (its internal thread is not restarted). Guarded by g_engine_claimed.
int g_sample_rate = 0;

struct CallbackContext {
  const PcmConsumer* pcm = nullptr;
  bool stopped = false;
};

int on_samples(short* wav, int count, espeak_EVENT* events) {
  if (!events) return 0;
  auto* ctx = static_cast<CallbackContext*>(events->user_data);
  if (!ctx || ctx->stopped) return 1;
  // wav == nullptr marks the end of synthesis; count may be 0 mid-stream.
  if (!wav || count <= 0) return 0;
  if (!(*ctx->pcm)(std::span<const std::int16_t>(wav, static_cast<std::size_t>(count)))) {
    ctx->stopped = true;
    return 1;  // abort synthesis
  }
  return 0;
}

}  // namespace

EspeakSynthesizer::EspeakSynthesizer(EspeakOptions options) : options_(std::move(options)) {}

EspeakSynthesizer::~EspeakSynthesizer() {
  if (owns_engine_) g_engine_claimed = false;
}

Result<void> EspeakSynthesizer::ensure_initialized() {
  if (sample_rate_ > 0) return {};
  if (!owns_engine_) {
    if (g_engine_claimed.exchange(true)) return fail(Errc::unavailable, "espeak-ng is already in use in this process");
    owns_engine_ = true;
  }
  // 100 ms buffers: a stop takes effect within one buffer. DONT_EXIT: without
  // it a missing espeak-ng-data ends the whole kiosk.
  if (g_sample_rate > 0) {
    sample_rate_ = g_sample_rate;
    voice_.clear();  // the previous owner may have left another voice selected
    espeak_SetSynthCallback(on_samples);
    espeak_SetParameter(espeakRATE, options_.rate, 0);
    return {};
  }
  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 100,
                                     options_.data_path.empty() ? nullptr : options_.data_path.c_str(),
                                     espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) return fail(Errc::unavailable, "espeak-ng could not start (is espeak-ng-data installed?)");
  sample_rate_ = rate;
  g_sample_rate = rate;
  espeak_SetSynthCallback(on_samples);
  espeak_SetParameter(espeakRATE, options_.rate, 0);
  return {};
}

Result<int> EspeakSynthesizer::sample_rate() {
  if (auto ok = ensure_initialized(); !ok) return fail(ok.error());
  return sample_rate_;
}

Result<void> EspeakSynthesizer::synthesize(std::string_view text, std::string_view voice, const PcmConsumer& pcm) {
  if (auto ok = ensure_initialized(); !ok) return ok;
  if (voice != voice_) {
    const std::string name(voice);
    if (espeak_SetVoiceByName(name.c_str()) != EE_OK) return fail(Errc::not_found, "espeak-ng has no voice \"" + name + "\"");
    voice_ = name;
    // A new voice resets the speed to the voice's default.
    espeak_SetParameter(espeakRATE, options_.rate, 0);
  }
  const std::string z(text);  // espeak_Synth needs a terminating zero
  CallbackContext ctx{&pcm, false};
  const espeak_ERROR err =
      espeak_Synth(z.c_str(), z.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8 | espeakENDPAUSE, nullptr, &ctx);
  if (err != EE_OK && !ctx.stopped) return fail(Errc::internal, "espeak_Synth failed (" + std::to_string(err) + ")");
  return {};
}

}  // namespace motcua::kiosk::speech
