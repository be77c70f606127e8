#include "support/sample_receipt.hpp"

#include "motcua/calendar/civil_date.hpp"
#include "motcua/domain/vietqr.hpp"

namespace motcua::test {

document::FormReceipt sample_receipt() {
  using namespace std::chrono;
  document::FormReceipt r;
  r.parent_agency = "UBND TỈNH PHÚ THỌ";
  r.agency.id = "H44.27.05";
  r.agency.name = "UBND xã Tân Lạc";
  r.agency.address = "Khu 3, xã Tân Lạc, tỉnh Phú Thọ";
  r.agency.phone = "0218 3861 234";
  r.agency.email = "motcua.tanlac@phutho.gov.vn";
  r.agency.hours = "Thứ Hai – Thứ Sáu, 07:30–11:30 và 13:30–17:00";
  r.agency.bank = domain::BankAccount{"970415", "113366668888", "UBND XA TAN LAC", "VietinBank"};
  r.place = "Tân Lạc";
  r.dossier_code = "H44.27.05-261130-0042";
  r.lookup_secret = "K7QM";
  r.service_name = "Đăng ký khai sinh";
  r.service_code = "1.001193";
  r.applicant_name = "Nguyễn Thị Hồng Nhung";
  r.applicant_phone = "0912345678";
  r.documents = {
      {"Tờ khai đăng ký khai sinh theo mẫu", 1, 0, 1},
      {"Giấy chứng sinh do cơ sở khám bệnh, chữa bệnh cấp", 1, 0, 2},
      {"Giấy tờ tùy thân của người đi đăng ký (Căn cước công dân)", 0, 1, 2},
  };
  r.sets = 1;
  r.processing_time = "Trong ngày làm việc";
  r.received = calendar::vietnam_instant({2026, 11, 30}, hours(10) + minutes(32));
  r.appointment = calendar::vietnam_instant({2026, 12, 1}, hours(16));
  r.delivery = domain::ResultDelivery::at_desk;
  r.result_place = "Bộ phận một cửa UBND xã Tân Lạc";
  r.fee.amount_vnd = 8000;
  r.fee.note = "bản sao trích lục";
  r.fee.method = domain::PaymentMethod::bank_transfer;
  r.fee.account = r.agency.bank;
  const auto transfer = domain::dossier_fee_transfer(*r.agency.bank, 8000, r.dossier_code);
  r.fee.transfer_purpose = transfer->purpose;
  r.fee.vietqr_payload = *domain::build_vietqr(*transfer);
  r.ledger_book = "01/2026";
  r.ledger_number = "0042";
  return r;
}

}  // namespace motcua::test
