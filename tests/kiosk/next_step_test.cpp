// "What must I do now?" in plain words, from the dossier's status: bring what
// the office asked for (5), pay and how (6), collect the result and where (9),
// the reason and where to ask (3, 8), nothing (10).

#include <gtest/gtest.h>

#include <filesystem>

#include "app/next_step.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/json.hpp"

using namespace motcua;
using namespace motcua::kiosk;

namespace {

LookupResult with_status(domain::DossierStatus s, std::optional<std::string> note = std::nullopt) {
  LookupResult r;
  r.view.code = "H41.26.01-260305-0001";
  r.view.status = std::string(domain::status_key(s));
  r.view.status_code = static_cast<int>(s);
  r.view.timeliness = "not_yet_due";
  protocol::StatusEvent submitted;
  submitted.status = "submitted";
  submitted.label = "Nộp hồ sơ";
  r.view.events.push_back(submitted);
  protocol::StatusEvent ev;
  ev.status = r.view.status;
  ev.note = std::move(note);
  r.view.events.push_back(ev);
  return r;
}

domain::Service level(int n) {
  domain::Service s;
  s.code = "1.001193";
  s.level = n;
  return s;
}

bool has_key(const std::string& key) {
  static const Json vi = [] {
    auto text = fs::read_file(std::filesystem::path(MOTCUA_SOURCE_DIR) / "assets" / "i18n" / "vi.json");
    return parse_json(text ? *text : "{}").value_or(Json::object());
  }();
  return vi.contains(key);
}

}  // namespace

TEST(NextStep, SupplementRequestedShowsWhatToBring) {
  const auto n = next_step(with_status(domain::DossierStatus::supplement_requested, "Bản sao sổ hộ khẩu"), nullptr);
  EXPECT_TRUE(n.action);
  EXPECT_EQ(n.key, "next.supplement");
  EXPECT_EQ(n.note, "Bản sao sổ hộ khẩu");
  EXPECT_TRUE(n.ask_office);
}

TEST(NextStep, PaymentUsesTheDossiersMethodElseWhatTheLevelAllows) {
  const auto r = with_status(domain::DossierStatus::payment_requested, "Lệ phí 8.000 đ");
  const domain::Service l3 = level(3), l4 = level(4);
  auto chosen = next_step(r, &l4, domain::PaymentMethod::bank_transfer);
  EXPECT_TRUE(chosen.action);
  EXPECT_EQ(chosen.key, "next.payment");
  EXPECT_EQ(chosen.ways, std::vector<std::string>{"next.pay.bank_transfer"});
  EXPECT_EQ(chosen.note, "Lệ phí 8.000 đ");
  // Unknown choice: level 3 pays at the desk or by post (the regulation).
  auto unknown = next_step(r, &l3);
  EXPECT_EQ(unknown.ways, (std::vector<std::string>{"next.pay.at_desk", "next.pay.public_post"}));
}

TEST(NextStep, ResultReadySaysWhereTheResultIs) {
  const auto r = with_status(domain::DossierStatus::result_ready);
  const domain::Service l4 = level(4);
  EXPECT_EQ(next_step(r, &l4, std::nullopt, domain::ResultDelivery::at_desk).ways,
            std::vector<std::string>{"next.collect.at_desk"});
  EXPECT_EQ(next_step(r, &l4, std::nullopt, domain::ResultDelivery::public_post).ways,
            std::vector<std::string>{"next.collect.public_post"});
  EXPECT_EQ(next_step(r, &l4, std::nullopt, domain::ResultDelivery::online).ways,
            std::vector<std::string>{"next.collect.online"});
  EXPECT_TRUE(next_step(r, &l4).action);
}

TEST(NextStep, RejectedOrStoppedShowTheReasonAndWhereToAsk) {
  for (auto s : {domain::DossierStatus::not_accepted, domain::DossierStatus::stopped}) {
    const auto n = next_step(with_status(s, "Không thuộc thẩm quyền của xã"), nullptr);
    EXPECT_FALSE(n.action);
    EXPECT_TRUE(n.ask_office);
    EXPECT_EQ(n.note, "Không thuộc thẩm quyền của xã");
  }
}

TEST(NextStep, NothingToDoWhileProcessingOrAfterTheResult) {
  for (auto s : {domain::DossierStatus::submitted, domain::DossierStatus::accepted, domain::DossierStatus::processing,
                 domain::DossierStatus::withdrawn, domain::DossierStatus::result_returned}) {
    const auto n = next_step(with_status(s), nullptr);
    EXPECT_FALSE(n.action) << n.key;
    EXPECT_TRUE(n.ways.empty());
  }
  EXPECT_EQ(next_step(with_status(domain::DossierStatus::result_returned), nullptr).key, "next.returned");
}

TEST(NextStep, OverdueSaysSoAndWhereToAsk) {
  auto r = with_status(domain::DossierStatus::processing);
  r.view.timeliness = "overdue";
  const auto n = next_step(r, nullptr);
  EXPECT_TRUE(n.overdue);
  EXPECT_TRUE(n.ask_office);
}

TEST(NextStep, EveryInstructionExistsInTheStrings) {
  const domain::Service l3 = level(3), l4 = level(4);
  for (int code = 1; code <= 10; ++code) {
    const auto s = *domain::status_from_int(code);
    for (const domain::Service* svc : {&l3, &l4}) {
      const auto n = next_step(with_status(s, "note"), svc);
      EXPECT_TRUE(has_key(n.key)) << n.key;
      for (const auto& w : n.ways) EXPECT_TRUE(has_key(w)) << w;
    }
  }
  for (auto d : {domain::ResultDelivery::at_desk, domain::ResultDelivery::public_post, domain::ResultDelivery::online})
    for (const auto& w : next_step(with_status(domain::DossierStatus::result_ready), &l4, std::nullopt, d).ways)
      EXPECT_TRUE(has_key(w)) << w;
  LookupResult local;
  local.source = LookupSource::outbox;
  EXPECT_TRUE(has_key(next_step(local, nullptr).key));
}
