#include "fault_proxy/fault_plan.h"

namespace fieldsync::fault_proxy {

const char* FaultName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kNone: return "none";
    case FaultKind::kCutRequest: return "cut_request";
    case FaultKind::kCutResponse: return "cut_response";
    case FaultKind::kReset: return "reset";
    case FaultKind::kStall: return "stall";
    case FaultKind::kLatency: return "latency";
    case FaultKind::kTruncate: return "truncate";
  }
  return "?";
}

std::string FaultSettings::Validate() const {
  for (double p : {cut_request, cut_response, reset, stall, latency, truncate}) {
    if (p < 0 || p > 1) return "every fault probability must be between 0 and 1";
  }
  if (Total() > 1 + 1e-9) {
    return "the fault probabilities add up to " + std::to_string(Total()) +
           "; at most one fault strikes per connection, so their sum must be at most 1";
  }
  if (stall_min > stall_max) return "the shortest stall is longer than the longest";
  if (latency_min > latency_max) return "the smallest added latency is larger than the largest";
  if (stall_close < 0 || stall_close > 1) return "the stall-close probability must be between 0 and 1";
  return "";
}

FaultKind FaultPlan::Pick(double u) const {
  const std::pair<double, FaultKind> table[] = {
      {settings_.cut_request, FaultKind::kCutRequest}, {settings_.cut_response, FaultKind::kCutResponse},
      {settings_.reset, FaultKind::kReset},            {settings_.stall, FaultKind::kStall},
      {settings_.latency, FaultKind::kLatency},        {settings_.truncate, FaultKind::kTruncate}};
  for (const auto& [p, kind] : table) {
    if (u < p) return kind;
    u -= p;
  }
  return FaultKind::kNone;
}

ConnectionFault FaultPlan::Next() {
  std::lock_guard lock(mu_);
  ConnectionFault f;
  if (!enabled_) return f;
  // Draw every parameter for every connection, so the decisions of later connections do not
  // depend on which kind an earlier one got.
  const double u = std::uniform_real_distribution<double>(0, 1)(rng_);
  const uint64_t offset = std::uniform_int_distribution<uint64_t>(0, settings_.max_offset_bytes)(rng_);
  const bool coin = rng_() & 1;
  const auto stall =
      std::uniform_int_distribution<int64_t>(settings_.stall_min.count(), settings_.stall_max.count())(rng_);
  const auto latency =
      std::uniform_int_distribution<int64_t>(settings_.latency_min.count(), settings_.latency_max.count())(rng_);
  const bool close = std::uniform_real_distribution<double>(0, 1)(rng_) < settings_.stall_close;

  f.kind = Pick(u);
  f.offset = offset;
  switch (f.kind) {
    case FaultKind::kNone: break;
    case FaultKind::kCutRequest: f.direction = Direction::kUpstream; break;
    case FaultKind::kCutResponse:
    case FaultKind::kTruncate: f.direction = Direction::kDownstream; break;
    case FaultKind::kReset: f.direction = coin ? Direction::kUpstream : Direction::kDownstream; break;
    case FaultKind::kStall:
      f.direction = coin ? Direction::kUpstream : Direction::kDownstream;
      f.duration = std::chrono::milliseconds(stall);
      f.close_after_stall = close;
      break;
    case FaultKind::kLatency:
      f.offset = 0;
      f.duration = std::chrono::milliseconds(latency);
      break;
  }
  return f;
}

void FaultPlan::SetEnabled(bool enabled) {
  std::lock_guard lock(mu_);
  enabled_ = enabled;
}

}  // namespace fieldsync::fault_proxy
