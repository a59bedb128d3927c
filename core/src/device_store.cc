#include "fieldsync/device_store.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "device_schema.h"
#include "fieldsync/field_rows.h"
#include "fieldsync/sqlite_db.h"
#include "fieldsync/text.h"
#include "fieldsync/uuid.h"
#include "fieldsync/wal_checkpointer.h"

namespace fieldsync {
namespace {

constexpr const char* kMetaDeviceId = "device_id";
constexpr const char* kMetaUser = "user_name";
constexpr const char* kMetaLastHlc = "last_hlc";
constexpr const char* kMetaNextSeq = "next_device_seq";

Status ValidateWrite(FieldWrite& w) {
  if (w.record_type.empty() || w.record_id.empty() || w.field.empty()) {
    return Status::InvalidArgument("a write needs a record type, a record id and a field name");
  }
  if (w.tombstone) {
    w.value = std::monostate{};
    return Status::Ok();
  }
  if (IsNone(w.value)) {
    return Status::InvalidArgument("write to " + w.record_type + "." + w.field +
                                   " has no value; to delete the field, write a tombstone");
  }
  if (auto* text = std::get_if<std::string>(&w.value)) {
    FS_ASSIGN_OR_RETURN(*text, NormalizeText(*text, w.record_type + "." + w.field));
  }
  return CheckValueStorable(w.value, w.record_type + "." + w.field);
}

}  // namespace

class DeviceStore::Impl {
 public:
  Impl(std::unique_ptr<sql::Database> db, DeviceStoreOptions options)
      : db_(std::move(db)),
        options_(options),
        clock_(options.clock ? *options.clock : SystemClock::Default(), Hlc{}, options.max_forward_drift_ms) {}

  void StartCheckpointer(int threshold_pages) { checkpointer_ = sql::WalCheckpointer::Start(*db_, threshold_pages); }

  Status Load() {
    FS_RETURN_IF_ERROR(UpgradeDeviceSchema(*db_));
    FS_ASSIGN_OR_RETURN(meta_, sql::MetaTable::Open(*db_));
    FS_ASSIGN_OR_RETURN(get_field_, db_->Prepare(
        "SELECT value_kind, value, tombstone, hlc, node, author FROM field_state "
        "WHERE record_type = ? AND record_id = ? AND field = ?"));
    FS_ASSIGN_OR_RETURN(put_field_, db_->Prepare(
        "INSERT OR REPLACE INTO field_state (record_type, record_id, field, value_kind, value, tombstone, hlc, "
        "node, author, folded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    FS_ASSIGN_OR_RETURN(put_outbox_, db_->Prepare(
        "INSERT INTO outbox (device_seq, record_type, record_id, field, value_kind, value, tombstone, hlc, "
        "seen_hlc, seen_node, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    FS_ASSIGN_OR_RETURN(const Issued issued, ReadIssued());
    clock_ = HlcClock(options_.clock ? *options_.clock : SystemClock::Default(), issued.last_hlc,
                      options_.max_forward_drift_ms);
    return Status::Ok();
  }

  // What this device has handed out so far: the next device sequence and the last timestamp. A
  // tap does not write them to `meta` (that page is a third of its WAL traffic): its outbox row is
  // the record, read back here as the outbox's last row. `meta` holds them from before the outbox
  // lost its rows (SealIssued, before every removal) and from pulls and restamps.
  struct Issued {
    uint64_t next_seq = 1;
    Hlc last_hlc;
  };

  Result<Issued> ReadIssued() {
    Issued issued;
    FS_ASSIGN_OR_RETURN(auto next_seq, Meta(kMetaNextSeq));
    if (next_seq) issued.next_seq = std::stoull(*next_seq);
    FS_ASSIGN_OR_RETURN(auto last_hlc, Meta(kMetaLastHlc));
    if (last_hlc) issued.last_hlc = Hlc::Unpack(std::stoull(*last_hlc));
    FS_ASSIGN_OR_RETURN(auto tail, db_->PrepareCached("SELECT device_seq, hlc FROM outbox ORDER BY device_seq DESC LIMIT 1"));
    FS_ASSIGN_OR_RETURN(bool row, tail->Step());
    if (row) {
      issued.next_seq = std::max(issued.next_seq, static_cast<uint64_t>(tail->Int(0)) + 1);
      issued.last_hlc = std::max(issued.last_hlc, Hlc::Unpack(static_cast<uint64_t>(tail->Int(1))));
    }
    tail->Reset();
    return issued;
  }

  // Copies what the outbox's last row says into `meta`, in the caller's transaction, before rows
  // leave the outbox: a sequence must never be handed out twice (S2), a timestamp never go back (S8).
  Status SealIssued() {
    FS_ASSIGN_OR_RETURN(const Issued issued, ReadIssued());
    FS_RETURN_IF_ERROR(PutMeta(kMetaNextSeq, std::to_string(issued.next_seq)));
    return PutMeta(kMetaLastHlc, std::to_string(issued.last_hlc.Pack()));
  }

  Result<std::optional<std::string>> Meta(const std::string& key) { return meta_->Get(key); }

  // Settings share the meta table under their own prefix so they cannot clobber identity keys.
  static std::string SettingKey(const std::string& key) { return "setting:" + key; }

  Status PutMeta(const std::string& key, const std::string& value) { return meta_->Put(key, value); }

  Result<std::optional<FieldState>> Field(const std::string& type, const std::string& id, const std::string& field) {
    get_field_->Bind(1, type).Bind(2, id).Bind(3, field);
    auto row = get_field_->Step();
    std::optional<FieldState> state;
    if (row.ok() && *row) state = sql::ReadFieldState(*get_field_, 0);
    get_field_->Reset();
    if (!row.ok()) return row.status();
    return state;
  }

  // Stores `c` as the field's current state, with its text folded for search (text.h FoldForSearch)
  // in the same row. References are not searched: nobody looks for an id.
  Status PutField(const Change& c) {
    put_field_->Bind(1, c.record_type).Bind(2, c.record_id).Bind(3, c.field).BindValue(4, c.value);
    put_field_->Bind(6, static_cast<int64_t>(c.tombstone)).Bind(7, static_cast<int64_t>(c.hlc.Pack()));
    put_field_->Bind(8, c.device_id).Bind(9, c.author);
    const auto* text = std::get_if<std::string>(&c.value);
    if (text && !c.tombstone && !IsReferenceField(c.field)) {
      put_field_->Bind(10, FoldForSearch(*text));
    } else {
      put_field_->BindNull(10);
    }
    return put_field_->Run();
  }

  Result<DeviceIdentity> Identity() {
    FS_ASSIGN_OR_RETURN(auto device, Meta(kMetaDeviceId));
    FS_ASSIGN_OR_RETURN(auto user, Meta(kMetaUser));
    if (!device || !user) {
      return Status::FailedPrecondition("this store has no user yet; run `fieldsync init --user NAME` first");
    }
    return DeviceIdentity{*device, *user};
  }

  // See DeviceStore::TypeVersion. Versions come from one increasing counter: a type's version is
  // the counter when this store last committed one of its records, or when another connection's
  // commit was first noticed (PRAGMA data_version), whichever is later.
  Result<uint64_t> TypeVersion(const std::string& type) {
    if (pins_ == 0 || !looked_while_pinned_) {
      FS_ASSIGN_OR_RETURN(auto s, db_->PrepareCached("PRAGMA data_version"));
      FS_ASSIGN_OR_RETURN(bool row, s->Step());
      const int64_t data_version = row ? s->Int(0) : 0;
      s->Reset();
      if (data_version != seen_data_version_) {
        seen_data_version_ = data_version;
        every_type_since_ = ++last_version_;
      }
      looked_while_pinned_ = pins_ > 0;
    }
    auto it = type_versions_.find(type);
    return std::max(every_type_since_, it == type_versions_.end() ? 0 : it->second);
  }

  void Pin() { ++pins_; }
  void Unpin() {
    if (--pins_ == 0) looked_while_pinned_ = false;
  }

  void Touched(const std::vector<Change>& changes) {
    if (changes.empty()) return;
    const uint64_t version = ++last_version_;
    for (const auto& c : changes) type_versions_[c.record_type] = version;
  }

  Result<std::vector<Change>> Write(std::vector<FieldWrite> writes) {
    for (auto& w : writes) FS_RETURN_IF_ERROR(ValidateWrite(w));
    // Every read in the write transaction: each statement run outside one takes and drops the
    // WAL's shared locks (two fcntl calls) on its own.
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    FS_ASSIGN_OR_RETURN(auto changes, AppendWrites(std::move(writes), nullptr));
    FS_RETURN_IF_ERROR(txn->Commit());
    Touched(changes);
    return changes;
  }

  Result<Record> WriteRecord(const std::string& type, const std::string& id, const DeviceStore::ComposeWrites& compose) {
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    FS_ASSIGN_OR_RETURN(auto stored, GetRecord(type, id));
    FS_ASSIGN_OR_RETURN(auto writes, compose(stored));
    for (auto& w : writes) {
      if (w.record_type != type || w.record_id != id) {
        return Status::InvalidArgument("WriteRecord writes to " + type + " " + id + " only, not to " + w.record_type +
                                       " " + w.record_id);
      }
      FS_RETURN_IF_ERROR(ValidateWrite(w));
    }
    Record record = stored ? std::move(*stored) : Record{type, id, {}};
    FS_ASSIGN_OR_RETURN(auto changes, AppendWrites(std::move(writes), &record));
    FS_RETURN_IF_ERROR(txn->Commit());
    Touched(changes);
    return record;
  }

  // Stamps each write (HLC, device sequence, the stamp it had seen), stores it as current state and
  // appends it to the outbox, in the caller's transaction. `record`, when given, is the record all
  // writes go to as stored: the seen stamps come from it, and it is brought up to date.
  Result<std::vector<Change>> AppendWrites(std::vector<FieldWrite> writes, Record* record) {
    FS_ASSIGN_OR_RETURN(auto identity, Identity());
    FS_ASSIGN_OR_RETURN(const Issued issued, CatchUpClock());
    uint64_t next_seq = issued.next_seq;
    std::vector<Change> changes;
    changes.reserve(writes.size());
    for (auto& w : writes) {
      std::optional<FieldState> seen;
      if (record) {
        auto it = record->fields.find(w.field);
        if (it != record->fields.end()) seen = it->second;
      } else {
        FS_ASSIGN_OR_RETURN(seen, Field(w.record_type, w.record_id, w.field));
      }
      Change c;
      c.record_type = std::move(w.record_type);
      c.record_id = std::move(w.record_id);
      c.field = std::move(w.field);
      c.value = std::move(w.value);
      c.tombstone = w.tombstone;
      c.hlc = clock_.Now();
      c.device_id = identity.device_id;
      c.device_seq = next_seq++;
      if (seen) {
        c.seen_hlc = seen->hlc;
        c.seen_device_id = seen->node;
      }
      c.author = identity.user_name;
      FS_RETURN_IF_ERROR(PutField(c));
      put_outbox_->Bind(1, static_cast<int64_t>(c.device_seq)).Bind(2, c.record_type).Bind(3, c.record_id);
      put_outbox_->Bind(4, c.field).BindValue(5, c.value).Bind(7, static_cast<int64_t>(c.tombstone));
      put_outbox_->Bind(8, static_cast<int64_t>(c.hlc.Pack())).Bind(9, static_cast<int64_t>(c.seen_hlc.Pack()));
      put_outbox_->Bind(10, c.seen_device_id).Bind(11, c.author);
      FS_RETURN_IF_ERROR(put_outbox_->Run());
      if (record) record->fields.insert_or_assign(c.field, FieldState{c.value, c.tombstone, c.hlc, c.device_id, c.author});
      changes.push_back(std::move(c));
    }
    // No `meta` write: the outbox rows just written are the record of the sequence and clock (ReadIssued).
    return changes;
  }

  // Another DeviceStore on the same file (the app and a sync service, say) may have issued or seen
  // later timestamps: fold the persisted clock in under the write lock before stamping (S8).
  // Returns what was read.
  Result<Issued> CatchUpClock() {
    FS_ASSIGN_OR_RETURN(const Issued issued, ReadIssued());
    if (issued.last_hlc > clock_.last()) clock_.Merge(issued.last_hlc);
    return issued;
  }

  // The stamps of one record's current fields. A pulled page carries a record's fields one after
  // another (an answer is eight), so one range read per record replaces a look-up per field.
  struct RecordStamps {
    bool loaded = false;
    std::string type, id;
    std::unordered_map<std::string, Stamp> fields;
  };

  Status LoadStamps(const Change& c, RecordStamps& memo) {
    if (memo.loaded && memo.type == c.record_type && memo.id == c.record_id) return Status::Ok();
    memo.loaded = true;
    memo.type = c.record_type;
    memo.id = c.record_id;
    memo.fields.clear();
    FS_ASSIGN_OR_RETURN(auto s, db_->PrepareCached(
        "SELECT field, hlc, node FROM field_state WHERE record_type = ? AND record_id = ?"));
    s->Bind(1, c.record_type).Bind(2, c.record_id);
    while (true) {
      FS_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      memo.fields.emplace(s->Text(0), Stamp{Hlc::Unpack(static_cast<uint64_t>(s->Int(1))), s->Text(2)});
    }
    s->Reset();
    return Status::Ok();
  }

  Status ApplyRemote(const std::vector<Change>& changes, const DeviceStore::Settings& settings) {
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    FS_RETURN_IF_ERROR(CatchUpClock().status());
    RecordStamps current;
    for (const auto& c : changes) {
      clock_.Merge(c.hlc);
      FS_RETURN_IF_ERROR(LoadStamps(c, current));
      Stamp incoming = c.stamp();
      auto it = current.fields.find(c.field);
      if (it != current.fields.end() && it->second >= incoming) continue;  // S6: larger (HLC, device id) wins
      FS_RETURN_IF_ERROR(PutField(c));
      current.fields.insert_or_assign(c.field, std::move(incoming));
    }
    for (const auto& [key, value] : settings) FS_RETURN_IF_ERROR(PutMeta(SettingKey(key), value));
    FS_RETURN_IF_ERROR(PutMeta(kMetaLastHlc, std::to_string(clock_.last().Pack())));
    FS_RETURN_IF_ERROR(txn->Commit());
    Touched(changes);
    return Status::Ok();
  }

  Result<std::optional<Record>> GetRecord(const std::string& type, const std::string& id) {
    FS_ASSIGN_OR_RETURN(auto s, db_->PrepareCached("SELECT record_id, field, value_kind, value, tombstone, hlc, node, "
                                             "author FROM field_state WHERE record_type = ? AND record_id = ?"));
    s->Bind(1, type).Bind(2, id);
    FS_ASSIGN_OR_RETURN(auto records, sql::ReadRecords(*s, type, true));
    if (records.empty()) return std::optional<Record>();
    return std::optional<Record>(std::move(records.front()));
  }

  Result<std::vector<Record>> List(const std::string& type, bool include_deleted) {
    FS_ASSIGN_OR_RETURN(auto s, db_->PrepareCached("SELECT record_id, field, value_kind, value, tombstone, hlc, node, "
                                             "author FROM field_state WHERE record_type = ? ORDER BY record_id"));
    s->Bind(1, type);
    return sql::ReadRecords(*s, type, include_deleted);
  }

  Result<std::vector<Record>> Find(const std::string& type, const std::string& field, const std::string& value) {
    return sql::FindRecordsByValue(*db_, type, field, value);
  }

  Result<std::vector<SearchHit>> Search(const std::string& query) {
    std::vector<std::string> terms = SearchTerms(query);
    std::vector<SearchHit> hits;
    if (terms.empty()) return hits;
    // SQL narrows by the first word; every word is then checked on the folded text.
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "SELECT s.record_type, s.record_id, s.field, s.folded, s.value FROM field_state s "
        "WHERE s.folded IS NOT NULL AND instr(s.folded, ?) > 0 AND NOT EXISTS (SELECT 1 FROM field_state d WHERE d.record_type = "
        "s.record_type AND d.record_id = s.record_id AND d.field = '_deleted' AND d.value = 1 AND d.tombstone = 0) "
        "ORDER BY s.record_type, s.record_id, s.field"));
    s->Bind(1, terms.front());
    while (true) {
      FS_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      if (!MatchesAllTerms(s->Text(3), terms)) continue;
      hits.push_back(SearchHit{s->Text(0), s->Text(1), s->Text(2), s->Text(4)});
    }
    return hits;
  }

  // The outbox and rejected_changes share these leading columns.
  static constexpr const char* kOutboxColumns =
      "device_seq, record_type, record_id, field, value_kind, value, tombstone, hlc, seen_hlc, seen_node, author";

  // A change from a row whose first columns are kOutboxColumns.
  static Change OutboxChange(const sql::Statement& s, const std::string& device_id) {
    Change c;
    c.device_seq = static_cast<uint64_t>(s.Int(0));
    c.record_type = s.Text(1);
    c.record_id = s.Text(2);
    c.field = s.Text(3);
    c.value = s.ReadValue(4);
    c.tombstone = s.Int(6) != 0;
    c.hlc = Hlc::Unpack(static_cast<uint64_t>(s.Int(7)));
    c.seen_hlc = Hlc::Unpack(static_cast<uint64_t>(s.Int(8)));
    c.seen_device_id = s.Text(9);
    c.author = s.Text(10);
    c.device_id = device_id;
    return c;
  }

  Result<std::vector<Change>> Pending(size_t max_changes, size_t max_bytes) {
    FS_ASSIGN_OR_RETURN(auto identity, Identity());
    FS_ASSIGN_OR_RETURN(auto s, db_->PrepareCached(std::string("SELECT ") + kOutboxColumns +
                                             " FROM outbox ORDER BY device_seq LIMIT ?"));
    s->Bind(1, static_cast<int64_t>(max_changes));
    std::vector<Change> changes;
    size_t bytes = 0;
    while (true) {
      FS_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      Change c = OutboxChange(*s, identity.device_id);
      bytes += ApproximateWireSize(c);
      if (!changes.empty() && bytes > max_bytes) break;  // always at least one, so a huge value still moves
      changes.push_back(std::move(c));
    }
    s->Reset();
    return changes;
  }

  Result<uint64_t> LastIssuedSeq() {
    FS_ASSIGN_OR_RETURN(const Issued issued, ReadIssued());
    return issued.next_seq - 1;
  }

  Result<int64_t> PendingCount() {
    FS_ASSIGN_OR_RETURN(auto s, db_->PrepareCached("SELECT count(*) FROM outbox"));
    FS_ASSIGN_OR_RETURN(bool row, s->Step());
    return row ? s->Int(0) : 0;
  }

  Status RestampPending() {
    FS_ASSIGN_OR_RETURN(auto identity, Identity());
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    // The floor is the newest timestamp that is not one of the refused pending ones: current values
    // not written by a pending change, and every value a pending change had seen. Never stamping
    // below it keeps every change after the value it saw (S8).
    FS_ASSIGN_OR_RETURN(auto newest, db_->Prepare(
        "SELECT max(coalesce((SELECT max(hlc) FROM field_state f WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE "
        "o.record_type = f.record_type AND o.record_id = f.record_id AND o.field = f.field AND o.hlc = f.hlc)), 0), "
        "coalesce((SELECT max(seen_hlc) FROM outbox s WHERE NOT (s.seen_node = ?1 AND s.seen_hlc IN "
        "(SELECT hlc FROM outbox))), 0))"));
    newest->Bind(1, identity.device_id);
    FS_ASSIGN_OR_RETURN(bool row, newest->Step());
    Hlc floor = row ? Hlc::Unpack(static_cast<uint64_t>(newest->Int(0))) : Hlc{};
    newest->Reset();
    clock_ = HlcClock(options_.clock ? *options_.clock : SystemClock::Default(), floor, options_.max_forward_drift_ms);
    FS_ASSIGN_OR_RETURN(auto pending, db_->Prepare("SELECT device_seq, record_type, record_id, field, hlc, seen_hlc, "
                                                   "seen_node FROM outbox ORDER BY device_seq"));
    FS_ASSIGN_OR_RETURN(auto move_outbox, db_->Prepare("UPDATE outbox SET hlc = ?, seen_hlc = ? WHERE device_seq = ?"));
    // A pending change that had seen an earlier pending change of this device must now name that
    // change's new timestamp, or the server would take it for a conflict.
    std::map<int64_t, int64_t> renamed;
    FS_ASSIGN_OR_RETURN(auto move_state, db_->Prepare(
        "UPDATE field_state SET hlc = ? WHERE record_type = ? AND record_id = ? AND field = ? AND hlc = ? AND node = ?"));
    while (true) {
      FS_ASSIGN_OR_RETURN(bool more, pending->Step());
      if (!more) break;
      const int64_t fresh = static_cast<int64_t>(clock_.Now().Pack());
      int64_t seen = pending->Int(5);
      if (pending->Text(6) == identity.device_id && renamed.count(seen)) seen = renamed[seen];
      renamed[pending->Int(4)] = fresh;
      move_outbox->Bind(1, fresh).Bind(2, seen).Bind(3, pending->Int(0));
      FS_RETURN_IF_ERROR(move_outbox->Run());
      move_state->Bind(1, fresh).Bind(2, pending->Text(1)).Bind(3, pending->Text(2)).Bind(4, pending->Text(3));
      move_state->Bind(5, pending->Int(4)).Bind(6, identity.device_id);
      FS_RETURN_IF_ERROR(move_state->Run());
    }
    pending->Reset();
    FS_RETURN_IF_ERROR(PutMeta(kMetaLastHlc, std::to_string(clock_.last().Pack())));
    FS_RETURN_IF_ERROR(txn->Commit());
    every_type_since_ = ++last_version_;  // stamps of any type moved
    return Status::Ok();
  }

  Status RejectPending(uint64_t seq, const std::string& code, const std::string& reason) {
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    FS_ASSIGN_OR_RETURN(auto move, db_->Prepare(std::string("INSERT INTO rejected_changes (") + kOutboxColumns +
                                                ", code, reason, rejected_at_ms) SELECT " + kOutboxColumns +
                                                ", ?, ?, ? FROM outbox WHERE device_seq = ?"));
    const int64_t now = (options_.clock ? *options_.clock : SystemClock::Default()).NowMillis();
    move->Bind(1, code).Bind(2, reason).Bind(3, now).Bind(4, static_cast<int64_t>(seq));
    FS_RETURN_IF_ERROR(move->Run());
    if (db_->Changes() == 0) {
      return Status::NotFound("change #" + std::to_string(seq) + " is not in the outbox (sent or set aside already)");
    }
    FS_RETURN_IF_ERROR(SealIssued());
    FS_ASSIGN_OR_RETURN(auto drop, db_->Prepare("DELETE FROM outbox WHERE device_seq = ?"));
    drop->Bind(1, static_cast<int64_t>(seq));
    FS_RETURN_IF_ERROR(drop->Run());
    return txn->Commit();
  }

  Result<std::vector<RejectedChange>> Rejected() {
    FS_ASSIGN_OR_RETURN(auto identity, Identity());
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare(std::string("SELECT ") + kOutboxColumns +
                                             ", code, reason, rejected_at_ms FROM rejected_changes ORDER BY device_seq"));
    std::vector<RejectedChange> rejected;
    while (true) {
      FS_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      rejected.push_back(RejectedChange{OutboxChange(*s, identity.device_id), s->Text(11), s->Text(12), s->Int(13)});
    }
    return rejected;
  }

  Result<int64_t> RejectedCount() {
    FS_ASSIGN_OR_RETURN(auto s, db_->PrepareCached("SELECT count(*) FROM rejected_changes"));
    FS_ASSIGN_OR_RETURN(bool row, s->Step());
    return row ? s->Int(0) : 0;
  }

  Result<int64_t> RequeueRejected(const std::string& only_code) {
    const std::string which = only_code.empty() ? "" : " WHERE code = ?";
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    FS_ASSIGN_OR_RETURN(auto move, db_->Prepare(std::string("INSERT OR IGNORE INTO outbox (") + kOutboxColumns +
                                                ") SELECT " + kOutboxColumns + " FROM rejected_changes" + which));
    FS_ASSIGN_OR_RETURN(auto drop, db_->Prepare("DELETE FROM rejected_changes" + which));
    if (!only_code.empty()) {
      move->Bind(1, only_code);
      drop->Bind(1, only_code);
    }
    FS_RETURN_IF_ERROR(move->Run());
    const int64_t moved = db_->Changes();
    FS_RETURN_IF_ERROR(drop->Run());
    FS_RETURN_IF_ERROR(txn->Commit());
    return moved;
  }

  Status Acknowledge(const std::vector<Change>& sent) {
    // Exactly the sent entries, not "everything up to the last one": a change put back from the
    // rejected list by another process while this batch was on the wire has a sequence inside the
    // batch's span and must stay (S3). Deleted as runs of consecutive sequences, one statement each.
    if (sent.empty()) return Status::Ok();  // no write transaction for nothing
    std::vector<uint64_t> seqs;
    seqs.reserve(sent.size());
    for (const Change& c : sent) seqs.push_back(c.device_seq);
    std::sort(seqs.begin(), seqs.end());
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    FS_RETURN_IF_ERROR(SealIssued());
    FS_ASSIGN_OR_RETURN(auto drop, db_->PrepareCached("DELETE FROM outbox WHERE device_seq BETWEEN ? AND ?"));
    for (size_t first = 0; first < seqs.size();) {
      size_t last = first;
      while (last + 1 < seqs.size() && seqs[last + 1] <= seqs[last] + 1) ++last;
      drop->Bind(1, static_cast<int64_t>(seqs[first])).Bind(2, static_cast<int64_t>(seqs[last]));
      FS_RETURN_IF_ERROR(drop->Run());
      first = last + 1;
    }
    return txn->Commit();
  }

  std::unique_ptr<sql::Database> db_;
  DeviceStoreOptions options_;
  HlcClock clock_;
  std::unique_ptr<sql::MetaTable> meta_;
  // TypeVersion's state: the counter, when every type last changed, each type's last change.
  uint64_t last_version_ = 0, every_type_since_ = 0;
  int64_t seen_data_version_ = -1;
  int pins_ = 0;  // DeviceStore::VersionPin's alive
  bool looked_while_pinned_ = false;
  std::unordered_map<std::string, uint64_t> type_versions_;
  std::unique_ptr<sql::Statement> get_field_, put_field_, put_outbox_;
  std::unique_ptr<sql::WalCheckpointer> checkpointer_;  // declared last: stops before db_ closes
};

DeviceStore::DeviceStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DeviceStore::~DeviceStore() = default;

Result<std::unique_ptr<DeviceStore>> DeviceStore::Open(const std::string& path, DeviceStoreOptions options) {
  FS_ASSIGN_OR_RETURN(auto db, sql::Database::Open(path));
  if (options.durability == DeviceStoreOptions::Durability::kNormal) {
    FS_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=NORMAL"));
  }
  // A pull page rewrites the same index pages commit after commit: checkpointing every 32 MiB of
  // WAL instead of 4 copies each page back once instead of several times, and an 8 MiB page cache
  // (SQLite's default is 2) keeps a plan's indexes in memory instead of reading them back from the
  // OS on every lookup. Both are bounded, so memory stays flat (S10). The WAL file is cut back to
  // 48 MiB when the log restarts, i.e. kept at its working size: cut shorter, every tap that appends
  // past its end grows the file, and a grown file makes each tap's fdatasync write the inode too.
  // Checkpoints run on a thread of their own (wal_checkpointer.h): inline, the pull page or tap
  // that crossed the threshold paid for all of it (a first pull of 10k answers: median 1.33 ->
  // 1.23 s over five interleaved quick bench runs, within this machine's noise).
  constexpr int kCheckpointEveryPages = 8192;
  FS_RETURN_IF_ERROR(db->Exec("PRAGMA journal_size_limit=50331648; PRAGMA cache_size=-8192"));
  auto impl = std::make_unique<Impl>(std::move(db), options);
  impl->StartCheckpointer(kCheckpointEveryPages);
  FS_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<DeviceStore>(new DeviceStore(std::move(impl)));
}

Status DeviceStore::Initialize(const std::string& user_name) {
  FS_ASSIGN_OR_RETURN(std::string user, NormalizeText(user_name, "user name"));
  if (user.empty()) return Status::InvalidArgument("the user name is empty; pass --user NAME");
  FS_ASSIGN_OR_RETURN(auto existing, impl_->Meta(kMetaUser));
  if (existing) {
    if (*existing == user) return Status::Ok();
    return Status::FailedPrecondition("this store belongs to user '" + *existing +
                                      "'; use another --db file for '" + user + "'");
  }
  FS_RETURN_IF_ERROR(DeviceId().status());
  return impl_->PutMeta(kMetaUser, user);
}

Result<std::string> DeviceStore::DeviceId() {
  FS_ASSIGN_OR_RETURN(auto existing, impl_->Meta(kMetaDeviceId));
  if (existing) return *existing;
  std::string id = NewUuid();
  FS_RETURN_IF_ERROR(impl_->PutMeta(kMetaDeviceId, id));
  return id;
}

Result<DeviceIdentity> DeviceStore::Identity() const { return impl_->Identity(); }
Result<std::vector<Change>> DeviceStore::Write(const std::vector<FieldWrite>& writes) { return impl_->Write(writes); }
Result<Record> DeviceStore::WriteRecord(const std::string& type, const std::string& id, const ComposeWrites& compose) {
  return impl_->WriteRecord(type, id, compose);
}
Result<std::optional<Record>> DeviceStore::GetRecord(const std::string& type, const std::string& id) const {
  return impl_->GetRecord(type, id);
}
Result<std::vector<Record>> DeviceStore::ListRecords(const std::string& type, bool include_deleted) const {
  return impl_->List(type, include_deleted);
}
Result<std::vector<Record>> DeviceStore::FindRecords(const std::string& type, const std::string& field,
                                                     const std::string& value) const {
  return impl_->Find(type, field, value);
}
Result<std::vector<SearchHit>> DeviceStore::Search(const std::string& query) const { return impl_->Search(query); }
Result<std::vector<Change>> DeviceStore::PendingChanges(size_t max_changes, size_t max_bytes) const {
  return impl_->Pending(max_changes, max_bytes);
}
Result<int64_t> DeviceStore::PendingCount() const { return impl_->PendingCount(); }
Result<uint64_t> DeviceStore::LastIssuedSeq() const { return impl_->LastIssuedSeq(); }
Result<uint64_t> DeviceStore::TypeVersion(const std::string& type) const { return impl_->TypeVersion(type); }
DeviceStore::VersionPin DeviceStore::PinVersions() const { return VersionPin(*this); }
DeviceStore::VersionPin::VersionPin(const DeviceStore& store) : store_(store) { store_.impl_->Pin(); }
DeviceStore::VersionPin::~VersionPin() { store_.impl_->Unpin(); }
Status DeviceStore::Acknowledge(const std::vector<Change>& sent) { return impl_->Acknowledge(sent); }
Status DeviceStore::RestampPending() { return impl_->RestampPending(); }
Status DeviceStore::RejectPending(uint64_t device_seq, const std::string& code, const std::string& reason) {
  return impl_->RejectPending(device_seq, code, reason);
}
Result<std::vector<RejectedChange>> DeviceStore::RejectedChanges() const { return impl_->Rejected(); }
Result<int64_t> DeviceStore::RejectedCount() const { return impl_->RejectedCount(); }
Result<int64_t> DeviceStore::RequeueRejected(const std::string& only_code) { return impl_->RequeueRejected(only_code); }
Status DeviceStore::ApplyRemote(const std::vector<Change>& changes, const Settings& settings) {
  return impl_->ApplyRemote(changes, settings);
}
Result<std::optional<std::string>> DeviceStore::GetSetting(const std::string& key) const {
  return impl_->Meta(Impl::SettingKey(key));
}
Status DeviceStore::SetSetting(const std::string& key, const std::string& value) {
  return impl_->PutMeta(Impl::SettingKey(key), value);
}
Hlc DeviceStore::LastHlc() const { return impl_->clock_.last(); }
int DeviceStore::SchemaVersion() const { return impl_->db_->UserVersion(); }

}  // namespace fieldsync
