#include "record_batch.h"

#include "fieldsync/protocol.h"

namespace fieldsync::server {

const StoredField* RecordBatch::Memo::Find(const std::string& field) const {
  auto it = now.fields.find(field);
  return it == now.fields.end() ? nullptr : &it->second;
}

std::optional<StoredField> RecordBatch::Memo::Field(const std::string& field) const {
  const StoredField* f = Find(field);
  return f ? std::optional<StoredField>(*f) : std::nullopt;
}

Result<RecordBatch::Memo*> RecordBatch::Get(const std::string& type, const std::string& id) {
  auto [it, inserted] = records_.try_emplace(type + '\n' + id);
  Memo& memo = it->second;
  if (!inserted) return &memo;
  memo.type = type;
  memo.id = id;
  auto stored = states_.Get(type, id);
  if (!stored.ok()) {
    records_.erase(it);
    return stored.status();
  }
  if (*stored) {
    memo.now = std::move(**stored);
    memo.stored_lookups = LookupValuesOf(memo.now);
    memo.known = true;
    for (const auto& [name, f] : memo.now.fields) memo.bytes += FieldBytes(name, f);
  }
  return &memo;
}

size_t RecordBatch::FieldBytes(const std::string& name, const StoredField& f) {
  return name.size() + ApproximateValueSize(f.state.value) + f.state.node.size() + f.state.author.size() + 24;
}

Status RecordBatch::CheckBounds(const Change& c, const Memo& memo, const std::optional<StoredField>& next) {
  if (!next) return Status::Ok();
  const StoredField* current = memo.Find(c.field);
  // Deleting a record, or a field it has, is never refused: a record at its bounds must still be
  // able to go (S9), and neither adds more than a few bytes.
  if (c.field == kDeletedField || (c.tombstone && current)) return Status::Ok();
  const size_t fields = memo.now.fields.size() + (current ? 0 : 1);
  // Sizes are unsigned: the difference is added last, and the result is never below zero.
  const size_t bytes = memo.bytes + FieldBytes(c.field, *next) - (current ? FieldBytes(c.field, *current) : 0);
  if (fields > protocol::kMaxRecordFields && fields > memo.now.fields.size()) {
    return Status::InvalidArgument("it would be field number " + std::to_string(fields) +
                                   " of its record; a record holds at most " +
                                   std::to_string(protocol::kMaxRecordFields) +
                                   " fields: keep the data in records of their own");
  }
  if (bytes > protocol::kMaxRecordBytes && bytes > memo.bytes) {
    return Status::InvalidArgument("it would make its record " + std::to_string(bytes / 1024) +
                                   " KiB; a record holds at most " +
                                   std::to_string(protocol::kMaxRecordBytes / (1024 * 1024)) +
                                   " MiB: attach large content as files");
  }
  return Status::Ok();
}

void RecordBatch::Set(Memo& memo, const std::string& field, StoredField next) {
  if (const StoredField* current = memo.Find(field)) memo.bytes -= FieldBytes(field, *current);
  memo.bytes += FieldBytes(field, next);
  memo.now.fields.insert_or_assign(field, std::move(next));
  if (!memo.dirty) touched_.push_back(&memo);
  memo.dirty = true;
}

Status RecordBatch::Write() {
  for (Memo* memo : touched_) {
    FS_RETURN_IF_ERROR(states_.Put(memo->type, memo->id, memo->now,
                                   memo->stored_lookups ? &*memo->stored_lookups : nullptr));
  }
  return Status::Ok();
}

}  // namespace fieldsync::server
