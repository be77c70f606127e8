#include "widgets/keyboard.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <imgui_internal.h>

#include "motcua/text/utf8.hpp"
#include "widgets/telex.hpp"
#include "widgets/vni.hpp"

namespace motcua::kiosk {

namespace {

enum class KeyKind { letter, special, done, mark };

struct Key {
  std::string label;
  std::string id;    // registry id: the character typed, or "{name}"
  float units = 1;   // width in key units
  KeyKind kind = KeyKind::letter;
};

using Row = std::vector<Key>;

Key letter(std::string s) { return Key{s, s, 1, KeyKind::letter}; }

float key_gap(const Ui& ui) { return ui.th.target_gap; }

int row_count(KeyboardMode mode) {
  switch (mode) {
    case KeyboardMode::telex: return 6;
    case KeyboardMode::code: return 5;
    case KeyboardMode::digits: return 5;
  }
  return 5;
}

std::vector<Row> layout(const Ui& ui, KeyboardMode mode, bool upper, bool method_key) {
  auto letters = [&](std::string_view s) {
    Row r;
    for (char c : s) {
      char out = c;
      if (upper && c >= 'a' && c <= 'z') out = static_cast<char>(c - 'a' + 'A');
      r.push_back(letter(std::string(1, out)));
    }
    return r;
  };
  const std::string& del = ui.tr("kb.backspace");
  std::vector<Row> rows;
  switch (mode) {
    case KeyboardMode::telex: {
      rows.push_back(Row{{"á", "{mark:acute}", 1, KeyKind::mark},   {"à", "{mark:grave}", 1, KeyKind::mark},
                         {"ả", "{mark:hook}", 1, KeyKind::mark},    {"ã", "{mark:tilde}", 1, KeyKind::mark},
                         {"ạ", "{mark:dot}", 1, KeyKind::mark},     {"â ê ô", "{mark:circumflex}", 1.5f, KeyKind::mark},
                         {"ă", "{mark:breve}", 1, KeyKind::mark},   {"ơ ư", "{mark:horn}", 1.5f, KeyKind::mark},
                         {"đ", "{mark:dbar}", 1, KeyKind::mark}});
      rows.push_back(letters("1234567890"));
      rows.push_back(letters("qwertyuiop"));
      Row r3 = letters("asdfghjkl");
      r3.push_back(Key{del, "{bksp}", 1.5f, KeyKind::special});
      rows.push_back(r3);
      Row r4{Key{upper ? "abc" : "ABC", "{shift}", 1.5f, KeyKind::special}};
      for (auto& k : letters("zxcvbnm")) r4.push_back(k);
      // Addresses need "," and "/" ("Số 12/3, thôn Đông"); names "-" and ".".
      r4.push_back(letter(","));
      r4.push_back(letter("."));
      r4.push_back(letter("-"));
      rows.push_back(r4);
      if (method_key) {
        // Telex or VNI: people learned one or the other; one touch switches.
        const bool vni = ui.input_method && *ui.input_method == InputMethod::vni;
        rows.push_back(Row{{ui.i18n.format("kb.method", {vni ? "VNI" : "Telex"}), "{method}", 2.5f, KeyKind::special},
                           {ui.tr("kb.clear"), "{clear}", 2, KeyKind::special}, letter("/"),
                           {ui.tr("kb.space"), "{space}", 4, KeyKind::special},
                           {ui.tr("kb.done"), "{done}", 2, KeyKind::done}});
      } else {
        rows.push_back(Row{{ui.tr("kb.clear"), "{clear}", 2.5f, KeyKind::special}, letter("/"),
                           {ui.tr("kb.space"), "{space}", 5.5f, KeyKind::special},
                           {ui.tr("kb.done"), "{done}", 2.5f, KeyKind::done}});
      }
      break;
    }
    case KeyboardMode::code: {
      rows.push_back(letters("1234567890"));
      rows.push_back(letters("QWERTYUIOP"));
      Row r2 = letters("ASDFGHJKL");
      r2.push_back(Key{del, "{bksp}", 1.5f, KeyKind::special});
      rows.push_back(r2);
      Row r3 = letters("ZXCVBNM");
      r3.push_back(letter("-"));
      r3.push_back(letter("."));
      rows.push_back(r3);
      rows.push_back(Row{{ui.tr("kb.clear"), "{clear}", 3, KeyKind::special},
                         {ui.tr("kb.done"), "{done}", 7, KeyKind::done}});
      break;
    }
    case KeyboardMode::digits: {
      rows.push_back(letters("123"));
      rows.push_back(letters("456"));
      rows.push_back(letters("789"));
      rows.push_back(Row{{ui.tr("kb.clear"), "{clear}", 1, KeyKind::special}, letter("0"),
                         {del, "{bksp}", 1, KeyKind::special}});
      rows.push_back(Row{{ui.tr("kb.done"), "{done}", 3, KeyKind::done}});
      break;
    }
  }
  return rows;
}

float row_height(const Ui& ui, KeyboardMode mode) {
  const float wanted = mode == KeyboardMode::digits ? ui.th.key_h * 1.1f : ui.th.key_h;
  if (ui.keyboard_room <= 0) return wanted;
  const float rows = static_cast<float>(row_count(mode));
  const float fits = std::floor((ui.keyboard_room - (rows + 1) * key_gap(ui)) / rows);
  return std::clamp(fits, ui.th.min_touch, wanted);
}

// One key; presses on touch-down so fast typing never loses a tap.
bool draw_key(Ui& ui, const Key& key, ImVec2 pos, ImVec2 size) {
  const Theme& th = ui.th;
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  const ImRect bb(pos, pos + size);
  const ImGuiID id = window->GetID(key.id.c_str());
  if (!ImGui::ItemAdd(bb, id)) return false;
  bool hovered = false, held = false;
  const bool pressed = ImGui::ButtonBehavior(bb, id, &hovered, &held,
                                             ImGuiButtonFlags_PressedOnClick | ImGuiButtonFlags_NoHoldingActiveId);
  const bool down = hovered && ImGui::GetIO().MouseDown[0];
  ImU32 fill = th.surface, fg = th.text;
  if (key.kind == KeyKind::special) fill = th.key_special;
  if (key.kind == KeyKind::mark) fill = th.accent_soft, fg = th.accent_dark;
  if (key.kind == KeyKind::done) fill = th.accent, fg = th.on_accent;
  if (down) fill = th.accent_dark, fg = th.on_accent;
  ImDrawList* dl = window->DrawList;
  dl->AddRectFilled(ImVec2(bb.Min.x, bb.Min.y + 3 * th.s), ImVec2(bb.Max.x, bb.Max.y + 3 * th.s), th.border,
                    th.radius * 0.6f);
  dl->AddRectFilled(bb.Min, bb.Max, fill, th.radius * 0.6f);
  if (th.high_contrast) dl->AddRect(bb.Min, bb.Max, th.border, th.radius * 0.6f, 0, 2 * th.s);
  ImFont* font = key.kind == KeyKind::letter ? ui.fonts.heading : ui.fonts.bold;
  const ImVec2 ts = measure(font, key.label);
  dl->AddText(font, font->FontSize, ImVec2(std::floor(bb.Min.x + (size.x - ts.x) * 0.5f),
                                           std::floor(bb.Min.y + (size.y - ts.y) * 0.5f)),
              fg, key.label.c_str());
  register_clickable(ui, key.label, bb.Min, bb.Max, key.id);
  return pressed;
}

bool apply(const Ui& ui, std::u32string& text, const Key& key, KeyboardMode mode, KeyboardState& state,
           std::size_t max_length, KeyboardResult& result) {
  const std::string& id = key.id;
  if (id == "{done}") {
    result.done = true;
    return false;
  }
  if (id == "{method}") {
    if (ui.input_method)
      *ui.input_method = *ui.input_method == InputMethod::vni ? InputMethod::telex : InputMethod::vni;
    return false;
  }
  if (id == "{shift}") {
    state.shift = !state.shift;
    return false;
  }
  if (id == "{bksp}") {
    if (!text.empty()) text.pop_back();
    return true;
  }
  if (id == "{clear}") {
    text.clear();
    return true;
  }
  if (key.kind == KeyKind::mark) {
    static constexpr std::pair<std::string_view, telex::Mark> kMarks[] = {
        {"{mark:acute}", telex::Mark::acute},         {"{mark:grave}", telex::Mark::grave},
        {"{mark:hook}", telex::Mark::hook},           {"{mark:tilde}", telex::Mark::tilde},
        {"{mark:dot}", telex::Mark::dot},             {"{mark:circumflex}", telex::Mark::circumflex},
        {"{mark:breve}", telex::Mark::breve},         {"{mark:horn}", telex::Mark::horn},
        {"{mark:dbar}", telex::Mark::dbar}};
    for (const auto& [name, mark] : kMarks)
      if (id == name) return telex::add_mark(text, mark, ui.tone_style);
    return false;
  }
  if (text.size() >= max_length) return false;
  const char32_t c = id == "{space}" ? U' ' : utf8::to_u32(id).front();
  if (mode == KeyboardMode::telex) {
    if (ui.input_method && *ui.input_method == InputMethod::vni) vni::type(text, c, ui.tone_style);
    else telex::type(text, c, ui.tone_style);
    state.shift = false;
  } else {
    text.push_back(c);
  }
  return true;
}

}  // namespace

float keyboard_height(const Ui& ui, KeyboardMode mode) {
  const float rows = static_cast<float>(row_count(mode));
  return rows * row_height(ui, mode) + (rows + 1) * key_gap(ui);
}

KeyboardResult keyboard(Ui& ui, std::u32string& text, KeyboardMode mode, KeyboardState& state,
                        std::size_t max_length, bool capitalize_words) {
  KeyboardResult result;
  ui.reg.keyboard_visible = true;
  ui.reg.keyboard_mode = mode;
  ui.reg.input_method = ui.input_method ? *ui.input_method : InputMethod::telex;
  // Shift inverts the automatic case: at the start of a word of a name it
  // gives a small letter ("Nguyễn văn" is rare, "Trạm y tế xã" is not).
  const bool automatic = capitalize_words && (text.empty() || text.back() == U' ');
  const bool upper = mode == KeyboardMode::telex && (state.shift != automatic);
  const auto rows = layout(ui, mode, upper, ui.input_method != nullptr);
  const float gap = key_gap(ui);
  const float width = avail_width(ui);
  const float kh = row_height(ui, mode);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float total_h = keyboard_height(ui, mode);
  dl->AddRectFilled(ImVec2(origin.x - ui.th.pad, origin.y), ImVec2(origin.x + width + ui.th.pad, origin.y + total_h),
                    ui.th.keyboard_bg);
  // Key unit: the widest row (10 units in every layout) fills the width; the
  // digits keypad is capped so its keys stay a thumb's reach apart.
  float max_units = 0;
  for (const auto& row : rows) {
    float u = 0;
    for (const auto& k : row) u += k.units;
    max_units = std::max(max_units, u);
  }
  float unit = (width - gap * (max_units - 1)) / max_units;
  if (mode == KeyboardMode::digits) unit = std::min(unit, 260 * ui.th.s);
  float y = origin.y + gap;
  for (const auto& row : rows) {
    float row_w = -gap;
    for (const auto& k : row) row_w += k.units * unit + (k.units - 1) * gap + gap;
    float x = origin.x + (width - row_w) * 0.5f;
    for (const auto& k : row) {
      const float kw = k.units * unit + (k.units - 1) * gap;
      if (draw_key(ui, k, ImVec2(x, y), ImVec2(kw, kh)))
        result.changed = apply(ui, text, k, mode, state, max_length, result) || result.changed;
      x += kw + gap;
    }
    y += kh + gap;
  }
  ImGui::Dummy(ImVec2(width, total_h));
  return result;
}

}  // namespace motcua::kiosk
