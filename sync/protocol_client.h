// ProtocolClient: one protobuf request/response exchange with the server, with the protocol
// headers, the bearer token, retries (exponential backoff with full jitter) for transport failures
// and 5xx answers, and server error bodies turned into Status messages a person can act on.
// Bodies travel zstd-compressed (body_compression.h): answers whenever the server compresses them,
// requests once the server has said it takes them.
#pragma once

#include <random>
#include <string>

#include "fieldsync.pb.h"
#include "fieldsync/http_transport.h"
#include "fieldsync/sync_engine.h"

namespace fieldsync {

class ProtocolClient {
 public:
  ProtocolClient(HttpTransport& transport, const SyncOptions& options, std::string token);

  // Sends `request` to `path` and parses the answer into `response`.
  Status Call(const std::string& path, const google::protobuf::MessageLite& request,
              google::protobuf::MessageLite* response);
  int retries() const { return retries_; }
  // The ErrorResponse code of the last refused call ("resync_required", ...), "" otherwise.
  const std::string& last_error_code() const { return last_error_code_; }
  const std::string& last_error_message() const { return last_error_message_; }
  // ErrorResponse.refused_change of the last refused call: the 1-based position of the change that
  // caused a push refusal, 0 when none was named.
  uint32_t last_refused_change() const { return last_refused_change_; }
  // Whether request bodies are compressed: set by an answer advertising `Accept-Encoding: zstd`,
  // or up front from what an earlier sync learned.
  bool compress_requests() const { return compress_requests_; }
  void set_compress_requests(bool on) { compress_requests_ = on; }

 private:
  // Undoes the answer's Content-Encoding and notes whether the server takes compressed requests.
  Status DecodeAnswer(const std::string& path, HttpResponse& answer);
  Status StatusFromAnswer(const std::string& path, const HttpResponse& answer);
  void Backoff(int attempt);

  HttpTransport& transport_;
  const SyncOptions& options_;
  std::string token_;
  std::mt19937_64 rng_;
  int retries_ = 0;
  std::string last_error_code_;
  std::string last_error_message_;
  uint32_t last_refused_change_ = 0;
  bool compress_requests_ = false;
};

}  // namespace fieldsync
