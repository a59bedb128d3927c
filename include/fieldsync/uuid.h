// Record and device ids: random (version 4) UUIDs in canonical lowercase text form, made on the
// device that creates the record (SYNC.md). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace fieldsync {

std::string NewUuid();
bool IsUuid(std::string_view text);

}  // namespace fieldsync
