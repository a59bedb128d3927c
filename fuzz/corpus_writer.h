// Turns traffic recorded between real tablets and a real server (make_corpus.cc) into the seed
// inputs of every fuzz target, rewritten into the fuzz world of fuzz_team.h (the targets' servers
// know only the fuzz team's devices and tokens):
//   server_push     every pushed ChangeSet, as the leader's fuzz device and author;
//   server_request  each tablet's requests as scripts of steps (request_script.h), plus variants
//                   (resend, wrong protocol, no token, other method, ...);
//   device_pull     every pull page, and every snapshot page recast as a pull page;
//   wire_change     one Change per kind seen (record type, field, value kind, tombstone).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace fieldsync::fuzz {

struct Exchange {
  std::string user;  // whose tablet sent it
  std::string path;
  std::string request_body;
  int status = 0;
  std::string response_body;
};

class CorpusWriter {
 public:
  // `device_users` maps each recorded tablet's device id to its user.
  CorpusWriter(std::string out_dir, std::map<std::string, std::string> device_users);
  // Replaces OUT/<target>/gen-* with new files; returns how many it wrote per target.
  std::map<std::string, int> Write(const std::vector<Exchange>& traffic);

 private:
  void Add(const std::string& target, const std::string& name, const std::string& bytes);
  std::string InFuzzWorld(std::string text) const;
  std::string AsTeamMember(const std::string& change_set, size_t who) const;
  std::string FuzzDeviceOf(const std::string& device_id) const;
  void WriteServerPush(const std::vector<Exchange>& traffic);
  void WriteServerRequest(const std::vector<Exchange>& traffic);
  void WriteDevicePull(const std::vector<Exchange>& traffic);
  void WriteWireChange(const std::vector<Exchange>& traffic);

  std::string out_dir_;
  std::map<std::string, std::string> device_users_;
  std::map<std::string, std::map<std::string, std::string>> files_;  // target -> name -> bytes
};

}  // namespace fieldsync::fuzz
