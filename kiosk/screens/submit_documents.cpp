// Submit wizard, documents step: the checklist of the service's dossier
// components (original/copy counts, required or "if any"); each item opens to
// its scanned pages — scan more from the glass or the feeder, rescan or delete
// a page, look at one large — while the scanner works on its device thread
// (a progress bar for scanning and processing, "Dừng quét" to cancel).

#include <algorithm>
#include <cmath>

#include <imgui_internal.h>

#include "app/wizard.hpp"
#include "screens/submit_parts.hpp"

namespace motcua::kiosk {

namespace {

std::string counts_line(const Ui& ui, const DocumentItem& d) {
  std::string line;
  if (d.originals > 0) line = ui.i18n.format("submit.originals", {std::to_string(d.originals)});
  if (d.copies > 0) {
    if (!line.empty()) line += " · ";
    line += ui.i18n.format("submit.copies", {std::to_string(d.copies)});
  }
  return line;
}

// A page's picture fitted in a box, tappable (opens it large).
bool page_thumb(Ui& ui, const PageView& p, const std::string& label, float box_w, float box_h) {
  const Theme& th = ui.th;
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::PushID(label.c_str());
  const bool pressed = ImGui::InvisibleButton("##thumb", ImVec2(box_w, box_h));
  ImGui::PopID();
  register_clickable(ui, label, pos, ImVec2(pos.x + box_w, pos.y + box_h));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + box_w, pos.y + box_h), th.surface, th.radius);
  if (p.preview.id && p.preview.width > 0 && p.preview.height > 0) {
    const float scale = std::min((box_w - 16 * th.s) / static_cast<float>(p.preview.width),
                                 (box_h - 56 * th.s) / static_cast<float>(p.preview.height));
    const float w = std::floor(static_cast<float>(p.preview.width) * scale);
    const float h = std::floor(static_cast<float>(p.preview.height) * scale);
    const ImVec2 a(pos.x + (box_w - w) * 0.5f, pos.y + 8 * th.s);
    dl->AddImage(p.preview.id, a, ImVec2(a.x + w, a.y + h));
    dl->AddRect(a, ImVec2(a.x + w, a.y + h), th.border);
  }
  draw_text(ui, dl, ImVec2(pos.x + 12 * th.s, pos.y + box_h - 44 * th.s), label, ui.fonts.bold, th.text);
  dl->AddRect(pos, ImVec2(pos.x + box_w, pos.y + box_h), th.border, th.radius, 0, 2 * th.s);
  return pressed;
}

void scanning_view(Ui& ui, const AppState& state, Intents& out) {
  const Theme& th = ui.th;
  const SubmitView& v = state.submit;
  vspace(ui, th.gap);
  spinner(ui, 48 * th.s, th.accent);
  vspace(ui, th.gap);
  const int pct = static_cast<int>(std::lround(state.scan_progress * 100));
  const std::string key = state.scan_processing ? "scan.processing" : "scan.progress";
  text_centered(ui, ui.i18n.format(key, {std::to_string(pct)}), ui.fonts.heading, th.text);
  if (v.scan_document >= 0 && v.scan_document < static_cast<int>(v.documents.size()) && state.scan_pages_done > 0)
    text_centered(ui, ui.i18n.format("scan.pages_done", {std::to_string(state.scan_pages_done)}), ui.fonts.body, th.muted);
  vspace(ui, th.gap);
  progress_bar(ui, state.scan_progress, 28 * th.s);
  vspace(ui, th.gap);
  text_centered(ui, ui.tr("scan.keep_still"), ui.fonts.body, th.muted);
  vspace(ui, th.gap);
  if (button(ui, ui.tr("scan.cancel"), ButtonKind::secondary)) out.push_back(intent::cancel_scan());
}

void zoom_view(Ui& ui, SubmitView& v) {
  const Theme& th = ui.th;
  const DocumentItem& d = v.documents[static_cast<std::size_t>(v.open_document)];
  const PageView& p = d.pages[static_cast<std::size_t>(v.zoom_page)];
  text(ui, d.name, ui.fonts.bold, th.muted);
  text(ui, ui.i18n.format("submit.page_n", {std::to_string(v.zoom_page + 1)}), ui.fonts.title, th.text);
  vspace(ui, th.gap * 0.5f);
  const float max_h = ImGui::GetContentRegionAvail().y - th.button_h - th.gap * 2;
  if (p.preview.id && p.preview.width > 0) {
    const float scale = std::min(avail_width(ui) / static_cast<float>(p.preview.width),
                                 std::max(100 * th.s, max_h) / static_cast<float>(p.preview.height));
    const ImVec2 size(std::floor(static_cast<float>(p.preview.width) * scale),
                      std::floor(static_cast<float>(p.preview.height) * scale));
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail_width(ui) - size.x) * 0.5f);
    image(ui, p.preview.id, size, th.border);
  }
  vspace(ui, th.gap);
  if (button(ui, ui.tr("submit.close_page"), ButtonKind::secondary)) v.zoom_page = -1;
}

void item_view(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  SubmitView& v = state.submit;
  const int index = v.open_document;
  DocumentItem& d = v.documents[static_cast<std::size_t>(index)];
  if (v.zoom_page >= 0 && v.zoom_page < static_cast<int>(d.pages.size()) && !v.scanning) {
    zoom_view(ui, v);
    return;
  }
  StepLayout layout;
  const int buttons = v.scanning ? 0 : (state.scanner_feeder ? 3 : 2);
  layout.actions_h = actions_height(ui, buttons);
  layout.header = [&] { step_header(ui, state, SubmitStep::documents); };
  layout.content = [&] {
    text(ui, d.name, ui.fonts.heading, th.text);
    if (const std::string counts = counts_line(ui, d); !counts.empty()) text(ui, counts, ui.fonts.body, th.muted);
    if (!d.note.empty()) text(ui, d.note, ui.fonts.small, th.muted);
    vspace(ui, th.gap * 0.5f);
    if (v.scan_error) notice(ui, ui.tr(std::string(message_key(*v.scan_error))), th.danger_soft, th.danger);
    if (v.scanning) {
      scanning_view(ui, state, out);
      return;
    }
    if (d.pages.empty()) {
      const Card card = begin_card(ui);
      text(ui, ui.tr(state.scanner_feeder ? "scan.instructions_feeder" : "scan.instructions"), ui.fonts.body, th.text);
      end_card(ui, card);
      return;
    }
    text(ui, ui.i18n.format("submit.pages", {std::to_string(d.pages.size())}), ui.fonts.bold, th.success);
    vspace(ui, th.gap * 0.5f);
    // Pages two (landscape: three) to a row, each with its own buttons.
    const int per_row = ui.landscape ? 2 : 2;
    const float gap = th.gap;
    const float box_w = std::floor((avail_width(ui) - gap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row));
    const float box_h = std::floor(box_w * 1.3f);
    for (std::size_t i = 0; i < d.pages.size(); ++i) {
      if (i % static_cast<std::size_t>(per_row) != 0) ImGui::SameLine(0, gap);
      ImGui::BeginGroup();
      const std::string n = std::to_string(i + 1);
      if (page_thumb(ui, d.pages[i], ui.i18n.format("submit.page_n", {n}), box_w, box_h)) v.zoom_page = static_cast<int>(i);
      const float saved = ui.inset_right;
      ImGui::PushItemWidth(box_w);
      ui.inset_right = 0;
      // Two buttons, the space between and the item spacing after each: the
      // "Xoá trang N" button was cut off at its bottom.
      const float actions_h = th.button_h * 2 + th.gap * 0.25f + 2 * ImGui::GetStyle().ItemSpacing.y;
      ImGui::BeginChild(("##page-actions-" + n).c_str(), ImVec2(box_w, actions_h), false,
                        ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground);
      if (button(ui, ui.i18n.format("submit.rescan_page", {n}), ButtonKind::quiet))
        out.push_back(intent::start_scan(index, false, static_cast<int>(i)));
      vspace(ui, th.gap * 0.25f);
      if (button(ui, ui.i18n.format("submit.delete_page", {n}), ButtonKind::danger))
        out.push_back(intent::delete_page(index, static_cast<int>(i)));
      ImGui::EndChild();
      ui.inset_right = saved;
      ImGui::PopItemWidth();
      ImGui::EndGroup();
      if (i % static_cast<std::size_t>(per_row) == static_cast<std::size_t>(per_row - 1)) vspace(ui, gap);
    }
  };
  layout.actions = [&] {
    if (v.scanning) return;
    vspace(ui, th.gap * 0.5f);
    const bool has_pages = !d.pages.empty();
    if (button(ui, ui.tr(has_pages ? "scan.more" : "scan.start"), has_pages ? ButtonKind::secondary : ButtonKind::primary))
      out.push_back(intent::start_scan(index, false));
    if (state.scanner_feeder) {
      vspace(ui, th.gap * 0.5f);
      if (button(ui, ui.tr("scan.feeder"), ButtonKind::secondary)) out.push_back(intent::start_scan(index, true));
    }
    vspace(ui, th.gap * 0.5f);
    if (button(ui, ui.tr("submit.document_done"), has_pages ? ButtonKind::primary : ButtonKind::quiet)) {
      v.open_document = -1;
      v.zoom_page = -1;
      v.scan_error.reset();
    }
  };
  step_layout(ui, "##document", layout);
}

void checklist_view(Ui& ui, AppState& state) {
  const Theme& th = ui.th;
  SubmitView& v = state.submit;
  StepLayout layout;
  layout.actions_h = actions_height(ui, 1);
  layout.header = [&] { step_header(ui, state, SubmitStep::documents); };
  layout.content = [&] {
    text(ui, ui.tr("submit.checklist_intro"), ui.fonts.body, th.text);
    vspace(ui, th.gap * 0.5f);
    for (std::size_t i = 0; i < v.documents.size(); ++i) {
      const DocumentItem& d = v.documents[i];
      std::string meta = d.pages.empty() ? ui.tr("submit.not_scanned")
                                         : ui.i18n.format("submit.pages", {std::to_string(d.pages.size())});
      if (const std::string counts = counts_line(ui, d); !counts.empty()) meta = counts + " — " + meta;
      const std::string badge_text = d.pages.empty() ? ui.tr(d.required ? "submit.required" : "submit.if_any")
                                                     : ui.tr("submit.scanned_badge");
      if (list_row(ui, "##doc-" + std::to_string(i), d.name, meta, badge_text, !d.pages.empty())) {
        v.open_document = static_cast<int>(i);
        v.zoom_page = -1;
        v.scan_error.reset();
        v.documents_error.clear();
      }
    }
    error_notice(ui, v.documents_error);
  };
  layout.actions = [&] {
    vspace(ui, th.gap * 0.5f);
    if (button(ui, ui.tr("submit.next"), ButtonKind::primary)) {
      if (check_documents(v)) go_next(state, SubmitStep::documents);
    }
  };
  step_layout(ui, "##documents", layout);
}

}  // namespace

void documents_step(Ui& ui, AppState& state, Intents& out) {
  SubmitView& v = state.submit;
  if (v.open_document >= static_cast<int>(v.documents.size())) v.open_document = -1;
  if (v.open_document >= 0) item_view(ui, state, out);
  else checklist_view(ui, state);
}

}  // namespace motcua::kiosk
