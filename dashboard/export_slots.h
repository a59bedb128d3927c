// ExportSlots: how many reports and exports the dashboard prepares at once. Each one reads the
// whole plan and writes a temporary file that lives until its download ends; without a cap, a few
// impatient clicks on a big plan would fill the disk and starve the sync API of the store.
// Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>

namespace fieldsync::dashboard {

class ExportSlots {
 public:
  explicit ExportSlots(size_t max);

  // A slot, held until the last copy of the returned token is destroyed (the HTTP adapter keeps
  // it until the file is sent: RouterResponse::body_file_guard); null when all are taken.
  std::shared_ptr<const void> TryTake();
  size_t max() const { return max_; }

 private:
  struct Count {
    std::mutex mu;
    size_t taken = 0;
  };
  const size_t max_;
  // Shared with the tokens, which may outlive the dashboard (a download still streaming at exit).
  std::shared_ptr<Count> count_ = std::make_shared<Count>();
};

}  // namespace fieldsync::dashboard
