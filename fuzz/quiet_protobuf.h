// Protobuf logs an error for every string field with invalid UTF-8 it refuses to parse; fuzz inputs
// are full of them and the log would drown libFuzzer's output. Every target calls this first.
#pragma once

#include <google/protobuf/stubs/logging.h>

#include <string>

namespace fieldsync::fuzz {

inline void IgnoreProtobufLog(google::protobuf::LogLevel, const char*, int, const std::string&) {}

inline void QuietProtobufLogs() {
  static const bool quiet = (google::protobuf::SetLogHandler(&IgnoreProtobufLog), true);
  (void)quiet;
}

}  // namespace fieldsync::fuzz
