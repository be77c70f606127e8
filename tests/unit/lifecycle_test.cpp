#include <gtest/gtest.h>

#include "motcua/calendar/civil_date.hpp"
#include "motcua/domain/lifecycle.hpp"
#include "motcua/domain/service_rules.hpp"

using namespace motcua;
using namespace motcua::domain;
using calendar::CivilDate;

namespace {

// Vietnam local time → instant.
TimePoint vn(int y, int m, int d, int hh = 9, int mm = 0) {
  return calendar::vietnam_instant(CivilDate{y, m, d}, std::chrono::hours(hh) + std::chrono::minutes(mm));
}

const calendar::WorkingTime& wt() {
  static const auto w = [] {
    calendar::HolidayOverrides o;
    calendar::YearOverrides y;
    y.year = 2026;
    y.holidays.push_back({calendar::HolidayRule::tet,
                          {{2026, 2, 16}, {2026, 2, 17}, {2026, 2, 18}, {2026, 2, 19}, {2026, 2, 20}},
                          "Tết Bính Ngọ"});
    o.years.push_back(y);
    return *calendar::WorkingTime::create(*calendar::HolidayCalendar::create(o));
  }();
  return w;
}

DueRule three_days() { return DueRule{&wt(), calendar::ProcessingTime{calendar::DeadlineUnit::working_days, 3, {}}}; }

TransitionRequest req(DossierAction a, Actor actor, TimePoint at, std::optional<std::string> note = std::nullopt) {
  TransitionRequest r;
  r.action = a;
  r.actor = actor;
  r.actor_id = std::string(to_string(actor));
  r.at = at;
  r.note = std::move(note);
  return r;
}

// Applies a request that must succeed.
void step(DossierHistory& h, const TransitionRequest& r, const std::optional<DueRule>& due = std::nullopt) {
  auto e = decide(h, r, due);
  ASSERT_TRUE(e) << action_key(r.action) << ": " << e.error().message;
  h.append(*e);
}

DossierHistory submitted(TimePoint at) {
  DossierHistory h;
  step(h, req(DossierAction::submit, Actor::system, at));
  return h;
}

}  // namespace

TEST(Lifecycle, TheUsualPathFromSubmissionToReturnedResult) {
  auto h = submitted(vn(2026, 3, 2, 9));  // Monday
  step(h, req(DossierAction::accept, Actor::staff, vn(2026, 3, 2, 10)), three_days());
  step(h, req(DossierAction::process, Actor::official, vn(2026, 3, 2, 11)));
  step(h, req(DossierAction::finish, Actor::official, vn(2026, 3, 4, 15)));
  step(h, req(DossierAction::return_result, Actor::staff, vn(2026, 3, 5, 8)));
  EXPECT_EQ(h.status(), DossierStatus::result_returned);
  EXPECT_TRUE(is_final(*h.status()));
  // Accepting fixed the appointment: 3 working days after Monday → Thursday 17:00.
  EXPECT_EQ(h.appointment(), vn(2026, 3, 5, 17));
  EXPECT_EQ(classify(h, vn(2026, 3, 10), wt()), Timeliness::early);
}

TEST(Lifecycle, TheAppointmentCountsFromSubmissionAndSkipsTet) {
  auto h = submitted(vn(2026, 2, 12, 14));  // Thursday before the Tết break
  step(h, req(DossierAction::accept, Actor::staff, vn(2026, 2, 13, 9)), three_days());
  // Fri 13 is day 1, then the break (16–20 Feb) and the weekend: 23 and 24 February.
  EXPECT_EQ(h.appointment(), vn(2026, 2, 24, 17));
}

TEST(Lifecycle, EachTransitionIsAllowedOnlyFromItsStatuses) {
  // Walk the whole table: from every status, every action either matches the
  // table or is refused with a conflict naming the current status.
  const DossierStatus all[] = {DossierStatus::submitted, DossierStatus::accepted, DossierStatus::not_accepted,
                               DossierStatus::processing, DossierStatus::supplement_requested,
                               DossierStatus::payment_requested, DossierStatus::withdrawn, DossierStatus::stopped,
                               DossierStatus::result_ready, DossierStatus::result_returned};
  for (const auto& rule : transition_rules()) {
    if (rule.action == DossierAction::submit) continue;
    for (auto from : all) {
      DossierHistory h({DossierEvent{vn(2026, 3, 2), Actor::system, "x", DossierAction::process, from, {}, {}}});
      auto r = req(rule.action, rule.actors.front(), vn(2026, 3, 3), std::string("lý do"));
      r.new_appointment = vn(2026, 4, 1, 17);
      auto e = decide(h, r, three_days());
      const bool allowed = std::find(rule.from.begin(), rule.from.end(), from) != rule.from.end();
      EXPECT_EQ(static_cast<bool>(e), allowed) << action_key(rule.action) << " from " << status_key(from);
      if (!allowed) {
        EXPECT_EQ(e.error().code, Errc::conflict);
        EXPECT_NE(e.error().message.find(std::string(status_key(from))), std::string::npos) << e.error().message;
      } else if (rule.to) {
        EXPECT_EQ(e->status, *rule.to);
      } else {
        EXPECT_EQ(e->status, from);
      }
    }
  }
}

TEST(Lifecycle, OnlyTheRightActorMayActAndSaysWhoCan) {
  auto h = submitted(vn(2026, 3, 2));
  auto e = decide(h, req(DossierAction::accept, Actor::citizen, vn(2026, 3, 2)), three_days());
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::forbidden);
  EXPECT_NE(e.error().message.find("staff"), std::string::npos);
  step(h, req(DossierAction::accept, Actor::staff, vn(2026, 3, 2)), three_days());
  auto finish_by_staff = decide(h, req(DossierAction::process, Actor::staff, vn(2026, 3, 2)));
  EXPECT_FALSE(finish_by_staff);
  // The applicant may withdraw.
  EXPECT_TRUE(decide(h, req(DossierAction::withdraw, Actor::citizen, vn(2026, 3, 3))));
}

TEST(Lifecycle, RejectionAndStoppingNeedAReason) {
  auto h = submitted(vn(2026, 3, 2));
  auto e = decide(h, req(DossierAction::reject, Actor::staff, vn(2026, 3, 2)));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::invalid_argument);
  EXPECT_NE(e.error().message.find("why"), std::string::npos);
  EXPECT_FALSE(decide(h, req(DossierAction::reject, Actor::staff, vn(2026, 3, 2), std::string("   "))));
  EXPECT_TRUE(decide(h, req(DossierAction::reject, Actor::staff, vn(2026, 3, 2), std::string("Thiếu tờ khai"))));
}

TEST(Lifecycle, ASupplementMayBeRequestedOnceAndItsWaitIsNotCounted) {
  auto h = submitted(vn(2026, 3, 2, 9));  // Monday
  step(h, req(DossierAction::accept, Actor::staff, vn(2026, 3, 2, 9)), three_days());
  step(h, req(DossierAction::process, Actor::official, vn(2026, 3, 2, 10)));
  // Tuesday 09:00 the official asks for a missing paper; it comes the next Tuesday 09:00.
  step(h, req(DossierAction::request_supplement, Actor::official, vn(2026, 3, 3, 9), std::string("Thiếu giấy chứng sinh")));
  EXPECT_EQ(classify(h, vn(2026, 3, 6, 18), wt()), Timeliness::not_yet_due) << "the clock stands still while waiting";
  step(h, req(DossierAction::receive_supplement, Actor::staff, vn(2026, 3, 10, 9)));
  auto again = decide(h, req(DossierAction::request_supplement, Actor::official, vn(2026, 3, 10, 10), std::string("nữa")));
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("only once"), std::string::npos);
  // Five working days waited: the appointment moves from Thu 5 to Thu 12 March.
  EXPECT_EQ(effective_appointment(h, vn(2026, 3, 11), wt()), vn(2026, 3, 12, 17));
  step(h, req(DossierAction::finish, Actor::official, vn(2026, 3, 12, 16)));
  EXPECT_EQ(classify(h, vn(2026, 3, 20), wt()), Timeliness::on_time);
}

TEST(Lifecycle, FinishedAfterTheAppointmentIsLateEvenWithAnApology) {
  auto h = submitted(vn(2026, 3, 2, 9));
  step(h, req(DossierAction::accept, Actor::staff, vn(2026, 3, 2, 9)), three_days());
  step(h, req(DossierAction::process, Actor::official, vn(2026, 3, 2, 10)));
  EXPECT_EQ(classify(h, vn(2026, 3, 5, 16), wt()), Timeliness::not_yet_due);
  EXPECT_EQ(classify(h, vn(2026, 3, 6, 8), wt()), Timeliness::overdue);

  auto extend = req(DossierAction::extend, Actor::official, vn(2026, 3, 6, 8), std::string("Xin lỗi ông/bà, hồ sơ cần xác minh thêm"));
  extend.new_appointment = vn(2026, 3, 10, 17);
  step(h, extend);
  EXPECT_EQ(h.appointment(), vn(2026, 3, 10, 17));
  EXPECT_EQ(h.original_appointment(), vn(2026, 3, 5, 17));
  auto twice = decide(h, extend);
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("only once"), std::string::npos);
  step(h, req(DossierAction::finish, Actor::official, vn(2026, 3, 9, 10)));
  EXPECT_EQ(classify(h, vn(2026, 3, 9, 11), wt()), Timeliness::late);
}

TEST(Lifecycle, AnExtensionMustMoveTheAppointmentLater) {
  auto h = submitted(vn(2026, 3, 2, 9));
  step(h, req(DossierAction::accept, Actor::staff, vn(2026, 3, 2, 9)), three_days());
  auto e = req(DossierAction::extend, Actor::official, vn(2026, 3, 3), std::string("Xin lỗi"));
  EXPECT_FALSE(decide(h, e)) << "no new appointment";
  e.new_appointment = vn(2026, 3, 4, 17);
  auto earlier = decide(h, e);
  ASSERT_FALSE(earlier);
  EXPECT_NE(earlier.error().message.find("later"), std::string::npos);
}

TEST(Lifecycle, FinishedOnTheAppointmentDayIsOnTime) {
  auto h = submitted(vn(2026, 3, 2, 9));
  step(h, req(DossierAction::accept, Actor::staff, vn(2026, 3, 2, 9)), three_days());
  step(h, req(DossierAction::process, Actor::official, vn(2026, 3, 2, 10)));
  step(h, req(DossierAction::finish, Actor::official, vn(2026, 3, 5, 16, 59)));
  EXPECT_EQ(classify(h, vn(2026, 3, 6), wt()), Timeliness::on_time);
}

TEST(Lifecycle, WithdrawnOrNotYetAcceptedDossiersAreNotClassified) {
  auto h = submitted(vn(2026, 3, 2));
  EXPECT_EQ(classify(h, vn(2026, 4, 1), wt()), Timeliness::not_applicable);
  step(h, req(DossierAction::withdraw, Actor::citizen, vn(2026, 3, 3)));
  EXPECT_EQ(classify(h, vn(2026, 4, 1), wt()), Timeliness::not_applicable);
  EXPECT_FALSE(decide(h, req(DossierAction::accept, Actor::staff, vn(2026, 3, 4)), three_days()));
}

TEST(Lifecycle, ActionKeysRoundTripAndHaveVietnameseLabels) {
  for (const auto& rule : transition_rules()) {
    EXPECT_EQ(action_from_key(action_key(rule.action)), rule.action);
    EXPECT_FALSE(action_label_vi(rule.action).empty());
  }
  EXPECT_EQ(action_from_key("request_supplement"), DossierAction::request_supplement);
  EXPECT_FALSE(action_from_key("explode"));
}

TEST(Lifecycle, CatalogProcessingTimesMapToWorkingTimeRules) {
  auto same_day = processing_time(Processing{ProcessingKind::same_day, 0, std::string("15:00"), ""});
  ASSERT_TRUE(same_day);
  EXPECT_EQ(same_day->unit, calendar::DeadlineUnit::same_day);
  EXPECT_EQ(same_day->cutoff, std::chrono::minutes(15 * 60));
  EXPECT_FALSE(processing_time(Processing{ProcessingKind::working_days, 3, std::string("25:00"), ""}));
  // Birth registration received at 15:30 is due the next working day.
  auto due = wt().due(vn(2026, 3, 2, 15, 30), *same_day);
  ASSERT_TRUE(due);
  EXPECT_EQ(*due, vn(2026, 3, 3, 17));
}

// ---- service levels and channel rules

TEST(ServiceRules, LevelDecidesSubmissionPaymentAndDelivery) {
  Service s;
  s.level = 2;
  EXPECT_FALSE(channel_rules(s).kiosk_accepts);
  EXPECT_TRUE(channel_rules(s).payment.empty());

  s.level = 3;
  auto r3 = channel_rules(s);
  EXPECT_TRUE(r3.kiosk_accepts);
  EXPECT_EQ(r3.payment, (std::vector<PaymentMethod>{PaymentMethod::at_desk, PaymentMethod::public_post}));
  EXPECT_EQ(r3.delivery, (std::vector<ResultDelivery>{ResultDelivery::at_desk, ResultDelivery::public_post}));
  EXPECT_FALSE(paper_dossier_by_post_required(s, false));

  s.level = 4;
  auto r4 = channel_rules(s);
  EXPECT_EQ(r4.payment, (std::vector<PaymentMethod>{PaymentMethod::online, PaymentMethod::bank_transfer,
                                                    PaymentMethod::public_post}));
  EXPECT_EQ(r4.delivery, (std::vector<ResultDelivery>{ResultDelivery::online, ResultDelivery::public_post}));
  EXPECT_TRUE(r4.digital_signature_encouraged);
  EXPECT_TRUE(paper_dossier_by_post_required(s, false));
  EXPECT_FALSE(paper_dossier_by_post_required(s, true));
}

TEST(ServiceRules, The2022ClassificationMapsToLevels) {
  Service s;
  s.online_scope = OnlineScope::full;
  EXPECT_EQ(effective_level(s), 4);
  s.online_scope = OnlineScope::partial;
  EXPECT_EQ(effective_level(s), 3);
  s.online_scope = OnlineScope::none;
  EXPECT_EQ(effective_level(s), 0);
}

TEST(ServiceRules, RefundsFollowWhetherTheAgencyPerformed) {
  EXPECT_EQ(refund_decision(false, DossierStatus::stopped), RefundDecision::not_applicable);
  EXPECT_EQ(refund_decision(true, DossierStatus::stopped), RefundDecision::refund_due);
  EXPECT_EQ(refund_decision(true, DossierStatus::not_accepted), RefundDecision::refund_due);
  EXPECT_EQ(refund_decision(true, DossierStatus::result_ready), RefundDecision::no_refund)
      << "the agency finished; the applicant not collecting is no ground for a refund";
  EXPECT_EQ(refund_decision(true, DossierStatus::result_returned), RefundDecision::no_refund);
  EXPECT_EQ(refund_decision(true, DossierStatus::processing), RefundDecision::pending);
  EXPECT_EQ(refund_decision(true, DossierStatus::withdrawn), RefundDecision::review);
}

TEST(ServiceRules, ChoicesOutsideTheLevelAreRefusedByName) {
  Service s;
  s.code = "1.001193";
  s.level = 3;
  EXPECT_TRUE(check_choices(s, PaymentMethod::at_desk, ResultDelivery::public_post));
  auto online = check_choices(s, PaymentMethod::online, std::nullopt);
  ASSERT_FALSE(online);
  EXPECT_NE(online.error().message.find("online"), std::string::npos);
  EXPECT_NE(online.error().message.find("level 3"), std::string::npos);
  EXPECT_FALSE(check_choices(s, std::nullopt, ResultDelivery::online));
  s.level = 4;
  EXPECT_TRUE(check_choices(s, PaymentMethod::bank_transfer, ResultDelivery::online));
  EXPECT_FALSE(check_choices(s, PaymentMethod::at_desk, std::nullopt));
  EXPECT_EQ(payment_method_from_string("bank_transfer"), PaymentMethod::bank_transfer);
  EXPECT_FALSE(payment_method_from_string("cash"));
}
