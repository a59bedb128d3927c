#include "fieldsync/wire_codec.h"

#include <unordered_map>

namespace fieldsync::wire_codec {
namespace {

void ValueToWire(const Value& value, wire::Value* v) {
  struct Visitor {
    wire::Value* v;
    void operator()(std::monostate) const {}
    void operator()(const std::string& s) const { v->set_text(s); }
    void operator()(int64_t i) const { v->set_integer(i); }
    void operator()(double d) const { v->set_real(d); }
    void operator()(bool b) const { v->set_boolean(b); }
    void operator()(const Blob& b) const { v->set_blob(b.bytes); }
    void operator()(const AttachmentRef& a) const {
      auto* ref = v->mutable_attachment();
      ref->set_sha256_hex(a.sha256_hex);
      ref->set_size_bytes(a.size_bytes);
      ref->set_media_type(a.media_type);
    }
  };
  std::visit(Visitor{v}, value);
}

// Sets c.value from `v`; InvalidArgument when it holds nothing (c names the change).
Status ValueFromWire(const wire::Value& v, Change& c) {
  switch (v.kind_case()) {
    case wire::Value::kText: c.value = v.text(); break;
    case wire::Value::kInteger: c.value = static_cast<int64_t>(v.integer()); break;
    case wire::Value::kReal: c.value = v.real(); break;
    case wire::Value::kBoolean: c.value = v.boolean(); break;
    case wire::Value::kBlob: c.value = Blob{v.blob()}; break;
    case wire::Value::kAttachment:
      c.value = AttachmentRef{v.attachment().sha256_hex(), v.attachment().size_bytes(), v.attachment().media_type()};
      break;
    case wire::Value::KIND_NOT_SET:
      return Status::InvalidArgument("change " + c.record_type + "/" + c.record_id + "." + c.field +
                                     " has neither a value nor a tombstone");
  }
  return Status::Ok();
}

// Differences between consecutive stamps and sequences, modulo 2^64 both ways, so any values
// (even a hostile sender's) round-trip.
int64_t Delta(uint64_t value, uint64_t previous) { return static_cast<int64_t>(value - previous); }
uint64_t Undelta(int64_t delta, uint64_t previous) { return previous + static_cast<uint64_t>(delta); }

// Index of `name` in the group's names, adding it when new.
uint32_t NameIndex(const std::string& name, wire::ChangeGroup* out, std::unordered_map<std::string, uint32_t>& index) {
  auto [it, inserted] = index.try_emplace(name, static_cast<uint32_t>(out->names_size()));
  if (inserted) out->add_names(name);
  return it->second;
}

}  // namespace


void ToWire(const Change& c, wire::Change* out) {
  out->set_record_type(c.record_type);
  out->set_record_id(c.record_id);
  out->set_field(c.field);
  out->set_tombstone(c.tombstone);
  out->set_hlc(c.hlc.Pack());
  out->set_device_id(c.device_id);
  out->set_device_seq(c.device_seq);
  out->set_seen_hlc(c.seen_hlc.Pack());
  out->set_seen_device_id(c.seen_device_id);
  out->set_author(c.author);
  out->set_server_seq(c.server_seq);
  if (!c.tombstone) ValueToWire(c.value, out->mutable_value());
}

Result<Change> FromWire(const wire::Change& w) {
  if (w.record_type().empty() || w.record_id().empty() || w.field().empty()) {
    return Status::InvalidArgument("a change is missing its record type, record id or field");
  }
  Change c;
  c.record_type = w.record_type();
  c.record_id = w.record_id();
  c.field = w.field();
  c.tombstone = w.tombstone();
  c.hlc = Hlc::Unpack(w.hlc());
  c.device_id = w.device_id();
  c.device_seq = w.device_seq();
  c.seen_hlc = Hlc::Unpack(w.seen_hlc());
  c.seen_device_id = w.seen_device_id();
  c.author = w.author();
  c.server_seq = w.server_seq();
  if (c.tombstone) return c;
  FS_RETURN_IF_ERROR(ValueFromWire(w.value(), c));
  return c;
}

void ToGroup(const std::vector<Change>& changes, wire::ChangeGroup* out) {
  std::unordered_map<std::string, uint32_t> index;
  NameIndex("", out, index);
  uint64_t hlc = 0, device_seq = 0, server_seq = 0;
  wire::RecordChanges* record = nullptr;
  for (const Change& c : changes) {
    if (!record || record->record_id() != c.record_id || record->record_type() != c.record_type) {
      record = out->add_records();
      record->set_record_type(c.record_type);
      record->set_record_id(c.record_id);
    }
    auto* f = record->add_fields();
    f->set_field_name(NameIndex(c.field, out, index));
    f->set_tombstone(c.tombstone);
    if (!c.tombstone) ValueToWire(c.value, f->mutable_value());
    f->set_hlc_delta(Delta(c.hlc.Pack(), hlc));
    f->set_device_seq_delta(Delta(c.device_seq, device_seq));
    f->set_server_seq_delta(Delta(c.server_seq, server_seq));
    hlc = c.hlc.Pack();
    device_seq = c.device_seq;
    server_seq = c.server_seq;
    f->set_device(NameIndex(c.device_id, out, index));
    f->set_author(NameIndex(c.author, out, index));
    f->set_seen_hlc(c.seen_hlc.Pack());
    f->set_seen_device(NameIndex(c.seen_device_id, out, index));
  }
}

size_t GroupSize(const wire::ChangeGroup& group) {
  size_t n = 0;
  for (const auto& r : group.records()) n += static_cast<size_t>(r.fields_size());
  return n;
}

Result<std::vector<Change>> FromGroup(const wire::ChangeGroup& group, size_t* bad_position) {
  std::vector<Change> changes;
  changes.reserve(GroupSize(group));
  const auto& names = group.names();
  auto name = [&](uint32_t i, std::string* out) {
    if (i >= static_cast<uint32_t>(names.size())) return false;
    *out = names.Get(static_cast<int>(i));
    return true;
  };
  uint64_t hlc = 0, device_seq = 0, server_seq = 0;
  for (const auto& r : group.records()) {
    for (const auto& f : r.fields()) {
      *bad_position = changes.size() + 1;
      Change c;
      c.record_type = r.record_type();
      c.record_id = r.record_id();
      c.field = f.field();
      if (c.field.empty() && !name(f.field_name(), &c.field)) {
        return Status::InvalidArgument("a change names a field the group does not list");
      }
      if (c.record_type.empty() || c.record_id.empty() || c.field.empty()) {
        return Status::InvalidArgument("a change is missing its record type, record id or field");
      }
      c.tombstone = f.tombstone();
      hlc = Undelta(f.hlc_delta(), hlc);
      device_seq = Undelta(f.device_seq_delta(), device_seq);
      server_seq = Undelta(f.server_seq_delta(), server_seq);
      c.hlc = Hlc::Unpack(hlc);
      c.device_seq = device_seq;
      c.server_seq = server_seq;
      c.seen_hlc = Hlc::Unpack(f.seen_hlc());
      if (!name(f.device(), &c.device_id) || !name(f.author(), &c.author) ||
          !name(f.seen_device(), &c.seen_device_id)) {
        return Status::InvalidArgument("change " + c.record_type + "/" + c.record_id + "." + c.field +
                                       " names a device or author the group does not list");
      }
      if (!c.tombstone) FS_RETURN_IF_ERROR(ValueFromWire(f.value(), c));
      changes.push_back(std::move(c));
    }
  }
  *bad_position = 0;
  return changes;
}

}  // namespace fieldsync::wire_codec
