// Status lookup: dossier code + lookup secret on the on-screen keyboard (or
// the receipt's QR code held to the camera), then the dossier's state: what the
// applicant must do next in plain words, the appointment, on time or overdue,
// and the timeline of events. Answers from the hub when online; from the
// kiosk's cache ("as of <time>") or its own outbox when not.

#include <algorithm>
#include <cmath>

#include "app/format.hpp"
#include "app/next_step.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/text/utf8.hpp"
#include "screens/screens.hpp"

namespace motcua::kiosk {

namespace {

std::string local_label(const Ui& ui, client::OutboxState s) {
  switch (s) {
    case client::OutboxState::queued: return ui.tr("status.local_queued");
    case client::OutboxState::created: return ui.tr("status.local_created");
    case client::OutboxState::delivered: return ui.tr("status.local_delivered");
  }
  return {};
}

std::string status_label(const Ui& ui, domain::DossierStatus s) {
  return std::string(ui.i18n.lang() == Lang::en ? domain::status_label_en(s) : domain::status_label_vi(s));
}

ImU32 status_color(const Theme& th, std::optional<domain::DossierStatus> s) {
  using S = domain::DossierStatus;
  if (!s) return th.accent;
  switch (*s) {
    case S::result_ready:
    case S::result_returned: return th.success;
    case S::not_accepted:
    case S::withdrawn:
    case S::stopped: return th.danger;
    case S::supplement_requested:
    case S::payment_requested: return th.warning;
    default: return th.accent;
  }
}

// An event's words: the hub's Vietnamese label of the action (Vietnamese
// screen), else the status it led to.
std::string event_label(const Ui& ui, const LookupResult& r, const protocol::StatusEvent& ev) {
  if (ui.i18n.lang() == Lang::vi && !ev.label.empty()) return ev.label;
  if (auto s = domain::status_from_key(ev.status)) return status_label(ui, *s);
  if (r.local_state) return local_label(ui, *r.local_state);
  return ev.label.empty() ? ev.action : ev.label;
}

void timeline(Ui& ui, const LookupResult& r) {
  const Theme& th = ui.th;
  const auto& events = r.view.events;
  for (std::size_t n = events.size(); n-- > 0;) {  // newest first
    const auto& ev = events[n];
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float dot = 22 * th.s, col = 56 * th.s;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const bool newest = n + 1 == events.size();
    ImGui::Indent(col);
    text(ui, format_wire_time(ev.at), ui.fonts.small, th.muted);
    text(ui, event_label(ui, r, ev), ui.fonts.bold, th.text);
    if (ev.note && !ev.note->empty()) text(ui, *ev.note, ui.fonts.body, th.text);
    if (ev.appointment) text(ui, ui.i18n.format("status.new_appointment", {format_wire_time(*ev.appointment)}), ui.fonts.body, th.text);
    ImGui::Unindent(col);
    vspace(ui, th.gap * 0.75f);
    const float bottom = ImGui::GetCursorScreenPos().y;
    if (n > 0)
      dl->AddLine(ImVec2(pos.x + dot * 0.5f, pos.y + ui.fonts.small->FontSize + dot),
                  ImVec2(pos.x + dot * 0.5f, bottom + ui.fonts.small->FontSize), th.border, 4 * th.s);
    // The dot sits beside the status line (below the time).
    const float cy = pos.y + ui.fonts.small->FontSize + ImGui::GetStyle().ItemSpacing.y + ui.fonts.bold->FontSize * 0.5f;
    dl->AddCircleFilled(ImVec2(pos.x + dot * 0.5f, cy), dot * 0.5f, newest ? th.accent : th.border, 24);
  }
}

// "What to do next" — the first thing a citizen wants to know.
void next_step_card(Ui& ui, const AppState& state, const LookupResult& r) {
  const Theme& th = ui.th;
  const domain::Service* service = state.catalog ? state.catalog->service(r.view.service_code) : nullptr;
  const NextStep next = next_step(r, service);
  const Card card = next.action ? begin_card(ui, th.warning_soft, th.warning) : begin_card(ui, th.accent_soft, th.accent);
  text(ui, ui.tr(next.action ? "next.title_action" : "next.title"), ui.fonts.heading, th.text);
  vspace(ui, 8 * th.s);
  text(ui, ui.tr(next.key), ui.fonts.body, th.text);
  if (!next.note.empty()) {
    vspace(ui, 10 * th.s);
    text(ui, ui.tr("next.note"), ui.fonts.bold, th.text);
    text(ui, next.note, ui.fonts.body, th.text);
  }
  if (!next.ways.empty()) {
    vspace(ui, 10 * th.s);
    if (next.ways.size() > 1) text(ui, ui.tr("next.ways"), ui.fonts.bold, th.text);
    for (const auto& w : next.ways) text(ui, (next.ways.size() > 1 ? "•  " : "") + ui.tr(w), ui.fonts.body, th.text);
  }
  if (next.overdue) {
    vspace(ui, 10 * th.s);
    text(ui, ui.tr("next.overdue"), ui.fonts.body, th.text);
  }
  if (next.ask_office) {
    if (const domain::Agency* a = state.agency()) {
      vspace(ui, 10 * th.s);
      std::string where = a->name;
      if (!a->address.empty()) where += "\n" + a->address;
      if (!a->phone.empty()) where += "\n" + ui.tr("agency.phone") + ": " + a->phone;
      if (!a->hours.empty()) where += "\n" + a->hours;
      text(ui, ui.tr("next.ask"), ui.fonts.bold, th.text);
      text(ui, where, ui.fonts.body, th.text);
    }
  }
  end_card(ui, card);
}

void summary(Ui& ui, const AppState& state, const LookupResult& r) {
  const Theme& th = ui.th;
  const auto& v = r.view;
  if (r.source == LookupSource::cache && r.as_of)
    notice(ui, ui.i18n.format("status.as_of", {format_short_time(*r.as_of)}), th.warning_soft, th.warning);
  if (r.source == LookupSource::outbox) notice(ui, ui.tr("status.outbox_note"), th.accent_soft, th.accent_dark);
  const Card card = begin_card(ui);
  text(ui, ui.tr("status.current"), ui.fonts.body, th.muted);
  const auto status = status_of(v);
  std::string label = status ? status_label(ui, *status)
                             : r.local_state ? local_label(ui, *r.local_state) : v.status_label;
  text(ui, label, ui.fonts.title, r.local_state ? th.accent : status_color(th, status));
  vspace(ui, th.gap * 0.75f);
  field_row(ui, ui.tr("receipt.code"), v.code);
  if (v.provisional_code && *v.provisional_code != v.code) field_row(ui, ui.tr("status.provisional_code"), *v.provisional_code);
  field_row(ui, ui.tr("receipt.service"), v.service_name);
  if (!v.applicant.empty()) field_row(ui, ui.tr("receipt.applicant"), v.applicant);
  if (!v.received_at.empty()) field_row(ui, ui.tr("receipt.received"), format_wire_time(v.received_at));
  if (v.due_at) field_row(ui, ui.tr("status.due"), format_wire_time(*v.due_at));
  if (v.timeliness != "not_applicable" && !v.timeliness.empty()) {
    // English screens use our words; Vietnamese ones the hub's own label.
    const std::string t = ui.i18n.lang() == Lang::vi && !v.timeliness_label.empty() ? v.timeliness_label
                                                                                    : ui.tr("timeliness." + v.timeliness);
    field_row(ui, ui.tr("status.timeliness"), t);
  }
  end_card(ui, card);
  (void)state;
}

std::string failure_key(LookupFailure f) {
  switch (f) {
    case LookupFailure::invalid_input: return "status.err_invalid";
    case LookupFailure::not_found: return "status.err_not_found";
    case LookupFailure::unavailable: return "status.err_unavailable";
    case LookupFailure::locked: return "status.err_locked";
  }
  return "status.err_not_found";
}

// The receipt's QR code held to the camera: what the camera sees, mirrored,
// so the citizen can aim; the lookup starts by itself once the code is read.
void camera_view(Ui& ui, LookupView& v, Intents& out) {
  const Theme& th = ui.th;
  text(ui, ui.tr("camera.title"), ui.fonts.heading, th.text);
  vspace(ui, 8 * th.s);
  text(ui, ui.tr("camera.explain"), ui.fonts.body, th.text);
  vspace(ui, th.gap * 0.5f);
  if (!v.camera_notice.empty()) notice(ui, ui.tr(v.camera_notice), th.warning_soft, th.warning);
  const float room_h = ImGui::GetContentRegionAvail().y - th.button_h - th.gap * 1.5f;
  if (v.preview.id && v.preview.width > 0 && room_h > 0) {
    float w = std::min(avail_width(ui), 720 * th.s);
    float h = w * static_cast<float>(v.preview.height) / static_cast<float>(v.preview.width);
    if (h > room_h) {
      h = room_h;
      w = h * static_cast<float>(v.preview.width) / static_cast<float>(v.preview.height);
    }
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::floor((avail_width(ui) - w) * 0.5f));
    image(ui, v.preview.id, ImVec2(w, h), th.accent);
  } else {
    vspace(ui, th.gap);
    spinner(ui, 44 * th.s, th.accent);
    text_centered(ui, ui.tr("camera.starting"), ui.fonts.body, th.muted);
  }
  vspace(ui, th.gap * 0.5f);
  if (button(ui, ui.tr("camera.cancel"), ButtonKind::secondary)) out.push_back(intent::stop_camera());
}

void lookup_form(Ui& ui, LookupView& v, Intents& out) {
  const Theme& th = ui.th;
  text(ui, ui.tr("status.explain"), ui.fonts.body, th.muted);
  vspace(ui, th.gap * 0.5f);
  // The receipt's QR code instead of typing (the App says when there is no camera).
  if (button(ui, ui.tr("status.scan_qr"), ButtonKind::secondary)) out.push_back(intent::scan_receipt_qr());
  vspace(ui, th.gap * 0.5f);
  const std::string code = utf8::from_u32(v.code);
  const std::string secret = utf8::from_u32(v.secret);
  if (text_field(ui, "##code", ui.tr("status.code"), code, ui.tr("status.code_hint"),
                 v.typing && v.focus == LookupField::code)) {
    v.focus = LookupField::code;
    v.typing = true;
  }
  if (text_field(ui, "##secret", ui.tr("status.secret"), secret, ui.tr("status.secret_hint"),
                 v.typing && v.focus == LookupField::secret)) {
    v.focus = LookupField::secret;
    v.typing = true;
  }
  if (!v.input_error.empty()) notice(ui, ui.tr(v.input_error), th.danger_soft, th.danger);
  if (v.result && v.result->failure) notice(ui, ui.tr(failure_key(*v.result->failure)), th.danger_soft, th.danger);

  if (v.busy) {
    spinner(ui, 44 * th.s, th.accent);
    text_centered(ui, ui.tr("status.searching"), ui.fonts.heading, th.text);
    return;
  }
  if (button(ui, ui.tr("status.search"), ButtonKind::primary)) {
    v.input_error.clear();
    if (v.code.empty() || v.secret.empty()) {
      v.input_error = "status.err_missing";
    } else {
      v.typing = false;
      out.push_back(intent::start_lookup());
    }
  }
}

void lookup_keyboard(Ui& ui, LookupView& v) {
  std::u32string& target = v.focus == LookupField::code ? v.code : v.secret;
  const KeyboardResult k = keyboard(ui, target, KeyboardMode::code, v.kb, v.focus == LookupField::code ? 40 : 8, false);
  if (k.changed) {
    v.input_error.clear();
    if (v.result) v.result.reset();
  }
  if (k.done) {
    if (v.focus == LookupField::code) {
      v.focus = LookupField::secret;
    } else {
      v.typing = false;
    }
  }
}

}  // namespace

void draw_status(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  LookupView& v = state.status;

  if (v.result && !v.result->failure) {
    const LookupResult& r = *v.result;
    const float action_h = th.button_h + th.gap * 1.5f;
    if (ui.landscape) {
      const Columns cols = begin_columns(ui, "##status", 0.5f);
      text(ui, ui.tr("status.title"), ui.fonts.title, th.text);
      vspace(ui, 6 * th.s);
      begin_touch_scroll(ui, "##status-left", ImGui::GetContentRegionAvail().y - action_h);
      summary(ui, state, r);
      next_step_card(ui, state, r);
      end_touch_scroll(ui);
      vspace(ui, th.gap * 0.5f);
      // Reset only once the timeline below is drawn: it reads the result.
      const bool another = button(ui, ui.tr("status.another"), ButtonKind::secondary);
      next_column(ui, cols);
      if (!r.view.events.empty()) {
        section_heading(ui, ui.tr("status.history"));
        begin_touch_scroll(ui, "##status-right", ImGui::GetContentRegionAvail().y);
        timeline(ui, r);
        end_touch_scroll(ui);
      }
      end_columns(ui, cols);
      if (another) v = LookupView{};
      return;
    }
    text(ui, ui.tr("status.title"), ui.fonts.title, th.text);
    vspace(ui, 6 * th.s);
    begin_touch_scroll(ui, "##status", ImGui::GetContentRegionAvail().y - action_h);
    summary(ui, state, r);
    next_step_card(ui, state, r);
    if (!r.view.events.empty()) {
      section_heading(ui, ui.tr("status.history"));
      timeline(ui, r);
    }
    end_touch_scroll(ui);
    vspace(ui, th.gap * 0.5f);
    if (button(ui, ui.tr("status.another"), ButtonKind::secondary)) v = LookupView{};
    return;
  }

  if (v.camera) {
    text(ui, ui.tr("status.title"), ui.fonts.title, th.text);
    vspace(ui, 6 * th.s);
    camera_view(ui, v, out);
    return;
  }
  if (ui.landscape) {
    const Columns cols = begin_columns(ui, "##lookup", 0.5f);
    text(ui, ui.tr("status.title"), ui.fonts.title, th.text);
    vspace(ui, 6 * th.s);
    // The form scrolls: "Tra cứu" may be below a landscape column.
    begin_touch_scroll(ui, "##lookup-form", ImGui::GetContentRegionAvail().y);
    lookup_form(ui, v, out);
    end_touch_scroll(ui);
    next_column(ui, cols);
    if (v.typing && !v.busy) {
      ui.keyboard_room = ImGui::GetContentRegionAvail().y;
      const float room = ImGui::GetContentRegionAvail().y - keyboard_height(ui, KeyboardMode::code);
      if (room > 0) vspace(ui, room);
      lookup_keyboard(ui, v);
      ui.keyboard_room = 0;
    }
    end_columns(ui, cols);
    return;
  }
  text(ui, ui.tr("status.title"), ui.fonts.title, th.text);
  vspace(ui, 6 * th.s);
  const float kb_h = v.typing && !v.busy ? keyboard_height(ui, KeyboardMode::code) + th.gap * 0.5f : 0;
  begin_touch_scroll(ui, "##lookup", ImGui::GetContentRegionAvail().y - kb_h);
  lookup_form(ui, v, out);
  end_touch_scroll(ui);
  if (kb_h > 0) {
    vspace(ui, th.gap * 0.5f);
    lookup_keyboard(ui, v);
  }
}

}  // namespace motcua::kiosk
