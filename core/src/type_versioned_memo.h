// TypeVersionedMemo: keeps results derived from records of a few types (a unit found by its code,
// the user's role in a session) until DeviceStore::TypeVersion says one of those types changed.
// A tap on the tablet looks the same plan records up every time; the plan changes only on a pull.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fieldsync/device_store.h"

namespace fieldsync {

template <typename V>
class TypeVersionedMemo {
 public:
  explicit TypeVersionedMemo(std::vector<std::string> types) : types_(std::move(types)) {}

  // The value kept for `key`, or `make()`'s (kept when it succeeds). Errors are not kept.
  Result<V> Get(const DeviceStore& store, const std::string& key, const std::function<Result<V>()>& make) {
    std::vector<uint64_t> now;
    now.reserve(types_.size());
    for (const auto& type : types_) {
      FS_ASSIGN_OR_RETURN(uint64_t v, store.TypeVersion(type));
      now.push_back(v);
    }
    if (now != versions_) {
      values_.clear();
      versions_ = std::move(now);
    }
    if (auto it = values_.find(key); it != values_.end()) return it->second;
    FS_ASSIGN_OR_RETURN(V value, make());
    values_.emplace(key, value);
    return value;
  }

 private:
  std::vector<std::string> types_;
  std::vector<uint64_t> versions_;
  std::unordered_map<std::string, V> values_;
};

}  // namespace fieldsync
