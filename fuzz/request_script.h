// The input format of the server_request target: a short script of requests to the server, so
// one input can push and then pull, resend a batch, enrol and use the new token, or page through
// a snapshot. The corpus generator writes it from recorded traffic (make_corpus.cc).
//
//   script := step*            (at most kMaxSteps; the rest of the input is ignored)
//   step   := op:u8 length:u16le body:u8[length]   (a cut last body takes what is left)
//   op     := bits 0-2 Endpoint, bits 3-4 who (index into fuzz_team.h's kTeam),
//             bit 5 kNoCredentials, bit 6 kWrongProtocol, bit 7 kOtherMethod
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fieldsync::fuzz {

enum class Endpoint : uint8_t {
  kEnroll = 0,
  kPush = 1,
  kPull = 2,
  kSnapshot = 3,
  kHealth = 4,
  kUnknownPath = 5,
  kPushDeclaredTooLarge = 6,  // a push whose Content-Length header announces more than the limit
  kPullLowerCaseHeaders = 7,  // a pull with every header name in lower case
};

// Flags of a step.
inline constexpr uint8_t kNoCredentials = 1 << 5;  // no bearer token; an enrolment keeps the body's code
inline constexpr uint8_t kWrongProtocol = 1 << 6;  // X-Fieldsync-Protocol: 2
inline constexpr uint8_t kOtherMethod = 1 << 7;      // POST for health, GET for the rest

inline constexpr size_t kMaxSteps = 8;

struct Step {
  Endpoint endpoint = Endpoint::kHealth;
  size_t who = 0;
  uint8_t flags = 0;
  std::string body;
};

inline std::vector<Step> DecodeScript(const uint8_t* data, size_t size) {
  std::vector<Step> steps;
  size_t pos = 0;
  while (pos < size && steps.size() < kMaxSteps) {
    const uint8_t op = data[pos++];
    size_t length = 0;
    if (pos < size) length = data[pos++];
    if (pos < size) length |= static_cast<size_t>(data[pos++]) << 8;
    length = std::min(length, size - pos);
    Step step;
    step.endpoint = static_cast<Endpoint>(op & 7);
    step.who = (op >> 3) & 3;
    step.flags = op & (kNoCredentials | kWrongProtocol | kOtherMethod);
    step.body.assign(reinterpret_cast<const char*>(data + pos), length);
    pos += length;
    steps.push_back(std::move(step));
  }
  return steps;
}

inline std::string EncodeStep(const Step& step) {
  std::string out;
  out += static_cast<char>(static_cast<uint8_t>(step.endpoint) | (step.who << 3) | step.flags);
  const size_t length = std::min<size_t>(step.body.size(), 0xFFFF);
  out += static_cast<char>(length & 0xFF);
  out += static_cast<char>(length >> 8);
  out.append(step.body, 0, length);
  return out;
}

}  // namespace fieldsync::fuzz
