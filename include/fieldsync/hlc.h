// Hybrid logical clocks (Kulkarni et al., 2014), as SYNC.md requires.
//
// An Hlc is physical milliseconds plus a logical counter; the node id that completes it for
// ordering is the device id stored beside it (see Stamp). Packed into 64 bits
// (ms << 16 | counter) so that integer order is HLC order, in SQLite and on the wire.
//
// HlcClock issues timestamps that never go backwards, even when the wall clock does, and folds in
// every timestamp the node receives. The counter is bounded (16 bits): when it would overflow the
// clock moves its physical part one millisecond ahead instead. Not thread-safe: one owner.
#pragma once

#include <cstdint>
#include <string>

#include "fieldsync/clock.h"
#include "fieldsync/status.h"

namespace fieldsync {

struct Hlc {
  static constexpr uint32_t kMaxCounter = 0xFFFF;
  // The physical part has 48 bits in Pack() (until the year 10889).
  static constexpr int64_t kMaxPhysicalMs = (int64_t{1} << 48) - 1;

  int64_t physical_ms = 0;
  uint32_t counter = 0;

  uint64_t Pack() const { return (static_cast<uint64_t>(physical_ms) << 16) | counter; }
  static Hlc Unpack(uint64_t packed) {
    return Hlc{static_cast<int64_t>(packed >> 16), static_cast<uint32_t>(packed & 0xFFFF)};
  }
  bool IsZero() const { return physical_ms == 0 && counter == 0; }
  // "2023-07-06T08:15:02.123Z+3"
  std::string ToString() const;

  friend auto operator<=>(const Hlc&, const Hlc&) = default;
};

// An HLC with its node id: the total order used to pick a field's winner (S6).
struct Stamp {
  Hlc hlc;
  std::string node;
  friend auto operator<=>(const Stamp&, const Stamp&) = default;
};

class HlcClock {
 public:
  // `last` is the newest timestamp this node has issued or seen (persisted by the caller).
  // `max_forward_drift_ms` bounds how far ahead of this node's wall clock a received timestamp
  // may be before Observe refuses it (S8).
  HlcClock(Clock& clock, Hlc last, int64_t max_forward_drift_ms = kDefaultMaxDriftMs);

  static constexpr int64_t kDefaultMaxDriftMs = 5 * 60 * 1000;

  // A new timestamp for a local event, greater than every one issued or observed before.
  Hlc Now();
  // Folds a received timestamp in. Refuses (InvalidArgument) one further ahead of the wall clock
  // than the drift bound, leaving the clock unchanged.
  Status Observe(Hlc remote);
  // Folds in a timestamp already vetted by a trusted party (the server), without the drift bound.
  void Merge(Hlc remote);
  Hlc last() const { return last_; }
  int64_t max_forward_drift_ms() const { return max_forward_drift_ms_; }

 private:
  void Advance(int64_t physical_candidate, uint32_t counter_if_same);

  Clock* clock_;  // not owned
  Hlc last_;
  int64_t max_forward_drift_ms_;
};

}  // namespace fieldsync
