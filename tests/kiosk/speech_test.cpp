// Read-aloud: what a listener hears must be right — figures as Vietnamese
// words (espeak-ng reads "15" as "mười năm"), codes and secrets one character
// at a time — and the real espeak-ng must turn it into audio that can be
// stopped at any moment.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <vector>

#include "speech/espeak_synthesizer.hpp"
#include "speech/speech_service.hpp"
#include "speech/speech_text.hpp"
#include "speech/vi_words.hpp"
#include "speech/wav_file_sink.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::kiosk;
using namespace motcua::kiosk::speech;
using namespace std::chrono_literals;

TEST(VietnameseNumbers, AreSpokenAsWordsWithTheUsualRules) {
  struct Case {
    std::uint64_t n;
    const char* words;
  };
  const Case cases[] = {
      {0, "không"},
      {5, "năm"},
      {10, "mười"},
      {11, "mười một"},
      {14, "mười bốn"},
      {15, "mười lăm"},
      {20, "hai mươi"},
      {21, "hai mươi mốt"},
      {24, "hai mươi tư"},
      {25, "hai mươi lăm"},
      {31, "ba mươi mốt"},
      {55, "năm mươi lăm"},
      {100, "một trăm"},
      {101, "một trăm linh một"},
      {104, "một trăm linh bốn"},
      {105, "một trăm linh năm"},
      {110, "một trăm mười"},
      {111, "một trăm mười một"},
      {115, "một trăm mười lăm"},
      {121, "một trăm hai mươi mốt"},
      {999, "chín trăm chín mươi chín"},
      {1000, "một nghìn"},
      {1005, "một nghìn không trăm linh năm"},
      {1010, "một nghìn không trăm mười"},
      {1015, "một nghìn không trăm mười lăm"},
      {1100, "một nghìn một trăm"},
      {2026, "hai nghìn không trăm hai mươi sáu"},
      {8000, "tám nghìn"},
      {15000, "mười lăm nghìn"},
      {105000, "một trăm linh năm nghìn"},
      {200000, "hai trăm nghìn"},
      {1000000, "một triệu"},
      {1000500, "một triệu năm trăm"},
      {1005000, "một triệu không trăm linh năm nghìn"},
      {2500000, "hai triệu năm trăm nghìn"},
      {1000000000, "một tỷ"},
      {1000000001, "một tỷ không trăm linh một"},
      {999999999999ULL,
       "chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín"},
  };
  for (const auto& c : cases) EXPECT_EQ(number_words(c.n), c.words) << c.n;
  // Beyond the largest number with a name here: digit by digit, never wrong.
  EXPECT_EQ(number_words(1000000000000ULL), "một không không không không không không không không không không không không");
}

TEST(VietnameseNumbers, MoneyDatesAndTimes) {
  EXPECT_EQ(money_words(8000), "tám nghìn đồng");
  EXPECT_EQ(money_words(0), "không đồng");
  EXPECT_EQ(money_words(1250000), "một triệu hai trăm năm mươi nghìn đồng");
  EXPECT_EQ(money_words(-5000), "âm năm nghìn đồng");
  EXPECT_EQ(date_words(19, 2, 2026), "ngày mười chín tháng hai năm hai nghìn không trăm hai mươi sáu");
  EXPECT_EQ(date_words(24, 4, 2025), "ngày hai mươi tư tháng tư năm hai nghìn không trăm hai mươi lăm");
  EXPECT_EQ(date_words(1, 12, 2026), "ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu");
  EXPECT_EQ(time_words(17, 0), "mười bảy giờ");
  EXPECT_EQ(time_words(10, 32), "mười giờ ba mươi hai phút");
  EXPECT_EQ(time_words(7, 5), "bảy giờ năm phút");
}

TEST(VietnameseSpelling, CodesPhonesAndSecretsCharacterByCharacter) {
  EXPECT_EQ(spell_code("H44.27.05-261130-0001"),
            "hát bốn bốn, chấm, hai bảy, chấm, không năm, gạch, hai sáu một một ba không, gạch, không không không một");
  EXPECT_EQ(spell_code("H44.27.05-251130-T01-0042"),
            "hát bốn bốn, chấm, hai bảy, chấm, không năm, gạch, hai năm một một ba không, gạch, tê không một, gạch, "
            "không không bốn hai");
  EXPECT_EQ(phone_words("0912345678"), "không chín một hai, ba bốn năm, sáu bảy tám");
  EXPECT_EQ(phone_words("0912 345 678"), "không chín một hai, ba bốn năm, sáu bảy tám");
  EXPECT_EQ(phone_words("+84912345678"), "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám");
  EXPECT_EQ(spell_secret("K7QM"), "ca, bảy, quy, em mờ");
  EXPECT_EQ(spell_secret("ABCD"), "a, bê, xê, dê");
  EXPECT_EQ(spell_secret("WXYZ"), "vê kép, ích xì, i dài, dét");
  EXPECT_EQ(char_name(U'Đ'), "đê");
  EXPECT_EQ(char_name(U'S'), "ét sì");
  EXPECT_EQ(char_name(U'?'), "");
}

TEST(ScreenText, FiguresInSentencesBecomeWords) {
  struct Case {
    const char* shown;
    const char* spoken;
  };
  const Case cases[] = {
      {"Lệ phí: 8.000 đ", "Lệ phí: tám nghìn đồng"},
      {"Lệ phí 50.000đ.", "Lệ phí năm mươi nghìn đồng."},
      {"Phí 150.000 VNĐ", "Phí một trăm năm mươi nghìn đồng"},
      // A fee per unit, as the service page shows it and as catalogs write it.
      {"Lệ phí 10.000 đ/trường hợp", "Lệ phí mười nghìn đồng mỗi trường hợp"},
      {"2.000 đồng/trang, tối đa 200.000 đồng/bản", "hai nghìn đồng mỗi trang, tối đa hai trăm nghìn đồng mỗi bản"},
      {"Ngày hẹn trả: 19/02/2026", "Ngày hẹn trả: ngày mười chín tháng hai năm hai nghìn không trăm hai mươi sáu"},
      {"Hạn 2026-02-19", "Hạn ngày mười chín tháng hai năm hai nghìn không trăm hai mươi sáu"},
      {"10:32 05/03/2026", "mười giờ ba mươi hai phút ngày năm tháng ba năm hai nghìn không trăm hai mươi sáu"},
      {"17 giờ 00 phút, ngày 05 tháng 03 năm 2026",
       "mười bảy giờ, ngày năm tháng ba năm hai nghìn không trăm hai mươi sáu"},
      {"Thời hạn 15 ngày làm việc", "Thời hạn mười lăm ngày làm việc"},
      {"Sáng 07:30–11:30", "Sáng bảy giờ ba mươi phút đến mười một giờ ba mươi phút"},
      {"từ 3 - 5 ngày", "từ ba đến năm ngày"},
      {"Mã hồ sơ: H44.27.05-261130-0001",
       "Mã hồ sơ: hát bốn bốn, chấm, hai bảy, chấm, không năm, gạch, hai sáu một một ba không, gạch, không không không một"},
      {"Mã tra cứu K7QM", "Mã tra cứu ca, bảy, quy, em mờ"},
      {"Điện thoại 0912345678", "Điện thoại không chín một hai, ba bốn năm, sáu bảy tám"},
      {"Gọi 0251 382 2123", "Gọi không hai năm một, ba tám hai, hai một hai ba"},
      {"Nghị định 123/2015/NĐ-CP", "Nghị định số một trăm hai mươi ba năm hai nghìn không trăm mười lăm en nờ đê xê pê"},
      {"Bước 1/3", "Bước một trên ba"},
      {"Giảm 50%", "Giảm năm mươi phần trăm"},
      {"Mã thủ tục 1.001193", "Mã thủ tục một, chấm, không không một một chín ba"},
      {"Mẫu CT01", "Mẫu xê tê không một"},
      {"UBND xã Tân Lập", "ủy ban nhân dân xã Tân Lập"},
      {"Quét mã QR", "Quét mã quy e rờ"},
      {"THÔNG TIN HỒ SƠ", "thông tin hồ sơ"},
      {"Người nộp: Nguyễn V** A*", "Người nộp: Nguyễn vê a"},
      {"Số nhà 34a", "Số nhà ba mươi tư a"},
      {"Tháng 4", "Tháng tư"},
      {"Diện tích 1,5 ha", "Diện tích một phẩy năm ha"},
      {"Đăng ký khai sinh (trẻ em dưới 6 tuổi)", "Đăng ký khai sinh trẻ em dưới sáu tuổi,"},
  };
  for (const auto& c : cases) EXPECT_EQ(normalize_vi(c.shown), c.spoken) << c.shown;
}

TEST(ScreenText, ScreenIsOneUtteranceWithPausesBetweenItsTexts) {
  const std::vector<std::string> texts = {"Tra cứu hồ sơ", "Tra cứu hồ sơ", "Mã hồ sơ", "H44.27.05-261130-0001", "",
                                          "Lệ phí: 8.000 đ", "Tra cứu"};
  EXPECT_EQ(screen_utterance(texts, Lang::vi),
            "Tra cứu hồ sơ. Mã hồ sơ. hát bốn bốn, chấm, hai bảy, chấm, không năm, gạch, hai sáu một một ba không, "
            "gạch, không không không một. Lệ phí: tám nghìn đồng. Tra cứu.");
  const std::vector<std::string> en = {"Dossier code", "H44.27-261130-0001", "Lookup code K7QM"};
  EXPECT_EQ(screen_utterance(en, Lang::en),
            "Dossier code. H 4 4 dot 2 7 dash 2 6 1 1 3 0 dash 0 0 0 1. Lookup code K, 7, Q, M.");
  EXPECT_EQ(voice_for(Lang::vi), "vi");
  EXPECT_EQ(voice_for(Lang::en), "en");
}

namespace {

struct WavInfo {
  bool riff = false;
  int channels = 0, sample_rate = 0, bits = 0;
  std::uint32_t data_bytes = 0;
  std::size_t file_bytes = 0;
  double seconds() const { return sample_rate ? data_bytes / 2.0 / sample_rate : 0; }
};

WavInfo read_wav(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  WavInfo w;
  w.file_bytes = b.size();
  if (b.size() < 44) return w;
  auto u32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (static_cast<std::uint32_t>(b[at + 3]) << 24));
  };
  auto u16 = [&](std::size_t at) { return static_cast<int>(b[at] | (b[at + 1] << 8)); };
  w.riff = std::memcmp(b.data(), "RIFF", 4) == 0 && std::memcmp(b.data() + 8, "WAVEfmt ", 8) == 0 &&
           std::memcmp(b.data() + 36, "data", 4) == 0 && u32(4) == b.size() - 8 && u16(20) == 1;
  w.channels = u16(22);
  w.sample_rate = static_cast<int>(u32(24));
  w.bits = u16(34);
  w.data_bytes = u32(40);
  return w;
}

// The speech thread wakes "the UI" through this; tests wait on it with a deadline.
struct Waker {
  std::mutex m;
  std::condition_variable cv;
  int wakes = 0;
  std::function<void()> fn() {
    return [this] {
      std::lock_guard lk(m);
      ++wakes;
      cv.notify_all();
    };
  }
  template <class Pred>
  bool wait_until(Pred p, std::chrono::milliseconds deadline = 30s) {
    std::unique_lock lk(m);
    return cv.wait_for(lk, deadline, [&] { return p(); });
  }
};

}  // namespace

TEST(ReadAloud, EspeakSpeaksVietnameseIntoAWavFile) {
  test::TempDir dir;
  Waker waker;
  auto sink = std::make_unique<WavFileSink>(dir / "speech");
  WavFileSink* wav = sink.get();
  SpeechService speech(std::make_unique<EspeakSynthesizer>(), std::move(sink), waker.fn());
  const std::vector<std::string> texts = {"Tra cứu hồ sơ", "Lệ phí: 8.000 đ", "Ngày hẹn trả: 19/02/2026"};
  speech.speak(Utterance{screen_utterance(texts, Lang::vi), "vi"});
  EXPECT_TRUE(speech.speaking());
  ASSERT_TRUE(waker.wait_until([&] { return speech.completed() == 1 && !speech.speaking(); }))
      << (speech.last_error() ? speech.last_error()->describe() : "no error reported");
  ASSERT_FALSE(wav->last_file().empty());
  const WavInfo w = read_wav(wav->last_file());
  EXPECT_TRUE(w.riff) << "a RIFF/WAVE PCM header with the right sizes";
  EXPECT_EQ(w.channels, 1);
  EXPECT_EQ(w.bits, 16);
  EXPECT_GE(w.sample_rate, 16000);
  EXPECT_EQ(w.file_bytes, 44 + w.data_bytes);
  // About two dozen words: several seconds of speech, not a click.
  EXPECT_GT(w.seconds(), 3.0);
  EXPECT_LT(w.seconds(), 40.0);
}

TEST(ReadAloud, ANewScreenInterruptsTheOldSpeech) {
  test::TempDir dir;
  Waker waker;
  auto sink = std::make_unique<WavFileSink>(dir / "speech");
  WavFileSink* wav = sink.get();
  SpeechService speech(std::make_unique<EspeakSynthesizer>(), std::move(sink), waker.fn());
  // A long screen (a catalog page), then at once another screen.
  std::vector<std::string> long_screen;
  for (int i = 1; i <= 300; ++i) long_screen.push_back("Thủ tục số " + std::to_string(i) + ": lệ phí " + std::to_string(i * 1000) + " đ");
  speech.speak(Utterance{screen_utterance(long_screen, Lang::vi), "vi"});
  speech.speak(Utterance{screen_utterance(std::vector<std::string>{"Xin chào!"}, Lang::vi), "vi"});
  ASSERT_TRUE(waker.wait_until([&] { return speech.completed() == 1 && !speech.speaking(); }));
  const WavInfo w = read_wav(wav->last_file());
  EXPECT_TRUE(w.riff);
  EXPECT_LT(w.seconds(), 5.0) << "the last file holds the short screen, not the long one";
  // The long screen may have been skipped before it started (speech-0001) or
  // cut short (speech-0002): either way only the short one played to the end.

  // stop() silences it and the UI hears that speech ended.
  speech.speak(Utterance{screen_utterance(long_screen, Lang::vi), "vi"});
  speech.stop();
  ASSERT_TRUE(waker.wait_until([&] { return !speech.speaking(); }, 5s));
  EXPECT_EQ(speech.completed(), 1u) << "the stopped utterance did not play to the end";
  EXPECT_FALSE(speech.last_error()) << speech.last_error()->describe();
}

TEST(ReadAloud, AnUnknownVoiceIsAnErrorNotACrash) {
  test::TempDir dir;
  Waker waker;
  SpeechService speech(std::make_unique<EspeakSynthesizer>(), std::make_unique<WavFileSink>(dir / "speech"), waker.fn());
  speech.speak(Utterance{"xin chào", "no-such-voice"});
  ASSERT_TRUE(waker.wait_until([&] { return !speech.speaking(); }));
  ASSERT_TRUE(speech.last_error());
  EXPECT_EQ(speech.last_error()->code, Errc::not_found);
  EXPECT_EQ(speech.completed(), 0u);
}
