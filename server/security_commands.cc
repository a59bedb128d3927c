// `fieldsync-server device list|revoke` (a lost tablet) and `audit list|verify` (who changed what).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "fieldsync/hlc.h"

namespace fieldsync::server::cli {
namespace {

using nlohmann::json;

// "2026-06-07T08:15:00.000Z"-style UTC time of a wall-clock millisecond count; "" for 0.
std::string TimeOf(int64_t ms) {
  if (ms == 0) return "";
  std::string iso = Hlc{ms, 0}.ToString();
  return iso.substr(0, iso.find('+'));
}

// Control characters (escape sequences, line breaks) in text that tablets or callers chose are shown
// as \xNN, so an entry cannot forge lines or drive the terminal.
std::string Printable(const std::string& text) {
  std::string out;
  for (unsigned char ch : text) {
    if (ch >= 0x20 && ch != 0x7F) {
      out += static_cast<char>(ch);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", ch);
      out += buf;
    }
  }
  return out;
}

}  // namespace

int RunDeviceList(const Common& common) {
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  auto devices = (*service)->Devices();
  if (!devices.ok()) return Fail(devices.status());
  if (common.json) {
    json out = json::array();
    for (const auto& d : *devices) {
      out.push_back({{"device_id", d.device_id}, {"user", d.user_name}, {"name", d.name},
                     {"enrolled_at", TimeOf(d.enrolled_at_ms)},
                     {"revoked_at", d.revoked_at_ms ? json(TimeOf(d.revoked_at_ms)) : json(nullptr)}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (devices->empty()) std::cout << "no enrolled tablets\n";
  for (const auto& d : *devices) {
    std::cout << d.device_id << "  " << d.user_name << "  \"" << d.name << "\"  enrolled " << TimeOf(d.enrolled_at_ms)
              << (d.revoked_at_ms ? "  REVOKED " + TimeOf(d.revoked_at_ms) : std::string()) << "\n";
  }
  return 0;
}

int RunDeviceRevoke(const Common& common, const std::string& device, const std::string& user) {
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  auto revoked = (*service)->RevokeDevices(device, user);
  if (!revoked.ok()) return Fail(revoked.status());
  std::cout << "revoked " << *revoked << " tablet(s)"
            << (*revoked == 0 ? " (already revoked)" : "; their next request is refused, their synced data stays")
            << (user.empty() ? "" : "; the user's unused enrolment codes no longer work") << "\n";
  return 0;
}

int RunAuditList(const Common& common, uint64_t after, size_t limit) {
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  auto entries = (*service)->AuditEntries(after, limit);
  if (!entries.ok()) return Fail(entries.status());
  json out = json::array();
  for (const auto& e : *entries) {
    if (common.json) {
      out.push_back({{"seq", e.seq}, {"at", TimeOf(e.at_ms)}, {"actor", e.event.actor},
                     {"device_id", e.event.device_id}, {"action", e.event.action}, {"detail", e.event.detail},
                     {"prev_sha256", e.prev_sha256}, {"sha256", e.sha256}});
      continue;
    }
    std::cout << "#" << e.seq << " " << TimeOf(e.at_ms) << " " << e.event.action << " by "
              << (e.event.actor.empty() ? "(unknown)" : Printable(e.event.actor))
              << (e.event.device_id.empty() ? "" : " on " + Printable(e.event.device_id)) << "\n";
    size_t start = 0;
    while (start < e.event.detail.size()) {  // the detail may hold one line per change
      size_t end = e.event.detail.find('\n', start);
      if (end == std::string::npos) end = e.event.detail.size();
      std::cout << "    " << Printable(e.event.detail.substr(start, end - start)) << "\n";
      start = end + 1;
    }
  }
  if (common.json) std::cout << out.dump(2) << "\n";
  return 0;
}

int RunAuditVerify(const Common& common, const std::string& anchor) {
  uint64_t anchor_seq = 0;
  std::string anchor_sha;
  if (!anchor.empty()) {
    const size_t colon = anchor.find(':');
    if (colon == std::string::npos || colon == 0 || anchor.size() - colon - 1 != 64 ||
        anchor.find_first_not_of("0123456789") < colon) {
      std::cerr << "fieldsync-server: --anchor takes SEQ:SHA256 as a previous verify printed it, e.g. 26:bba1...\n";
      return 2;
    }
    anchor_seq = std::stoull(anchor.substr(0, colon));
    anchor_sha = anchor.substr(colon + 1);
  }
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  auto check = (*service)->VerifyAudit(anchor_seq, anchor_sha);
  if (!check.ok()) return Fail(check.status());
  if (common.json) {
    std::cout << json{{"intact", check->intact}, {"entries", check->entries}, {"head_sha256", check->head_sha256},
                      {"problem", check->problem}}.dump(2)
              << "\n";
  } else if (check->intact) {
    std::cout << "audit log intact: " << check->entries << " entries, head " << check->entries << ":"
              << check->head_sha256
              << "\n(keep the head somewhere else and pass it as --anchor next time: only that shows a log "
                 "rewritten with recomputed hashes, or cut short)\n";
  } else {
    std::cout << "audit log BROKEN after " << check->entries << " good entries: " << check->problem
              << "\nrestore the database from a backup and compare; report it to the administrator\n";
  }
  return check->intact ? 0 : 3;
}

}  // namespace fieldsync::server::cli
