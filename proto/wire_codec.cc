#include "fieldsync/wire_codec.h"

namespace fieldsync::wire_codec {

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
  if (c.tombstone) return;
  auto* v = out->mutable_value();
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
  std::visit(Visitor{v}, c.value);
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
  const auto& v = w.value();
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
  return c;
}

}  // namespace fieldsync::wire_codec
