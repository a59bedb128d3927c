// The tablet the device targets apply server answers to: the team leader's DeviceStore (on tmpfs)
// with the seed plan loaded as reference data, as `fieldsync load-demo` does, and two answers of
// his own waiting in the outbox, so that received changes meet local ones; a fixed wall clock.
// Made once per process; FreshStore() puts it back to that state whenever an input wrote to it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "db_file.h"
#include "fieldsync/device_store.h"
#include "fixed_clock.h"
#include "fuzz_team.h"
#include "scratch_dir.h"

namespace fieldsync::fuzz {

class DeviceFixture {
 public:
  static DeviceFixture& Get();

  // The store in its set-up state.
  DeviceStore& FreshStore();
  // True when a transaction was committed on the store since FreshStore().
  bool CommittedSinceFresh();
  // The store's file as it is committed now (DatabaseReader::Digest), and as it was set up.
  std::string Digest() { return reader_->Digest(); }
  const std::string& SetUpDigest() const { return set_up_digest_; }

 private:
  DeviceFixture();
  void Open();

  ScratchDir dir_{"device"};
  const std::string db_path_ = dir_.File("tablet.db");
  FixedClock clock_{kFuzzNowMs};
  SavedDatabase set_up_;
  std::string set_up_digest_;
  std::unique_ptr<DeviceStore> store_;
  std::unique_ptr<DatabaseReader> reader_;
  bool committed_ = false;
};

}  // namespace fieldsync::fuzz
