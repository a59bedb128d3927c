// Workload: the random local work of one tablet in one round, drawn from its own generator (seeded
// from the run's seed, the round and the device) so devices can work in parallel and a seed still
// replays the same edits. Mostly answers to a few "hot" items the whole team touches, so edits
// collide; part and whole deletes of answers the tablet holds; leader and deputy also resolve
// open conflicts (keep winner, keep loser or a merged text).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "soak/device.h"
#include "soak/team.h"

namespace fieldsync::soak {

struct WorkloadSettings {
  int max_edits_per_round = 5;   // per device, uniform 1..max
  double hot_share = 0.7;        // edits that go to the two first items of a unit
  double delete_part = 0.12;     // probability an edit deletes one part of a held answer
  double delete_answer = 0.06;   // ... deletes a held answer as a whole
  int max_resolutions = 2;       // per leader/deputy and round
};

struct EditCounts {
  int answers = 0, part_deletes = 0, answer_deletes = 0, resolutions = 0;
  EditCounts& operator+=(const EditCounts& o);
};

// Runs the round's commands on `device`. A command the CLI refuses is appended to `errors`: the
// workload only asks for what the user may do, so a refusal is a finding.
EditCounts PlayRound(Device& device, const TeamMember& who, const WorkloadSettings& settings, std::mt19937_64& rng,
                     int round, std::vector<std::string>& errors);

// The generator of one device in one round.
std::mt19937_64 RoundRng(uint64_t seed, int round, int device_index);

}  // namespace fieldsync::soak
