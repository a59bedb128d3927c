#include "fieldsync/value.h"

#include <cmath>
#include <sstream>

#include "fieldsync/change.h"

namespace fieldsync {

const std::string& TextOf(const Value& v) {
  static const std::string kEmpty;
  const auto* text = std::get_if<std::string>(&v);
  return text ? *text : kEmpty;
}

std::string DescribeValue(const Value& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "(none)"; }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      std::ostringstream out;
      out << d;
      return out.str();
    }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const Blob& b) const { return "(" + std::to_string(b.bytes.size()) + " bytes)"; }
    std::string operator()(const AttachmentRef& a) const {
      return "attachment " + a.media_type + " " + std::to_string(a.size_bytes) + " bytes sha256:" + a.sha256_hex;
    }
  };
  return std::visit(Visitor{}, v);
}

size_t ApproximateValueSize(const Value& value) {
  return std::visit(
      [](const auto& v) -> size_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) return v.size();
        else if constexpr (std::is_same_v<T, Blob>) return v.bytes.size();
        else if constexpr (std::is_same_v<T, AttachmentRef>) return v.sha256_hex.size() + v.media_type.size() + 8;
        else return 8;
      },
      value);
}

size_t ApproximateWireSize(const Change& c) {
  return ApproximateValueSize(c.value) + c.record_type.size() + c.record_id.size() + c.field.size() + c.device_id.size() +
         c.author.size() + c.seen_device_id.size() + 48;
}

Status CheckValueStorable(const Value& v, const std::string& what) {
  if (const auto* real = std::get_if<double>(&v); real && !std::isfinite(*real)) {
    return Status::InvalidArgument(what + " is not a finite number (NaN or infinity); enter a number");
  }
  if (const auto* text = std::get_if<std::string>(&v); text && text->size() > kMaxTextBytes) {
    return Status::InvalidArgument(what + " is " + std::to_string(text->size() / 1024) + " KiB of text; at most " +
                                   std::to_string(kMaxTextBytes / 1024) + " KiB fit in one field: shorten it or "
                                   "attach a document instead");
  }
  if (const auto* blob = std::get_if<Blob>(&v); blob && blob->bytes.size() > kMaxBlobBytes) {
    return Status::InvalidArgument(what + " holds " + std::to_string(blob->bytes.size() / 1024) + " KiB; at most " +
                                   std::to_string(kMaxBlobBytes / 1024) + " KiB fit in one field: attach it as a file");
  }
  return Status::Ok();
}

}  // namespace fieldsync
