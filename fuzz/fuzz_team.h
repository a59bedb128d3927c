// The fixed world every fuzz target and the corpus generator share: the seed plan's team with one
// enrolled device each, and the times. The generator rewrites the real traffic it records to these
// device ids, so the corpus is accepted by the targets' servers.
#pragma once

#include <cstdint>
#include <string>

#include "fieldsync/domain.h"

namespace fieldsync::fuzz {

// 2023-07-06T08:00:00Z, the first visit's morning: the corpus generator's tablets start here.
inline constexpr int64_t kVisitDayMs = 1'688'630'400'000;
// The targets' servers and tablets live a week later, so every recorded change is in their past.
inline constexpr int64_t kFuzzNowMs = kVisitDayMs + 7LL * 24 * 60 * 60 * 1000;

struct TeamMember {
  const char* user;
  domain::Role role;
  const char* full_name;
  const char* device_id;  // the device the fuzz servers enrol for this user
};

// Index = the `who` a server_request step names (request_script.h); the leader comes first
// because server_push pushes as him.
inline constexpr TeamMember kTeam[] = {
    {"luan", domain::Role::kLeader, "Ngô Văn Luận", "fuzz-luan"},
    {"tham", domain::Role::kDeputy, "Nguyễn Thị Hồng Thắm", "fuzz-tham"},
    {"khoa", domain::Role::kMember, "Trần Minh Khoa", "fuzz-khoa"},
    {"thuongtruc", domain::Role::kSecretariat, "Thường trực Ban Chỉ đạo", "fuzz-secretariat"},
};
inline constexpr size_t kTeamSize = sizeof(kTeam) / sizeof(kTeam[0]);
inline constexpr size_t kLeader = 0;
inline constexpr size_t kSecretariat = 3;

// The team index of `user`, or kTeamSize when not on the team.
inline size_t TeamIndexOf(const std::string& user) {
  for (size_t i = 0; i < kTeamSize; ++i) {
    if (user == kTeam[i].user) return i;
  }
  return kTeamSize;
}

}  // namespace fieldsync::fuzz
