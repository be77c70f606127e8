// Submit wizard (issue 6): applicant (typed, or from the chip ID card's QR
// code) → the service's e-form → documents (submit_documents.cpp) → fee
// payment and result delivery → consent → review → sending. Each step checks
// its input before the citizen goes on (app/wizard.*); back and forward keep
// everything; the receipt screen follows when the worker has queued the dossier.

#include <algorithm>
#include <cmath>

#include "app/format.hpp"
#include "app/wizard.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/domain/service_rules.hpp"
#include "motcua/text/utf8.hpp"
#include "screens/submit_parts.hpp"

namespace motcua::kiosk {

// ---- shared by the steps (submit_parts.hpp)

std::string_view step_title_key(SubmitStep step) {
  switch (step) {
    case SubmitStep::applicant: return "submit.applicant_title";
    case SubmitStep::form: return "submit.form_title";
    case SubmitStep::documents: return "submit.scan_title";
    case SubmitStep::delivery: return "submit.delivery_title";
    case SubmitStep::consent: return "submit.consent_title";
    case SubmitStep::review: return "submit.review_title";
    case SubmitStep::sending: return "submit.sending";
  }
  return "submit.review_title";
}

void step_header(Ui& ui, const AppState& state, SubmitStep step) {
  const Theme& th = ui.th;
  const domain::Service* s = state.submit_service();
  if (!s) return;
  text(ui, s->name, ui.fonts.bold, th.muted);
  vspace(ui, 10 * th.s);
  const int total = static_cast<int>(wizard_steps(*s).size());
  const int current = step_number(*s, step);
  // One segment per step: done and current filled.
  const float w = avail_width(ui);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float gap = 12 * th.s, h = 12 * th.s;
  const float seg = (w - static_cast<float>(total - 1) * gap) / static_cast<float>(total);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int i = 0; i < total; ++i) {
    const float x = pos.x + static_cast<float>(i) * (seg + gap);
    dl->AddRectFilled(ImVec2(x, pos.y), ImVec2(x + seg, pos.y + h), i < current ? th.accent : th.border, h * 0.5f);
  }
  ImGui::Dummy(ImVec2(w, h));
  vspace(ui, 14 * th.s);
  text(ui, ui.i18n.format("submit.step", {std::to_string(current), std::to_string(total)}), ui.fonts.body, th.accent);
  text(ui, ui.tr(step_title_key(step)), ui.fonts.title, th.text);
  vspace(ui, th.gap);
}

void go_next(AppState& state, SubmitStep from) {
  SubmitView& v = state.submit;
  const domain::Service* s = state.submit_service();
  if (!s) return;
  v.typing = false;
  v.postal_typing = false;
  v.form_focus.clear();
  if (v.review_seen) {
    v.step = SubmitStep::review;
    return;
  }
  if (auto next = next_step(*s, from)) v.step = *next;
  if (v.step == SubmitStep::documents && v.documents.empty()) v.documents = document_checklist(*s);
}

void step_layout(Ui& ui, std::string_view id, const StepLayout& layout) {
  const Theme& th = ui.th;
  const float kb_h = layout.typing ? keyboard_height(ui, layout.mode) : 0;
  if (ui.landscape) {
    // Landscape has little height. Typing: the content and the actions left,
    // the keyboard right with the whole height. Otherwise the step's header
    // across the screen, the content left, the actions right at the bottom.
    if (!layout.typing && layout.header) layout.header();
    Columns cols = begin_columns(ui, std::string(id) + "-cols", 0.5f);
    begin_touch_scroll(ui, std::string(id) + "-left",
                       ImGui::GetContentRegionAvail().y - (layout.typing ? layout.actions_h : 0));
    layout.content();
    end_touch_scroll(ui);
    if (layout.typing) layout.actions();
    next_column(ui, cols);
    if (layout.typing) {
      ui.keyboard_room = ImGui::GetContentRegionAvail().y;
      const float room = ImGui::GetContentRegionAvail().y - keyboard_height(ui, layout.mode);
      if (room > 0) vspace(ui, room);
      layout.keyboard();
      ui.keyboard_room = 0;
    } else {
      const float room = ImGui::GetContentRegionAvail().y - layout.actions_h;
      if (layout.aside && room > 100 * th.s) {
        begin_touch_scroll(ui, std::string(id) + "-right", room);
        layout.aside();
        end_touch_scroll(ui);
      } else if (room > 0) {
        vspace(ui, room);
      }
      if (room < 0) {
        // Large text: the actions are taller than the column; they scroll.
        begin_touch_scroll(ui, std::string(id) + "-actions", ImGui::GetContentRegionAvail().y);
        layout.actions();
        end_touch_scroll(ui);
      } else {
        layout.actions();
      }
    }
    end_columns(ui, cols);
    return;
  }
  // Portrait: the content scrolls above the actions ("Tiếp tục" stays in
  // reach while typing) and the keyboard.
  const float bottom = layout.actions_h + (layout.typing ? kb_h + th.gap * 0.5f : 0);
  begin_touch_scroll(ui, std::string(id) + "-body", std::max(200 * th.s, ImGui::GetContentRegionAvail().y - bottom));
  if (layout.header) layout.header();
  layout.content();
  if (layout.aside) layout.aside();
  end_touch_scroll(ui);
  layout.actions();
  if (layout.typing) {
    vspace(ui, th.gap * 0.5f);
    layout.keyboard();
  }
}

float actions_height(const Ui& ui, int buttons) {
  const Theme& th = ui.th;
  // Each button and each space before it is an ImGui item: item spacing too.
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  return static_cast<float>(buttons) * (th.button_h + th.gap * 0.5f + 2 * spacing) + th.gap * 0.5f;
}

void error_notice(Ui& ui, const std::string& key) {
  if (!key.empty()) notice(ui, ui.tr(key), ui.th.danger_soft, ui.th.danger);
}

void scroll_here_if(bool& flag) {
  if (!flag) return;
  ImGui::SetScrollHereY(0.25f);
  flag = false;
}

namespace {

// ---- 1. applicant

struct ApplicantInputSpec {
  ApplicantField field;
  const char* id;
  const char* label;
  const char* hint;
  KeyboardMode mode;
  std::size_t max;
};

constexpr ApplicantInputSpec kApplicantInputs[] = {
    {ApplicantField::id_number, "##id", "submit.id_number", "submit.id_number_hint", KeyboardMode::digits, 12},
    {ApplicantField::name, "##name", "submit.name", "submit.name_hint", KeyboardMode::telex, 60},
    {ApplicantField::birth_date, "##birth", "submit.birth_date", "submit.birth_date_hint", KeyboardMode::digits, 8},
    {ApplicantField::address, "##address", "submit.address", "submit.address_hint", KeyboardMode::telex, 200},
    {ApplicantField::phone, "##phone", "submit.phone", "submit.phone_hint", KeyboardMode::digits, 15},
};

std::u32string& applicant_value(SubmitView& v, ApplicantField f) {
  switch (f) {
    case ApplicantField::id_number: return v.id_number;
    case ApplicantField::name: return v.name;
    case ApplicantField::birth_date: return v.birth_date;
    case ApplicantField::address: return v.address;
    case ApplicantField::sex:
    case ApplicantField::phone: break;
  }
  return v.phone;
}

std::string& applicant_error(SubmitView& v, ApplicantField f) {
  switch (f) {
    case ApplicantField::id_number: return v.id_error;
    case ApplicantField::name: return v.name_error;
    case ApplicantField::birth_date: return v.birth_error;
    case ApplicantField::address: return v.address_error;
    case ApplicantField::sex: return v.sex_error;
    case ApplicantField::phone: break;
  }
  return v.phone_error;
}

const ApplicantInputSpec& spec_of(ApplicantField f) {
  for (const auto& s : kApplicantInputs)
    if (s.field == f) return s;
  return kApplicantInputs[0];
}

void card_camera_view(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  SubmitView& v = state.submit;
  step_header(ui, state, SubmitStep::applicant);
  text(ui, ui.tr("submit.card_instructions"), ui.fonts.body, th.text);
  vspace(ui, th.gap * 0.5f);
  if (!v.card_notice.empty()) notice(ui, ui.tr(v.card_notice), th.warning_soft, th.warning);
  const float max_h = ImGui::GetContentRegionAvail().y - th.button_h - th.gap * 2;
  if (v.card_preview.id && v.card_preview.width > 0) {
    const float scale = std::min(avail_width(ui) / static_cast<float>(v.card_preview.width),
                                 std::max(100 * th.s, max_h) / static_cast<float>(v.card_preview.height));
    const ImVec2 size(std::floor(static_cast<float>(v.card_preview.width) * scale),
                      std::floor(static_cast<float>(v.card_preview.height) * scale));
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail_width(ui) - size.x) * 0.5f);
    image(ui, v.card_preview.id, size, th.border);
  } else {
    vspace(ui, th.gap * 2);
    spinner(ui, 48 * th.s, th.accent);
    vspace(ui, th.gap * 2);
  }
  vspace(ui, th.gap);
  if (button(ui, ui.tr("submit.card_type_instead"), ButtonKind::secondary)) out.push_back(intent::stop_card());
}

void applicant_step(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  SubmitView& v = state.submit;
  if (v.card_camera) {
    card_camera_view(ui, state, out);
    return;
  }
  const ApplicantInputSpec& focused = spec_of(v.focus);
  StepLayout layout;
  layout.typing = v.typing && v.focus != ApplicantField::sex;
  layout.mode = focused.mode;
  layout.actions_h = actions_height(ui, 1);
  layout.header = [&] { step_header(ui, state, SubmitStep::applicant); };
  layout.content = [&] {
    if (v.from_card) {
      badge(ui, ui.tr("submit.from_card"), th.success_soft, th.success);
      vspace(ui, th.gap * 0.5f);
    } else if (button(ui, ui.tr("submit.read_card"), ButtonKind::secondary)) {
      out.push_back(intent::scan_card());
    }
    if (!v.from_card) {
      text(ui, ui.tr("submit.read_card_note"), ui.fonts.small, th.muted);
      vspace(ui, th.gap * 0.5f);
    }
    for (const auto& spec : kApplicantInputs) {
      if (spec.field == ApplicantField::address) {
        // Sex sits between the birth date and the address, as on the card.
        text(ui, ui.tr("submit.sex"), ui.fonts.bold, th.text);
        if (chip(ui, ui.tr("submit.male"), v.sex == domain::Sex::male)) v.sex = domain::Sex::male, v.sex_error.clear();
        ImGui::SameLine(0, th.gap);
        if (chip(ui, ui.tr("submit.female"), v.sex == domain::Sex::female))
          v.sex = domain::Sex::female, v.sex_error.clear();
        if (!v.sex_error.empty()) text(ui, ui.tr(v.sex_error), ui.fonts.small, th.danger);
        vspace(ui, th.gap * 0.5f);
      }
      std::u32string& value = applicant_value(v, spec.field);
      const std::string shown =
          spec.field == ApplicantField::birth_date ? format_birth_date(value) : utf8::from_u32(value);
      const bool is_focused = v.typing && v.focus == spec.field;
      if (text_field(ui, spec.id, ui.tr(spec.label), shown, ui.tr(spec.hint), is_focused,
                     applicant_error(v, spec.field).empty() ? std::string_view() : ui.tr(applicant_error(v, spec.field)))) {
        v.focus = spec.field;
        v.typing = true;
        v.scroll_to_focus = true;
      }
      if (is_focused) scroll_here_if(v.scroll_to_focus);
    }
  };
  layout.keyboard = [&] {
    std::u32string& target = applicant_value(v, v.focus);
    // Names start each word with a capital; addresses do not ("xã", "tỉnh").
    const bool words = v.focus == ApplicantField::name;
    const KeyboardResult k = keyboard(ui, target, focused.mode, v.kb, focused.max, words);
    if (k.changed) applicant_error(v, v.focus).clear();
    if (k.done) {
      // "Xong" moves to the next field; after the last one the keyboard closes.
      const auto* it = std::find_if(std::begin(kApplicantInputs), std::end(kApplicantInputs),
                                    [&](const ApplicantInputSpec& s) { return s.field == v.focus; });
      if (it + 1 < std::end(kApplicantInputs)) {
        v.focus = (it + 1)->field;
        v.scroll_to_focus = true;
      } else {
        v.typing = false;
      }
    }
  };
  layout.actions = [&] {
    vspace(ui, th.gap * 0.5f);
    if (button(ui, ui.tr("submit.next"), ButtonKind::primary)) {
      if (check_applicant(v)) go_next(state, SubmitStep::applicant);
    }
  };
  step_layout(ui, "##applicant", layout);
}

// ---- 2. the service's form

KeyboardMode field_keyboard(domain::FieldType type) {
  switch (type) {
    case domain::FieldType::number:
    case domain::FieldType::phone:
    case domain::FieldType::id_number:
    case domain::FieldType::date: return KeyboardMode::digits;
    default: return KeyboardMode::telex;
  }
}

bool typed_field(domain::FieldType type) {
  return type != domain::FieldType::select && type != domain::FieldType::checkbox;
}

void form_step(Ui& ui, AppState& state) {
  const Theme& th = ui.th;
  SubmitView& v = state.submit;
  const domain::Service* s = state.submit_service();
  if (!s || !s->form) return;
  const domain::EForm& form = *s->form;
  const bool en = ui.i18n.lang() == Lang::en;
  const domain::FormField* focused = nullptr;
  for (const auto& f : form.fields)
    if (f.id == v.form_focus) focused = &f;
  const domain::FormValues values = form_values(v, *s);
  StepLayout layout;
  layout.typing = focused && typed_field(focused->type);
  layout.mode = focused ? field_keyboard(focused->type) : KeyboardMode::telex;
  layout.actions_h = actions_height(ui, 1);
  layout.header = [&] { step_header(ui, state, SubmitStep::form); };
  layout.content = [&] {
    for (const auto& f : form.fields) {
      if (!domain::is_visible(form, f, values)) continue;
      const std::string label = (en && !f.label_en.empty() ? f.label_en : f.label_vi) + (f.required ? " *" : "");
      const std::string& help = en && !f.help_en.empty() ? f.help_en : f.help_vi;
      const auto err_it = v.form_errors.find(f.id);
      const std::string error = err_it == v.form_errors.end() ? std::string() : ui.tr(err_it->second);
      const std::u32string& raw = v.form[f.id];
      if (typed_field(f.type)) {
        const std::string shown = f.type == domain::FieldType::date ? format_birth_date(raw) : utf8::from_u32(raw);
        const bool is_focused = focused == &f;
        if (text_field(ui, "##f-" + f.id, label, shown, help.empty() ? ui.tr("submit.tap_to_type") : help, is_focused,
                       error)) {
          v.form_focus = f.id;
          v.scroll_to_focus = true;
        }
        if (is_focused) scroll_here_if(v.scroll_to_focus);
        continue;
      }
      text(ui, label, ui.fonts.bold, th.text);
      if (!help.empty()) text(ui, help, ui.fonts.small, th.muted);
      if (f.type == domain::FieldType::checkbox) {
        const bool on = utf8::from_u32(raw) == "true";
        if (chip(ui, ui.tr("submit.yes"), on)) {
          v.form[f.id] = on ? U"false" : U"true";
          v.form_errors.erase(f.id);
        }
      } else {
        // Options as chips, wrapped to the width.
        float x = 0;
        const float width = avail_width(ui);
        for (const auto& o : f.options) {
          const std::string ol = en && !o.label_en.empty() ? o.label_en : o.label_vi;
          const float w = chip_width(ui, ol);
          if (x > 0 && x + th.target_gap + w <= width) {
            ImGui::SameLine(0, th.target_gap);
            x += th.target_gap + w;
          } else {
            x = w;
          }
          const bool selected = utf8::from_u32(raw) == o.value;
          if (chip(ui, ol, selected)) {
            v.form[f.id] = utf8::to_u32(o.value);
            v.form_errors.erase(f.id);
            v.form_focus.clear();
          }
        }
      }
      if (!error.empty()) text(ui, error, ui.fonts.small, th.danger);
      vspace(ui, th.gap * 0.5f);
    }
  };
  layout.keyboard = [&] {
    if (!focused) return;
    std::u32string& target = v.form[focused->id];
    const std::size_t max = focused->type == domain::FieldType::date ? 8
                            : focused->max_length                   ? static_cast<std::size_t>(*focused->max_length)
                                                                     : 200;
    const KeyboardResult k = keyboard(ui, target, layout.mode, v.kb, max, focused->type == domain::FieldType::text);
    if (k.changed) v.form_errors.erase(focused->id);
    if (k.done) {
      // The next visible typed field, else close the keyboard.
      bool after = false;
      std::string next;
      for (const auto& f : form.fields) {
        if (after && typed_field(f.type) && domain::is_visible(form, f, values)) {
          next = f.id;
          break;
        }
        if (&f == focused) after = true;
      }
      v.form_focus = next;
      v.scroll_to_focus = !next.empty();
    }
  };
  layout.actions = [&] {
    vspace(ui, th.gap * 0.5f);
    if (button(ui, ui.tr("submit.next"), ButtonKind::primary)) {
      if (check_form(v, *s)) go_next(state, SubmitStep::form);
    }
  };
  step_layout(ui, "##form", layout);
}

// ---- 4. fee payment and result delivery

constexpr const char* kPostalLabels[5] = {"submit.postal_recipient", "submit.postal_phone", "submit.postal_street",
                                          "submit.postal_commune", "submit.postal_province"};

void delivery_step(Ui& ui, AppState& state) {
  const Theme& th = ui.th;
  SubmitView& v = state.submit;
  const domain::Service* s = state.submit_service();
  if (!s) return;
  const auto rules = domain::channel_rules(*s);
  const bool en = ui.i18n.lang() == Lang::en;
  StepLayout layout;
  layout.typing = v.postal_typing && v.postal_focus >= 0;
  layout.mode = v.postal_focus == 1 ? KeyboardMode::digits : KeyboardMode::telex;
  layout.actions_h = actions_height(ui, 1);
  auto choose = [&](std::string_view heading, auto const& options, std::optional<std::size_t>& selected) {
    if (options.empty()) return;
    section_heading(ui, std::string(heading));
    for (std::size_t i = 0; i < options.size(); ++i) {
      const bool on = selected && *selected == i;
      const std::string label =
          std::string(on ? "•  " : "") + std::string(en ? domain::label_en(options[i]) : domain::label_vi(options[i]));
      if (button(ui, label, on ? ButtonKind::secondary : ButtonKind::quiet)) {
        selected = i;
        v.delivery_error.clear();
      }
      vspace(ui, 8 * th.s);
    }
  };
  layout.header = [&] { step_header(ui, state, SubmitStep::delivery); };
  layout.content = [&] {
    const std::int64_t fee = s->base_fee();
    field_row(ui, ui.tr("submit.fee"), fee > 0 ? format_vnd(fee) : ui.tr("submit.no_fee"));
    vspace(ui, th.gap * 0.5f);
    if (fee > 0) choose(ui.tr("service.payment"), rules.payment, v.payment);
    choose(ui.tr("service.delivery"), rules.delivery, v.delivery);
    if (fee > 0 && v.payment && *v.payment < rules.payment.size() &&
        rules.payment[*v.payment] == domain::PaymentMethod::bank_transfer) {
      // The account of the agency that decides the dossier (its receipt's VietQR).
      const domain::Agency* a = state.catalog ? state.catalog->agency(s->agency) : nullptr;
      if (!a) a = state.agency();
      notice(ui, ui.tr(a && a->bank ? "submit.bank_note" : "submit.bank_missing"), th.accent_soft, th.accent_dark);
    }
    if (domain::paper_dossier_by_post_required(*s, false))
      notice(ui, ui.tr("service.signature_note"), th.accent_soft, th.accent_dark);
    if (needs_postal_address(v, *s)) {
      // The recipient and phone start as the applicant's.
      if (v.postal[0].empty() && v.postal[1].empty() && !v.postal_typing) {
        v.postal[0] = utf8::to_u32(tidy_name(v.name));
        v.postal[1] = v.phone;
      }
      section_heading(ui, ui.tr("submit.postal_address"));
      if (v.delivery_error == "submit.err_postal") error_notice(ui, v.delivery_error);
      for (int i = 0; i < 5; ++i) {
        const bool is_focused = v.postal_typing && v.postal_focus == i;
        const std::string shown = utf8::from_u32(v.postal[static_cast<std::size_t>(i)]);
        if (text_field(ui, "##postal" + std::to_string(i), ui.tr(kPostalLabels[i]), shown, ui.tr("submit.tap_to_type"),
                       is_focused)) {
          v.postal_typing = true;
          v.postal_focus = i;
          v.scroll_to_focus = true;
        }
        if (is_focused) scroll_here_if(v.scroll_to_focus);
      }
    }
    if (!v.delivery_error.empty() && v.delivery_error != "submit.err_postal") error_notice(ui, v.delivery_error);
  };
  layout.keyboard = [&] {
    if (v.postal_focus < 0 || v.postal_focus > 4) return;
    const KeyboardResult k = keyboard(ui, v.postal[static_cast<std::size_t>(v.postal_focus)],
                                      v.postal_focus == 1 ? KeyboardMode::digits : KeyboardMode::telex, v.kb,
                                      v.postal_focus == 1 ? 15 : 120, v.postal_focus == 0);
    if (k.changed) v.delivery_error.clear();
    if (k.done) {
      if (v.postal_focus < 4) {
        ++v.postal_focus;
        v.scroll_to_focus = true;
      } else {
        v.postal_typing = false;
        v.postal_focus = -1;
      }
    }
  };
  layout.actions = [&] {
    vspace(ui, th.gap * 0.5f);
    if (button(ui, ui.tr("submit.next"), ButtonKind::primary)) {
      if (check_delivery(v, *s)) go_next(state, SubmitStep::delivery);
    }
  };
  step_layout(ui, "##delivery", layout);
}

// ---- 5. consent (personal data protection, Decree 13/2023)

void consent_step(Ui& ui, AppState& state) {
  const Theme& th = ui.th;
  SubmitView& v = state.submit;
  StepLayout layout;
  layout.actions_h = actions_height(ui, 1);
  layout.header = [&] { step_header(ui, state, SubmitStep::consent); };
  layout.content = [&] {
    const Card card = begin_card(ui);
    // What is collected, why, who may see it, how long, the citizen's rights.
    constexpr const char* kParts[] = {"consent.what", "consent.why", "consent.who", "consent.keep", "consent.rights"};
    for (const char* part : kParts) {
      if (part != kParts[0]) vspace(ui, 10 * th.s);
      text(ui, ui.tr(part), ui.fonts.bold, th.text);
      text(ui, ui.tr(std::string(part) + "_text"), ui.fonts.body, th.text);
    }
    end_card(ui, card);
    vspace(ui, th.gap * 0.5f);
    if (button(ui, (v.consent ? "•  " : "") + ui.tr("consent.agree"),
               v.consent ? ButtonKind::secondary : ButtonKind::quiet)) {
      v.consent = !v.consent;
      v.consent_error.clear();
    }
    error_notice(ui, v.consent_error);
  };
  layout.actions = [&] {
    vspace(ui, th.gap * 0.5f);
    if (button(ui, ui.tr("submit.next"), ButtonKind::primary)) {
      if (check_consent(v)) go_next(state, SubmitStep::consent);
    }
  };
  step_layout(ui, "##consent", layout);
}

// ---- 6. review

void review_step(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  SubmitView& v = state.submit;
  const domain::Service* s = state.submit_service();
  if (!s) return;
  v.review_seen = true;
  const bool en = ui.i18n.lang() == Lang::en;
  auto edit = [&](SubmitStep step, const char* key) {
    if (button(ui, ui.tr(key), ButtonKind::quiet)) {
      v.step = step;
      v.typing = false;
    }
  };
  StepLayout layout;
  layout.actions_h = actions_height(ui, 1) + (v.submit_error ? 120 * th.s : 0);
  layout.header = [&] { step_header(ui, state, SubmitStep::review); };
  layout.content = [&] {
    {
      const Card card = begin_card(ui);
      section_heading(ui, ui.tr("submit.applicant_title"));
      field_row(ui, ui.tr("submit.id_number"), utf8::from_u32(v.id_number));
      field_row(ui, ui.tr("submit.name"), tidy_name(v.name));
      field_row(ui, ui.tr("submit.birth_date"), format_birth_date(v.birth_date));
      field_row(ui, ui.tr("submit.sex"), v.sex ? ui.tr(*v.sex == domain::Sex::male ? "submit.male" : "submit.female") : std::string());
      field_row(ui, ui.tr("submit.address"), utf8::from_u32(v.address));
      field_row(ui, ui.tr("submit.phone"), utf8::from_u32(v.phone));
      edit(SubmitStep::applicant, "submit.edit_applicant");
      end_card(ui, card);
    }
    if (s->form && !s->form->fields.empty()) {
      const Card card = begin_card(ui);
      section_heading(ui, ui.tr("submit.form_title"));
      const domain::FormValues values = form_values(v, *s);
      for (const auto& f : s->form->fields) {
        const auto it = values.find(f.id);
        if (it == values.end()) continue;
        std::string shown = it->second;
        if (f.type == domain::FieldType::date) shown = format_iso_date(shown);
        if (f.type == domain::FieldType::checkbox) shown = ui.tr(shown == "true" ? "submit.yes" : "submit.no");
        for (const auto& o : f.options)
          if (o.value == it->second) shown = en && !o.label_en.empty() ? o.label_en : o.label_vi;
        field_row(ui, en && !f.label_en.empty() ? f.label_en : f.label_vi, shown);
      }
      edit(SubmitStep::form, "submit.edit_form");
      end_card(ui, card);
    }
  };
  // Landscape: documents, fee and delivery beside the applicant, above "Xác nhận".
  layout.aside = [&] {
    {
      const Card card = begin_card(ui);
      section_heading(ui, ui.tr("submit.documents"));
      for (const auto& d : v.documents) {
        if (d.pages.empty()) continue;
        field_row(ui, d.name, ui.i18n.format("submit.pages", {std::to_string(d.pages.size())}));
      }
      edit(SubmitStep::documents, "submit.edit_documents");
      end_card(ui, card);
    }
    {
      const Card card = begin_card(ui);
      section_heading(ui, ui.tr("submit.delivery_title"));
      const auto rules = domain::channel_rules(*s);
      const std::int64_t fee = s->base_fee();
      field_row(ui, ui.tr("submit.fee"), fee > 0 ? format_vnd(fee) : ui.tr("submit.no_fee"));
      if (fee > 0 && v.payment && *v.payment < rules.payment.size())
        field_row(ui, ui.tr("service.payment"),
                  std::string(en ? domain::label_en(rules.payment[*v.payment]) : domain::label_vi(rules.payment[*v.payment])));
      if (v.delivery && *v.delivery < rules.delivery.size())
        field_row(ui, ui.tr("service.delivery"),
                  std::string(en ? domain::label_en(rules.delivery[*v.delivery]) : domain::label_vi(rules.delivery[*v.delivery])));
      if (needs_postal_address(v, *s))
        field_row(ui, ui.tr("submit.postal_address"),
                  tidy_name(v.postal[0]) + " — " + utf8::from_u32(v.postal[1]) + "\n" + tidy_name(v.postal[2]) + ", " +
                      tidy_name(v.postal[3]) + ", " + tidy_name(v.postal[4]));
      edit(SubmitStep::delivery, "submit.edit_delivery");
      end_card(ui, card);
    }
    text(ui, ui.tr("submit.pledge"), ui.fonts.body, th.muted);
  };
  layout.actions = [&] {
    vspace(ui, th.gap * 0.5f);
    if (v.submit_error) notice(ui, ui.tr(*v.submit_error), th.danger_soft, th.danger);
    if (button(ui, ui.tr("submit.confirm"), ButtonKind::primary)) out.push_back(intent::confirm_submit());
  };
  step_layout(ui, "##review", layout);
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
    case SubmitStep::applicant: applicant_step(ui, state, out); break;
    case SubmitStep::form: form_step(ui, state); break;
    case SubmitStep::documents: documents_step(ui, state, out); break;
    case SubmitStep::delivery: delivery_step(ui, state); break;
    case SubmitStep::consent: consent_step(ui, state); break;
    case SubmitStep::review: review_step(ui, state, out); break;
    case SubmitStep::sending: sending_step(ui); break;
  }
}

}  // namespace motcua::kiosk
