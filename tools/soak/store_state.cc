#include "soak/store_state.h"

#include <cstdlib>
#include <stdexcept>
#include <variant>

#include "change_runs.h"
#include "record_state.h"
#include "fieldsync/sqlite_db.h"

namespace fieldsync::soak {
namespace {

constexpr const char* kFieldColumns = "record_type, record_id, field, value_kind, value, tombstone, hlc, node";

std::map<FieldKey, FieldValue> ReadFields(ReadOnlyDb& db) {
  std::map<FieldKey, FieldValue> out;
  db.Query(std::string("SELECT ") + kFieldColumns + " FROM field_state", [&](const Row& r) {
    out[{r.Text(0), r.Text(1), r.Text(2)}] = FieldValue{r.ReadCell(3), r.Int(5) != 0, r.Int(6), r.Text(7)};
  });
  return out;
}

std::vector<OutboxEntry> ReadOutboxRows(ReadOnlyDb& db) {
  std::vector<OutboxEntry> out;
  db.Query("SELECT device_seq, record_type, record_id, field, value_kind, value, tombstone FROM outbox "
           "ORDER BY device_seq",
           [&](const Row& r) {
             out.push_back({r.Int(0), {r.Text(1), r.Text(2), r.Text(3)}, r.ReadCell(4), r.Int(6) != 0});
           });
  return out;
}

// A logged value as the stores' value column holds it (sql::Statement::BindValue), to compare with
// the outbox's.
Cell CellOf(const Value& v) {
  struct Render {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(const std::string& t) const { return t; }
    std::string operator()(int64_t n) const { return std::to_string(n); }
    std::string operator()(double d) const { return std::to_string(d); }
    std::string operator()(bool b) const { return b ? "1" : "0"; }
    std::string operator()(const Blob& b) const { return b.bytes; }
    std::string operator()(const AttachmentRef& a) const { return sql::EncodeAttachment(a); }
  };
  return Cell{static_cast<int>(KindOf(v)), std::visit(Render{}, v)};
}

// The server's current state, unpacked from its rows (server/record_state.h), and each record's scope.
void ReadServerRecords(ReadOnlyDb& db, ServerState& s) {
  db.Query("SELECT record_type, record_id, scope, fields FROM record_state", [&](const Row& r) {
    auto fields = server::DecodeRecordFields(r.Bytes(3), r.Text(0), r.Text(1));
    if (!fields.ok()) throw std::runtime_error(db.path() + ": " + fields.status().ToString());
    s.scope_of[{r.Text(0), r.Text(1)}] = r.Text(2);
    for (const auto& [name, f] : *fields) {
      s.fields[{r.Text(0), r.Text(1), name}] =
          FieldValue{CellOf(f.state.value), f.state.tombstone, static_cast<int64_t>(f.state.hlc.Pack()), f.state.node};
    }
  });
}

// The change log, unpacked from its runs (server/change_runs.h).
std::vector<LoggedChange> ReadLog(ReadOnlyDb& db) {
  std::vector<LoggedChange> log;
  db.Query("SELECT changes FROM change_runs ORDER BY last_server_seq", [&](const Row& r) {
    auto run = server::DecodeChangeRun(r.Bytes(0));
    if (!run.ok()) throw std::runtime_error(db.path() + ": " + run.status().ToString());
    for (const Change& c : *run) {
      log.push_back({static_cast<int64_t>(c.server_seq), c.device_id, static_cast<int64_t>(c.device_seq),
                     {c.record_type, c.record_id, c.field}, CellOf(c.value), c.tombstone,
                     static_cast<int64_t>(c.hlc.Pack()), static_cast<int64_t>(c.seen_hlc.Pack()), c.seen_device_id,
                     c.author});
    }
  });
  return log;
}

uint64_t PullCursor(ReadOnlyDb& db) {
  return std::strtoull(db.Scalar("SELECT value FROM meta WHERE key = 'setting:sync.pull_cursor'", "0").c_str(),
                       nullptr, 10);
}

}  // namespace

std::string FieldValue::Render() const {
  return (tombstone ? std::string("(deleted)") : value.Render()) + " @" + std::to_string(hlc) + "/" + node;
}

ServerState ReadServerState(const std::string& path) {
  ReadOnlyDb db(path);
  ServerState s;
  s.log = ReadLog(db);
  ReadServerRecords(db, s);
  db.Query("SELECT name, role FROM users", [&](const Row& r) { s.account_role[r.Text(0)] = r.Text(1); });
  // Exactly-once keys are kept as ranges of device sequences (server/applied_keys.h).
  db.Query("SELECT device_id, first_seq, last_seq FROM applied_ranges", [&](const Row& r) {
    for (int64_t seq = r.Int(1); seq <= r.Int(2); ++seq) s.applied[{r.Text(0), seq}]++;
  });
  return s;
}

DeviceState ReadDeviceState(const std::string& path) {
  ReadOnlyDb db(path);
  DeviceState d;
  d.path = path;
  d.device_id = db.Scalar("SELECT value FROM meta WHERE key = 'device_id'");
  d.user = db.Scalar("SELECT value FROM meta WHERE key = 'user_name'");
  d.fields = ReadFields(db);
  d.outbox = ReadOutboxRows(db);
  if (db.HasTable("rejected_changes")) {
    db.Query("SELECT device_seq, record_type, record_id, field, value_kind, value, tombstone, code, reason "
             "FROM rejected_changes ORDER BY device_seq",
             [&](const Row& r) {
               d.rejected.push_back({{r.Int(0), {r.Text(1), r.Text(2), r.Text(3)}, r.ReadCell(4), r.Int(6) != 0},
                                     r.Text(7), r.Text(8)});
             });
  }
  d.pull_cursor = PullCursor(db);
  return d;
}

std::vector<OutboxEntry> ReadOutbox(const std::string& path) {
  ReadOnlyDb db(path);
  return ReadOutboxRows(db);
}

uint64_t ReadPullCursor(const std::string& path) {
  ReadOnlyDb db(path);
  return PullCursor(db);
}

std::map<std::string, RecordFields> RecordsOfType(const std::map<FieldKey, FieldValue>& fields,
                                                  const std::string& type) {
  std::map<std::string, RecordFields> out;
  for (auto it = fields.lower_bound({type, "", ""}); it != fields.end() && it->first.type == type; ++it) {
    out[it->first.id][it->first.field] = it->second;
  }
  return out;
}

std::string TextOf(const RecordFields& record, const std::string& field) {
  auto it = record.find(field);
  if (it == record.end() || it->second.tombstone || it->second.value.kind != 1) return "";
  return it->second.value.bytes;
}

bool IsDeleted(const RecordFields& record) {
  auto it = record.find("_deleted");
  // ValueKind::kBool is 4, stored as an integer.
  return it != record.end() && !it->second.tombstone && it->second.value.kind == 4 && it->second.value.bytes != "0";
}

}  // namespace fieldsync::soak
