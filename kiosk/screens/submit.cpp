// Submit wizard: 1 applicant (name + phone on the on-screen keyboard),
// 2 scan one document (device thread; progress and a preview), 3 review and
// confirm, then "sending" until the worker's receipt arrives.

#include <algorithm>
#include <cmath>

#include "motcua/domain/dossier.hpp"
#include "motcua/text/utf8.hpp"
#include "motcua/domain/service_rules.hpp"
#include "screens/screens.hpp"

namespace motcua::kiosk {

namespace {

std::string trimmed_name(const std::u32string& name) {
  std::string out;
  bool space = false;
  for (char32_t c : name) {
    if (c == U' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    utf8::append(out, c);
  }
  return out;
}

bool validate_applicant(SubmitView& v) {
  v.name_error.clear();
  v.phone_error.clear();
  const std::string name = trimmed_name(v.name);
  if (name.find(' ') == std::string::npos || utf8::length(name) < 4) v.name_error = "submit.err_name";
  if (!domain::normalize_phone(utf8::from_u32(v.phone))) v.phone_error = "submit.err_phone";
  return v.name_error.empty() && v.phone_error.empty();
}

void step_header(Ui& ui, const AppState& state, int step, std::string_view title_key) {
  const Theme& th = ui.th;
  const domain::Service* s = state.submit_service();
  if (s) text(ui, s->name, ui.fonts.bold, th.muted);
  vspace(ui, 10 * th.s);
  // Three segments: done, current, to do.
  const float w = avail_width(ui);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float seg = (w - 2 * 16 * th.s) / 3, h = 12 * th.s;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int i = 0; i < 3; ++i) {
    const float x = pos.x + static_cast<float>(i) * (seg + 16 * th.s);
    dl->AddRectFilled(ImVec2(x, pos.y), ImVec2(x + seg, pos.y + h), i < step ? th.accent : th.border, h * 0.5f);
  }
  ImGui::Dummy(ImVec2(w, h));
  vspace(ui, 14 * th.s);
  text(ui, ui.i18n.format("submit.step", {std::to_string(step), "3"}), ui.fonts.body, th.accent);
  text(ui, ui.tr(title_key), ui.fonts.title, th.text);
  vspace(ui, th.gap);
}

void applicant_keyboard(Ui& ui, SubmitView& v) {
  const KeyboardMode mode = v.focus == ApplicantField::name ? KeyboardMode::telex : KeyboardMode::digits;
  std::u32string& target = v.focus == ApplicantField::name ? v.name : v.phone;
  const KeyboardResult k = keyboard(ui, target, mode, v.kb, v.focus == ApplicantField::name ? 60 : 15,
                                    v.focus == ApplicantField::name);
  if (k.changed) (v.focus == ApplicantField::name ? v.name_error : v.phone_error).clear();
  if (k.done) {
    if (v.focus == ApplicantField::name) {
      v.focus = ApplicantField::phone;
    } else {
      v.typing = false;
    }
  }
}

void applicant_step(Ui& ui, AppState& state) {
  SubmitView& v = state.submit;
  Columns cols;
  if (ui.landscape) {
    cols = begin_columns(ui, "##applicant", 0.5f);
    // Large text can push "Tiếp tục" below the column: it scrolls.
    begin_touch_scroll(ui, "##applicant-left", ImGui::GetContentRegionAvail().y);
  }
  step_header(ui, state, 1, "submit.applicant_title");
  const std::string name = utf8::from_u32(v.name);
  const std::string phone = utf8::from_u32(v.phone);
  if (text_field(ui, "##name", ui.tr("submit.name"), name, ui.tr("submit.name_hint"),
                 v.typing && v.focus == ApplicantField::name,
                 v.name_error.empty() ? std::string_view() : ui.tr(v.name_error))) {
    v.focus = ApplicantField::name;
    v.typing = true;
  }
  if (text_field(ui, "##phone", ui.tr("submit.phone"), phone, ui.tr("submit.phone_hint"),
                 v.typing && v.focus == ApplicantField::phone,
                 v.phone_error.empty() ? std::string_view() : ui.tr(v.phone_error))) {
    v.focus = ApplicantField::phone;
    v.typing = true;
  }
  if (button(ui, ui.tr("submit.next"), ButtonKind::primary)) {
    if (validate_applicant(v)) {
      v.step = SubmitStep::scan;
      v.typing = false;
    }
  }
  if (ui.landscape) {
    end_touch_scroll(ui);
    next_column(ui, cols);
  }
  if (v.typing) {
    const KeyboardMode mode = v.focus == ApplicantField::name ? KeyboardMode::telex : KeyboardMode::digits;
    ui.keyboard_room = ImGui::GetContentRegionAvail().y;
    const float room = ImGui::GetContentRegionAvail().y - keyboard_height(ui, mode);
    if (room > 0) vspace(ui, room);
    applicant_keyboard(ui, v);
    ui.keyboard_room = 0;
  }
  if (ui.landscape) end_columns(ui, cols);
}

void preview(Ui& ui, const TextureView& tex, float max_w, float max_h) {
  if (!tex.id || tex.width <= 0 || tex.height <= 0) return;
  const float scale = std::min(max_w / static_cast<float>(tex.width), max_h / static_cast<float>(tex.height));
  const ImVec2 size(std::floor(static_cast<float>(tex.width) * scale), std::floor(static_cast<float>(tex.height) * scale));
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail_width(ui) - size.x) * 0.5f);
  image(ui, tex.id, size, ui.th.border);
}

void scan_step(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  SubmitView& v = state.submit;
  step_header(ui, state, 2, "submit.scan_title");
  const domain::Service* s = state.submit_service();
  if (!v.page && !v.scanning) {
    const Card card = begin_card(ui);
    text(ui, ui.tr("scan.instructions"), ui.fonts.body, th.text);
    if (s && !s->documents.empty()) {
      vspace(ui, 12 * th.s);
      text(ui, ui.tr("scan.which"), ui.fonts.bold, th.text);
      for (const auto& d : s->documents)
        if (d.required) text(ui, "•  " + d.name, ui.fonts.body, th.text);
    }
    end_card(ui, card);
  }
  if (v.scan_error) notice(ui, ui.tr(std::string(message_key(*v.scan_error))), th.danger_soft, th.danger);

  if (v.scanning) {
    vspace(ui, th.gap * 2);
    spinner(ui, 56 * th.s, th.accent);
    vspace(ui, th.gap);
    const int pct = static_cast<int>(std::lround(state.scan_progress * 100));
    text_centered(ui, ui.i18n.format("scan.progress", {std::to_string(pct)}), ui.fonts.heading, th.text);
    vspace(ui, th.gap);
    progress_bar(ui, state.scan_progress, 28 * th.s);
    vspace(ui, th.gap);
    text_centered(ui, ui.tr("scan.keep_still"), ui.fonts.body, th.muted);
    return;
  }
  if (v.page) {
    text(ui, ui.tr("scan.done"), ui.fonts.heading, th.success);
    vspace(ui, th.gap * 0.5f);
    if (ui.landscape) {
      // Buttons under the message; the page beside them.
      const float y = ImGui::GetCursorScreenPos().y;
      const float x = ImGui::GetCursorScreenPos().x;
      const float half = (avail_width(ui) - th.pad) * 0.5f;
      const float saved = ui.inset_right;
      ui.inset_right = saved + half + th.pad;
      if (button(ui, ui.tr("submit.next"), ButtonKind::primary)) v.step = SubmitStep::review;
      vspace(ui, th.gap * 0.5f);
      if (button(ui, ui.tr("scan.again"), ButtonKind::secondary)) out.push_back(intent::start_scan());
      ui.inset_right = saved;
      ImGui::SetCursorScreenPos(ImVec2(x + half + th.pad, y));
      const float max_h = ImGui::GetContentRegionAvail().y - th.gap;
      ImGui::BeginGroup();
      const float saved2 = ui.inset_right;
      ui.inset_right = 0;
      preview(ui, v.preview, half, std::max(200 * th.s, max_h));
      ui.inset_right = saved2;
      ImGui::EndGroup();
      return;
    }
    const float max_h = ImGui::GetContentRegionAvail().y - th.button_h * 2 - th.gap * 3;
    preview(ui, v.preview, avail_width(ui), std::max(200 * th.s, max_h));
    vspace(ui, th.gap);
    if (button(ui, ui.tr("submit.next"), ButtonKind::primary)) v.step = SubmitStep::review;
    vspace(ui, th.gap * 0.5f);
    if (button(ui, ui.tr("scan.again"), ButtonKind::secondary)) out.push_back(intent::start_scan());
    return;
  }
  vspace(ui, th.gap);
  if (button(ui, ui.tr(v.scan_error ? "scan.retry" : "scan.start"), ButtonKind::primary, 0, th.button_h * 1.3f))
    out.push_back(intent::start_scan());
}

void review_step(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  SubmitView& v = state.submit;
  step_header(ui, state, 3, "submit.review_title");
  const domain::Service* s = state.submit_service();
  // The review scrolls; confirming and editing stay pinned at the bottom.
  const float actions_h = th.button_h * 1.2f + th.button_h + th.gap * 2.0f;
  auto summary = [&] {
    const Card card = begin_card(ui);
    if (s) field_row(ui, ui.tr("submit.service"), s->name);
    field_row(ui, ui.tr("submit.name"), trimmed_name(v.name));
    field_row(ui, ui.tr("submit.phone"), utf8::from_u32(v.phone));
    field_row(ui, ui.tr("submit.documents"), ui.i18n.format("submit.pages", {"1"}));
    vspace(ui, 8 * th.s);
    preview(ui, v.preview, 260 * th.s, 340 * th.s);
    end_card(ui, card);
  };
  Columns cols;
  if (ui.landscape) {
    // The landscape step header sits above both columns; the summary left.
    cols = begin_columns(ui, "##review-cols", 0.5f);
    begin_touch_scroll(ui, "##review-left", ImGui::GetContentRegionAvail().y);
    summary();
    end_touch_scroll(ui);
    next_column(ui, cols);
    begin_touch_scroll(ui, "##review", ImGui::GetContentRegionAvail().y - actions_h);
  } else {
    begin_touch_scroll(ui, "##review", ImGui::GetContentRegionAvail().y - actions_h);
    summary();
  }
  if (s) {
    // What the service's level offers (level 3: desk or post; level 4: online,
    // bank transfer or post — the provincial regulation), the first preselected.
    const auto rules = domain::channel_rules(*s);
    const bool en = ui.i18n.lang() == Lang::en;
    auto choose = [&](std::string_view heading, auto const& options, std::size_t& selected) {
      if (options.empty()) return;
      section_heading(ui, std::string(heading));
      if (selected >= options.size()) selected = 0;
      for (std::size_t i = 0; i < options.size(); ++i) {
        const std::string label = std::string(i == selected ? "•  " : "") +
                                  std::string(en ? domain::label_en(options[i]) : domain::label_vi(options[i]));
        if (button(ui, label, i == selected ? ButtonKind::secondary : ButtonKind::quiet)) selected = i;
        vspace(ui, 8 * th.s);
      }
    };
    choose(ui.tr("service.payment"), rules.payment, v.payment);
    choose(ui.tr("service.delivery"), rules.delivery, v.delivery);
    if (domain::paper_dossier_by_post_required(*s, false)) notice(ui, ui.tr("service.signature_note"), th.accent_soft, th.accent_dark);
    vspace(ui, th.gap * 0.5f);
  }
  text(ui, ui.tr("submit.pledge"), ui.fonts.body, th.muted);
  end_touch_scroll(ui);
  vspace(ui, th.gap * 0.5f);
  if (v.submit_error) notice(ui, ui.tr(*v.submit_error), th.danger_soft, th.danger);
  if (button(ui, ui.tr("submit.confirm"), ButtonKind::primary, 0, th.button_h * 1.2f)) out.push_back(intent::confirm_submit());
  vspace(ui, th.gap * 0.5f);
  if (button(ui, ui.tr("submit.edit"), ButtonKind::secondary)) {
    v.step = SubmitStep::applicant;
    v.typing = false;
  }
  if (ui.landscape) end_columns(ui, cols);
}

void sending_step(Ui& ui) {
  const Theme& th = ui.th;
  vspace(ui, (ui.landscape ? 150 : 300) * th.s);
  spinner(ui, 64 * th.s, th.accent);
  vspace(ui, th.gap * 1.5f);
  text_centered(ui, ui.tr("submit.sending"), ui.fonts.title, th.text);
  vspace(ui, th.gap * 0.5f);
  text_centered(ui, ui.tr("submit.sending_sub"), ui.fonts.body, th.muted);
}

}  // namespace

void draw_submit(Ui& ui, AppState& state, Intents& out) {
  switch (state.submit.step) {
    case SubmitStep::applicant: applicant_step(ui, state); break;
    case SubmitStep::scan: scan_step(ui, state, out); break;
    case SubmitStep::review: review_step(ui, state, out); break;
    case SubmitStep::sending: sending_step(ui); break;
  }
}

}  // namespace motcua::kiosk
