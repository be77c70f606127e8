// Tour files drive the demo and the UI test; a mistake in one must be reported
// with its line, before the kiosk starts tapping.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tour/tour_script.hpp"

using namespace motcua;
using namespace motcua::kiosk;
using namespace std::chrono_literals;

TEST(TourScript, ReadsEveryCommand) {
  auto steps = parse_tour(
      "tap \"Tìm hiểu thủ tục\"\n"
      "drag \"Đăng ký khai sinh\" -300\n"
      "type \"khai sinh\"\n"
      "type-var code\n"
      "expect \"Đăng ký khai sinh\"\n"
      "expect-var secret\n"
      "shot home-01\n"
      "wait-sync\n"
      "wait 500\n");
  ASSERT_TRUE(steps) << steps.error().message;
  ASSERT_EQ(steps->size(), 9u);
  const auto& s = *steps;

  EXPECT_EQ(s[0].op, TourOp::tap);
  EXPECT_EQ(s[0].arg, "Tìm hiểu thủ tục");
  EXPECT_EQ(s[0].timeout, 10s);  // the documented default
  EXPECT_EQ(s[1].op, TourOp::drag);
  EXPECT_EQ(s[1].arg, "Đăng ký khai sinh");
  EXPECT_EQ(s[1].dy, -300);
  EXPECT_EQ(s[2].op, TourOp::type);
  EXPECT_EQ(s[2].arg, "khai sinh");
  EXPECT_EQ(s[3].op, TourOp::type_var);
  EXPECT_EQ(s[3].arg, "code");
  EXPECT_EQ(s[4].op, TourOp::expect);
  EXPECT_EQ(s[4].arg, "Đăng ký khai sinh");
  EXPECT_EQ(s[4].timeout, 10s);
  EXPECT_EQ(s[5].op, TourOp::expect_var);
  EXPECT_EQ(s[5].arg, "secret");
  EXPECT_EQ(s[6].op, TourOp::shot);
  EXPECT_EQ(s[6].arg, "home-01");
  EXPECT_EQ(s[7].op, TourOp::wait_sync);
  EXPECT_EQ(s[7].timeout, 30s);  // wait-sync's own default
  EXPECT_EQ(s[8].op, TourOp::wait);
  EXPECT_EQ(s[8].timeout, 500ms);

  for (std::size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s[i].line, static_cast<int>(i) + 1);
  EXPECT_EQ(s[1].source, "drag \"Đăng ký khai sinh\" -300");
}

TEST(TourScript, QuotedTextKeepsSpacesVietnameseAndEscapes) {
  auto steps = parse_tour(
      "type \"Nguyễn Văn An\"\n"
      "expect \"  hai  khoảng trắng  \"\n"
      "expect \"Nút \\\"Gửi hồ sơ\\\"\"\n"
      "expect \"C:\\\\thư mục\"\n"
      "tap \"Xong\"   \n");
  ASSERT_TRUE(steps) << steps.error().message;
  ASSERT_EQ(steps->size(), 5u);
  EXPECT_EQ((*steps)[0].arg, "Nguyễn Văn An");
  EXPECT_EQ((*steps)[1].arg, "  hai  khoảng trắng  ");
  EXPECT_EQ((*steps)[2].arg, "Nút \"Gửi hồ sơ\"");
  EXPECT_EQ((*steps)[3].arg, "C:\\thư mục");
  EXPECT_EQ((*steps)[4].arg, "Xong");
}

TEST(TourScript, TimeoutsTakeUnits) {
  auto steps = parse_tour(
      "expect \"Đã nhận hồ sơ\" 20s\n"
      "tap \"Gửi\" 1500ms\n"
      "expect-var code 2m\n"
      "wait-sync 45s\n"
      "expect \"x\" 250\n"
      "wait 2s\n");
  ASSERT_TRUE(steps) << steps.error().message;
  ASSERT_EQ(steps->size(), 6u);
  EXPECT_EQ((*steps)[0].timeout, 20s);
  EXPECT_EQ((*steps)[1].timeout, 1500ms);
  EXPECT_EQ((*steps)[2].timeout, 2min);
  EXPECT_EQ((*steps)[3].timeout, 45s);
  EXPECT_EQ((*steps)[4].timeout, 250ms);
  EXPECT_EQ((*steps)[5].timeout, 2s);
}

TEST(TourScript, SkipsCommentsAndBlankLinesButCountsThem) {
  auto steps = parse_tour(
      "# Demo: tìm thủ tục khai sinh\n"
      "\n"
      "   \n"
      "\t# indented comment\n"
      "expect \"Xin chào!\"\r\n"
      "\n"
      "tap \"Tìm hiểu thủ tục\"");  // no newline at the end
  ASSERT_TRUE(steps) << steps.error().message;
  ASSERT_EQ(steps->size(), 2u);
  EXPECT_EQ((*steps)[0].line, 5);
  EXPECT_EQ((*steps)[0].arg, "Xin chào!");
  EXPECT_EQ((*steps)[1].line, 7);
  EXPECT_EQ((*steps)[1].arg, "Tìm hiểu thủ tục");
}

TEST(TourScript, AnEmptyTourHasNoSteps) {
  auto steps = parse_tour("# nothing yet\n\n");
  ASSERT_TRUE(steps);
  EXPECT_TRUE(steps->empty());
}

namespace {
// The error for a tour whose only bad line is `bad`, placed on line 3.
std::string error_for(const std::string& bad) {
  auto steps = parse_tour("# header\nexpect \"Xin chào!\"\n" + bad + "\ntap \"Xong\"\n");
  if (steps) return "(parsed)";
  EXPECT_EQ(steps.error().code, Errc::invalid_argument) << bad;
  return steps.error().message;
}
}  // namespace

TEST(TourScript, ErrorsNameTheLineAndTheProblem) {
  struct Case {
    std::string line;
    std::string says;
  };
  const Case cases[] = {
      {"click \"Xong\"", "unknown command 'click'"},
      {"tap \"Xong", "unterminated quote"},
      {"expect \"Đã nhận hồ sơ 20s", "unterminated quote"},
      {"tap", "missing argument"},
      {"tap \"\"", "empty argument"},
      {"expect \"x\" 20 giây", "bad duration"},
      {"expect \"x\" 20h", "bad duration unit 'h'"},
      {"expect \"x\" soon", "bad duration 'soon'"},
      {"expect \"x\" -5s", "bad duration"},
      {"wait", "wait needs milliseconds"},
      {"wait later", "bad duration 'later'"},
      {"drag \"Danh sách\"", "drag needs a distance"},
      {"drag \"Danh sách\" lên", "bad drag distance 'lên'"},
      {"drag \"Danh sách\" 0", "bad drag distance '0'"},
      {"type \"abc\" 10s", "unexpected '10s'"},
      {"shot \"ảnh chụp\"", "shot names use letters, digits"},
      {"shot a/b", "shot names use letters, digits"},
      {"golden home 120", "bad golden tolerance '120'"},
      {"golden home nhiều", "bad golden tolerance"},
      {"idle-timeout", "idle-timeout needs a duration"},
      {"expect-visible", "missing argument"},
      {"check-targets now", "unexpected 'now'"},
  };
  for (const auto& c : cases) {
    const std::string message = error_for(c.line);
    EXPECT_EQ(message.rfind("line 3: ", 0), 0u) << c.line << " → " << message;
    EXPECT_NE(message.find(c.says), std::string::npos) << c.line << " → " << message;
    // The line as written, so the author can find it.
    EXPECT_NE(message.find(c.line), std::string::npos) << c.line << " → " << message;
  }
}

TEST(TourScript, StopsAtTheFirstBadLine) {
  auto steps = parse_tour("tap \"A\"\nfrobnicate\ntap \"B\nexpect \"C\" never\n");
  ASSERT_FALSE(steps);
  EXPECT_EQ(steps.error().message.rfind("line 2: ", 0), 0u) << steps.error().message;
}

TEST(TourScript, ReadsTheCheckingCommands) {
  auto steps = parse_tour(
      "fling \"Đăng ký khai sinh\" -400\n"
      "expect-absent \"Ông/bà còn dùng máy không?\" 3s\n"
      "expect-no-personal-data\n"
      "check-targets\n"
      "idle-timeout 500ms 20s\n"
      "idle-timeout 1s\n"
      "golden home-portrait 1.5\n"
      "golden catalog\n"
      "expect-visible \"Đăng ký giám hộ\" 2s\n"
      "expect-hidden \"Đăng ký khai sinh\"\n"
      "scroll-to \"Số liệu giải quyết\" 5s\n");
  ASSERT_TRUE(steps) << steps.error().message;
  ASSERT_EQ(steps->size(), 11u);
  const auto& s = *steps;
  EXPECT_EQ(s[0].op, TourOp::fling);
  EXPECT_EQ(s[0].dy, -400);
  EXPECT_EQ(s[1].op, TourOp::expect_absent);
  EXPECT_EQ(s[1].timeout, 3s);
  EXPECT_EQ(s[2].op, TourOp::expect_no_personal_data);
  EXPECT_EQ(s[3].op, TourOp::check_targets);
  EXPECT_EQ(s[4].op, TourOp::idle_timeout);
  EXPECT_EQ(s[4].timeout, 500ms);
  EXPECT_EQ(s[4].countdown, 20s);
  EXPECT_EQ(s[5].countdown, 20s);  // the default: the least a person is given
  EXPECT_EQ(s[6].op, TourOp::golden);
  EXPECT_EQ(s[6].arg, "home-portrait");
  EXPECT_DOUBLE_EQ(s[6].tolerance_pct, 1.5);
  EXPECT_DOUBLE_EQ(s[7].tolerance_pct, 0.5);
  EXPECT_EQ(s[8].op, TourOp::expect_visible);
  EXPECT_EQ(s[8].arg, "Đăng ký giám hộ");
  EXPECT_EQ(s[8].timeout, 2s);
  EXPECT_EQ(s[9].op, TourOp::expect_hidden);
  EXPECT_EQ(s[9].timeout, 10s);
  EXPECT_EQ(s[10].op, TourOp::scroll_to);
  EXPECT_EQ(s[10].arg, "Số liệu giải quyết");
  EXPECT_EQ(s[10].timeout, 5s);
}
