#include "corpus_writer.h"

#include "wire_changes.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

#include "fieldsync.pb.h"
#include "fieldsync/protocol.h"
#include "fuzz_check.h"
#include "fuzz_team.h"
#include "request_script.h"

namespace fieldsync::fuzz {
namespace {

constexpr const char* kTargets[] = {"server_push", "server_request", "device_pull", "wire_change"};

std::string Numbered(const std::string& label, size_t n) {
  std::string digits = std::to_string(n);
  return "gen-" + label + "-" + std::string(digits.size() < 3 ? 3 - digits.size() : 0, '0') + digits;
}

Endpoint EndpointOf(const std::string& path) {
  if (path == protocol::kEnrollPath) return Endpoint::kEnroll;
  if (path == protocol::kPushPath) return Endpoint::kPush;
  if (path == protocol::kPullPath) return Endpoint::kPull;
  if (path == protocol::kSnapshotPath) return Endpoint::kSnapshot;
  return Endpoint::kHealth;
}

}  // namespace

CorpusWriter::CorpusWriter(std::string out_dir, std::map<std::string, std::string> device_users)
    : out_dir_(std::move(out_dir)), device_users_(std::move(device_users)) {}

void CorpusWriter::Add(const std::string& target, const std::string& name, const std::string& bytes) {
  files_[target][name] = bytes;
}

std::string CorpusWriter::FuzzDeviceOf(const std::string& device_id) const {
  auto it = device_users_.find(device_id);
  if (it == device_users_.end()) return device_id;  // the server's own device, say
  size_t who = TeamIndexOf(it->second);
  return who < kTeamSize ? kTeam[who].device_id : device_id;
}

// `text` with every recorded device id replaced by its fuzz device id (conflict record ids and
// their winner_device/loser_device values name devices).
std::string CorpusWriter::InFuzzWorld(std::string text) const {
  for (const auto& [device_id, user] : device_users_) {
    const std::string fuzz_id = FuzzDeviceOf(device_id);
    for (size_t at = text.find(device_id); at != std::string::npos; at = text.find(device_id, at + fuzz_id.size())) {
      text.replace(at, device_id.size(), fuzz_id);
    }
  }
  return text;
}

// The ChangeSet as team member `who`'s fuzz device would push it: its device id and user on the
// batch and every change, and the fuzz ids of the devices named in record ids and values.
std::string CorpusWriter::AsTeamMember(const std::string& change_set, size_t who) const {
  wire::ChangeSet set;
  FUZZ_CHECK(set.ParseFromString(change_set), "a recorded push is not a ChangeSet");
  set.set_device_id(kTeam[who].device_id);
  auto changes = ChangesOf(set);
  for (auto& c : changes) {
    c.set_device_id(kTeam[who].device_id);
    c.set_author(kTeam[who].user);
    c.set_record_id(InFuzzWorld(c.record_id()));
    c.set_seen_device_id(InFuzzWorld(c.seen_device_id()));
    if (c.value().has_text()) c.mutable_value()->set_text(InFuzzWorld(c.value().text()));
  }
  SetChanges(set, changes);  // in the form the tablet sent: the corpus covers both
  return set.SerializeAsString();
}

void CorpusWriter::WriteServerPush(const std::vector<Exchange>& traffic) {
  size_t n = 0;
  for (const auto& e : traffic) {
    if (e.path == protocol::kPushPath) Add("server_push", Numbered("push", ++n), AsTeamMember(e.request_body, kLeader));
  }
}

void CorpusWriter::WriteServerRequest(const std::vector<Exchange>& traffic) {
  // Each tablet's own requests in order, cut into scripts.
  std::map<std::string, std::vector<Step>> steps_of;
  for (const auto& e : traffic) {
    const size_t who = TeamIndexOf(e.user);
    if (who >= kTeamSize) continue;
    Step step{EndpointOf(e.path), who, 0, e.request_body};
    if (step.endpoint == Endpoint::kPush) step.body = AsTeamMember(e.request_body, who);
    if (step.endpoint == Endpoint::kEnroll) {
      wire::EnrollRequest enroll;
      FUZZ_CHECK(enroll.ParseFromString(e.request_body), "a recorded enrolment is not an EnrollRequest");
      enroll.set_device_id(kTeam[who].device_id);
      step.body = enroll.SerializeAsString();
    }
    steps_of[e.user].push_back(std::move(step));
  }
  // The whole team's pushes in order, so conflicts arise on the server; and for each push that
  // resolves conflicts, the earlier pushes of the records it resolves, so that it finds them.
  std::vector<Step> team;
  std::vector<std::set<std::string>> records;  // per push: the answers (not conflicts) it writes
  for (const auto& e : traffic) {
    const size_t who = TeamIndexOf(e.user);
    if (who >= kTeamSize || e.path != protocol::kPushPath) continue;
    team.push_back(Step{Endpoint::kPush, who, 0, AsTeamMember(e.request_body, who)});
    wire::ChangeSet set;
    FUZZ_CHECK(set.ParseFromString(team.back().body), "a rewritten push is not a ChangeSet");
    records.emplace_back();
    for (const auto& c : ChangesOf(set)) {
      if (c.record_type() != "conflict") records.back().insert(c.record_id());
    }
  }
  for (size_t start = 0; start < team.size(); start += kMaxSteps) {
    std::string script;
    for (size_t i = start; i < std::min(team.size(), start + kMaxSteps); ++i) script += EncodeStep(team[i]);
    Add("server_request", Numbered("team", start / kMaxSteps + 1), script);
  }
  size_t resolutions = 0;
  for (size_t i = 0; i < team.size(); ++i) {
    if (team[i].body.find("conflict/") == std::string::npos) continue;
    std::vector<size_t> story;
    for (size_t j = i; j-- > 0 && story.size() + 1 < kMaxSteps;) {
      const bool related = std::any_of(records[j].begin(), records[j].end(),
                                       [&](const std::string& id) { return records[i].count(id) > 0; });
      if (related) story.insert(story.begin(), j);
    }
    std::string script;
    for (size_t j : story) script += EncodeStep(team[j]);
    Add("server_request", Numbered("resolution", ++resolutions), script + EncodeStep(team[i]));
  }
  std::vector<Step> first_push;  // a push with what follows it, for the variants below
  for (const auto& [user, steps] : steps_of) {
    for (size_t start = 0; start < steps.size(); start += kMaxSteps) {
      std::string script;
      for (size_t i = start; i < std::min(steps.size(), start + kMaxSteps); ++i) script += EncodeStep(steps[i]);
      Add("server_request", Numbered(user, start / kMaxSteps + 1), script);
    }
    for (const auto& s : steps) {
      if (first_push.empty() && s.endpoint == Endpoint::kPush) first_push.push_back(s);
    }
  }
  if (first_push.empty()) return;
  // Variants of one push: resent (ALREADY_HAD), then pulled; and each way a request can be wrong.
  Step push = first_push.front();
  Step pull{Endpoint::kPull, push.who, 0, ""};
  wire::PullRequest from_start;
  from_start.set_protocol_version(protocol::kVersion);
  pull.body = from_start.SerializeAsString();
  Add("server_request", "gen-variant-resend", EncodeStep(push) + EncodeStep(push) + EncodeStep(pull));
  const std::pair<const char*, Step> variants[] = {
      {"no-token", Step{Endpoint::kPush, push.who, kNoCredentials, push.body}},
      {"wrong-protocol", Step{Endpoint::kPush, push.who, kWrongProtocol, push.body}},
      {"get-push", Step{Endpoint::kPush, push.who, kOtherMethod, push.body}},
      {"declared-too-large", Step{Endpoint::kPushDeclaredTooLarge, push.who, 0, push.body}},
      {"lower-case-pull", Step{Endpoint::kPullLowerCaseHeaders, push.who, 0, pull.body}},
      {"unknown-path", Step{Endpoint::kUnknownPath, push.who, 0, pull.body}},
      {"health", Step{Endpoint::kHealth, push.who, 0, ""}},
  };
  for (const auto& [name, step] : variants) Add("server_request", std::string("gen-variant-") + name, EncodeStep(step));
}

void CorpusWriter::WriteDevicePull(const std::vector<Exchange>& traffic) {
  std::set<std::string> seen;
  size_t pulls = 0, snapshots = 0;
  std::string snapshot_user;  // every tablet reads about the same snapshot: keep the first one's
  for (const auto& e : traffic) {
    if (e.status != 200) continue;
    if (e.path == protocol::kPullPath && seen.insert(e.response_body).second) {
      Add("device_pull", Numbered("pull", ++pulls), e.response_body);
    }
    wire::SnapshotResponse snapshot;
    if (e.path != protocol::kSnapshotPath || !snapshot.ParseFromString(e.response_body)) continue;
    if (snapshot_user.empty()) snapshot_user = e.user;
    if (e.user != snapshot_user) continue;
    wire::PullResponse page;
    page.set_protocol_version(snapshot.protocol_version());
    page.set_server_hlc(snapshot.server_hlc());
    *page.mutable_changes() = snapshot.fields();
    page.set_next_cursor(snapshot.as_of_server_seq());
    page.set_has_more(!snapshot.next_page_token().empty());
    page.set_scope_fingerprint(snapshot.scope_fingerprint());
    if (seen.insert(page.SerializeAsString()).second) {
      Add("device_pull", Numbered("snapshot", ++snapshots), page.SerializeAsString());
    }
  }
}

void CorpusWriter::WriteWireChange(const std::vector<Exchange>& traffic) {
  std::set<std::tuple<std::string, std::string, int, bool>> kinds;
  auto add = [&](const wire::Change& c) {
    if (!kinds.emplace(c.record_type(), c.field(), c.value().kind_case(), c.tombstone()).second) return;
    Add("wire_change", "gen-" + c.record_type() + "-" + c.field() + (c.tombstone() ? "-deleted" : ""),
        c.SerializeAsString());
  };
  for (const auto& e : traffic) {
    wire::ChangeSet pushed;
    wire::PullResponse pulled;
    wire::SnapshotResponse snapshot;
    if (e.path == protocol::kPushPath && pushed.ParseFromString(e.request_body)) {
      for (const auto& c : ChangesOf(pushed)) add(c);
    }
    if (e.path == protocol::kPullPath && pulled.ParseFromString(e.response_body)) {
      for (const auto& c : ChangesOf(pulled)) add(c);
    }
    if (e.path == protocol::kSnapshotPath && snapshot.ParseFromString(e.response_body)) {
      for (const auto& c : snapshot.fields()) add(c);
    }
  }
}

std::map<std::string, int> CorpusWriter::Write(const std::vector<Exchange>& traffic) {
  files_.clear();
  WriteServerPush(traffic);
  WriteServerRequest(traffic);
  WriteDevicePull(traffic);
  WriteWireChange(traffic);
  namespace fs = std::filesystem;
  std::map<std::string, int> written;
  for (const char* target : kTargets) {
    const fs::path dir = fs::path(out_dir_) / target;
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().filename().string().starts_with("gen-")) fs::remove(entry.path());
    }
    for (const auto& [name, bytes] : files_[target]) {
      std::ofstream out(dir / name, std::ios::binary);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      FUZZ_CHECK(out.good(), "cannot write " + (dir / name).string());
      ++written[target];
    }
  }
  return written;
}

}  // namespace fieldsync::fuzz
