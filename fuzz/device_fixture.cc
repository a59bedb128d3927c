#include "device_fixture.h"

#include "fieldsync/checklist.h"
#include "fieldsync/seed_scenario.h"
#include "fuzz_check.h"

namespace fieldsync::fuzz {

DeviceFixture& DeviceFixture::Get() {
  static DeviceFixture* fixture = new DeviceFixture();  // never destroyed: targets may exit anywhere
  return *fixture;
}

DeviceFixture::DeviceFixture() {
  Open();
  FUZZ_CHECK(store_->Initialize(kTeam[kLeader].user).ok(), "Initialize");
  Checklist checklist(*store_);
  auto loaded = checklist.LoadPlan(seed::Plan31());
  FUZZ_CHECK(loaded.ok(), loaded.status().ToString());
  AnswerEdit first;
  first.rating = "tot";
  first.results = "Quận ủy ban hành kế hoạch triển khai Luật Thực hiện dân chủ ở cơ sở";
  AnswerEdit second;
  second.results = "Phối hợp với Mặt trận Tổ quốc quận triển khai phong trào “Dân vận khéo”";
  FUZZ_CHECK(checklist.Answer("Q4", "A1", first).ok(), "answer Q4 A1");
  FUZZ_CHECK(checklist.Answer("Q4", "A5", second).ok(), "answer Q4 A5");
  reader_.reset();
  store_.reset();
  set_up_ = SavedDatabase::Of(db_path_);
  Open();
  set_up_digest_ = reader_->Digest();
}

void DeviceFixture::Open() {
  DeviceStoreOptions options;
  options.clock = &clock_;
  auto store = DeviceStore::Open(db_path_, options);
  FUZZ_CHECK(store.ok(), store.status().ToString());
  store_ = std::move(store).value();
  reader_ = std::make_unique<DatabaseReader>(db_path_);
}

DeviceStore& DeviceFixture::FreshStore() {
  if (CommittedSinceFresh()) {
    reader_.reset();
    store_.reset();
    set_up_.RestoreTo(db_path_);
    Open();
    committed_ = false;
  }
  return *store_;
}

bool DeviceFixture::CommittedSinceFresh() {
  if (reader_->CommittedSinceLastCall()) committed_ = true;
  return committed_;
}

}  // namespace fieldsync::fuzz
