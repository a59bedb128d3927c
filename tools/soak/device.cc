#include "soak/device.h"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "soak/readonly_db.h"
#include "soak/store_state.h"

namespace fieldsync::soak {
namespace {

constexpr auto kCommandLimit = std::chrono::seconds(60);

// The first line of what the CLI said on stderr (it names the problem and what to do).
std::string FirstErrorLine(const std::string& log_path) {
  std::string all = ReadFile(log_path);
  auto start = all.rfind("\n$ ");
  std::string tail = start == std::string::npos ? all : all.substr(start + 1);
  auto nl = tail.find('\n');
  tail = nl == std::string::npos ? "" : tail.substr(nl + 1);
  nl = tail.find('\n');
  return nl == std::string::npos ? tail : tail.substr(0, nl);
}

}  // namespace

Device::Device(std::string name, std::string bin_dir, std::string work_dir, Ledger& ledger)
    : name_(name),
      bin_(bin_dir + "/fieldsync"),
      work_(work_dir),
      db_(work_dir + "/" + name + ".db"),
      log_(work_dir + "/logs/" + name + ".log"),
      out_(work_dir + "/logs/" + name + ".out"),
      ledger_(ledger) {}

void Device::Log(const std::string& line) { std::ofstream(log_, std::ios::app) << line << "\n"; }

CommandResult Device::Run(std::vector<std::string> args) {
  std::string line;
  for (const auto& a : args) line += a + " ";
  Log("\n$ fieldsync " + line);
  args.insert(args.begin(), bin_);
  args.insert(args.end(), {"--db", db_});
  return RunCommand(args, out_, log_, kCommandLimit);
}

void Device::Enroll(const std::string& url, const std::string& code) {
  auto r = Run({"enroll", "--server", url, "--code", code, "--device-name", "soak " + name_});
  if (!r.status.ok()) {
    throw std::runtime_error(name_ + " could not enrol (" + r.status.Describe() + "): " + FirstErrorLine(log_));
  }
  ReadOnlyDb db(db_);
  device_id_ = db.Scalar("SELECT value FROM meta WHERE key = 'device_id'");
}

void Device::CaptureOutbox() {
  for (auto& p : ledger_.Capture(device_id_, ReadOutbox(db_))) problems_.push_back(std::move(p));
}

std::string Device::Answer(const std::string& unit, const std::string& item, const AnswerParts& parts) {
  std::vector<std::string> args{"answer", "--unit", unit, "--item", item};
  auto add = [&](const char* flag, const std::optional<std::string>& v) {
    if (v) args.insert(args.end(), {flag, *v});
  };
  add("--rating", parts.rating);
  add("--results", parts.results);
  add("--good-practices", parts.good_practices);
  add("--limitations", parts.limitations);
  add("--recommendations", parts.recommendations);
  auto r = Run(args);
  CaptureOutbox();
  return r.status.ok() ? "" : r.status.Describe() + ": " + FirstErrorLine(log_);
}

std::string Device::Delete(const std::string& unit, const std::string& item, const std::string& part) {
  std::vector<std::string> args{"delete", "--unit", unit, "--item", item};
  if (!part.empty()) args.insert(args.end(), {"--part", part});
  auto r = Run(args);
  CaptureOutbox();
  return r.status.ok() ? "" : r.status.Describe() + ": " + FirstErrorLine(log_);
}

std::string Device::Resolve(const std::string& conflict_id, const std::string& how, const std::string& value) {
  std::vector<std::string> args{"resolve", "--conflict", conflict_id};
  if (how == "value") args.insert(args.end(), {"--value", value});
  else args.insert(args.end(), {"--keep", how});
  auto r = Run(args);
  CaptureOutbox();
  return r.status.ok() ? "" : r.status.Describe() + ": " + FirstErrorLine(log_);
}

std::vector<OpenConflict> Device::Conflicts() {
  auto r = Run({"conflicts", "--json"});
  std::vector<OpenConflict> out;
  if (!r.status.ok()) return out;
  auto list = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  if (!list.is_array()) return out;
  for (const auto& c : list) out.push_back({c.value("id", ""), c.value("field", "")});
  return out;
}

std::unique_ptr<ChildProcess> Device::StartSync(int batch, int attempts) {
  CaptureOutbox();  // nothing may leave the outbox unrecorded
  Log("\n$ fieldsync sync --json --batch " + std::to_string(batch) + " --attempts " + std::to_string(attempts));
  return ChildProcess::Spawn({bin_, "sync", "--db", db_, "--json", "--batch", std::to_string(batch), "--attempts",
                              std::to_string(attempts)},
                             work_ + "/logs/" + name_ + ".sync.out", log_);
}

SyncOutcome Device::Outcome(const ChildProcess& sync, const ExitStatus& status) {
  SyncOutcome o;
  o.status = status;
  const std::string report_text = ReadFile(sync.stdout_path());
  auto report = nlohmann::json::parse(report_text, nullptr, false);
  if (status.ok() && report.is_object()) {
    o.pushed = report.value("pushed", int64_t{0});
    o.received = report.value("received", int64_t{0});
  }
  Log("-> " + status.Describe() + (report.is_object() ? ": " + report.dump() : ""));
  return o;
}

std::vector<std::string> Device::TakeProblems() {
  std::vector<std::string> out;
  out.swap(problems_);
  return out;
}

}  // namespace fieldsync::soak
