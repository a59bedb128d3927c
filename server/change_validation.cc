#include "change_validation.h"

#include <algorithm>
#include <cstdint>

#include "access_policy.h"
#include "fieldsync/domain.h"
#include "fieldsync/review.h"
#include "fieldsync/text.h"

namespace fieldsync::server {
namespace {

bool IsLowerHex(char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); }

}  // namespace

Status CheckAttachmentRef(const AttachmentRef& ref, const std::string& label) {
  // A bad reference accepted once would be handed to every device on every pull and snapshot
  // (S4, S5), so it is refused here, at the only door.
  const std::string fix = "; the tablet must attach the photo or file again (update fieldsync if this repeats)";
  if (ref.sha256_hex.size() != 64 || !std::all_of(ref.sha256_hex.begin(), ref.sha256_hex.end(), IsLowerHex)) {
    return Status::InvalidArgument(label + " has an attachment whose SHA-256 is not 64 lowercase hex digits" + fix);
  }
  if (ref.size_bytes == 0) return Status::InvalidArgument(label + " has an attachment of size 0" + fix);
  if (ref.media_type.empty() || ref.media_type.size() > kMaxMediaTypeBytes) {
    return Status::InvalidArgument(label + " has an attachment whose media type is empty or longer than " +
                                   std::to_string(kMaxMediaTypeBytes) + " bytes" + fix);
  }
  if (auto valid = NormalizeText(ref.media_type, "the attachment media type in " + label); !valid.ok()) {
    return Status::InvalidArgument(valid.status().message() + fix);
  }
  return Status::Ok();
}

Status ValidateChange(Change& c, size_t index) {
  const std::string label = ChangeLabel(c, index);
  if (c.record_type.empty() || c.record_id.empty() || c.field.empty()) {
    return Status::InvalidArgument(label + " needs a record type, a record id and a field name");
  }
  for (const std::string* name : {&c.record_type, &c.record_id, &c.field, &c.device_id, &c.seen_device_id, &c.author}) {
    if (name->size() > kMaxNameBytes) return Status::InvalidArgument(label + " has a name longer than 1024 bytes");
    auto valid = NormalizeText(*name, "a name in " + label);
    if (!valid.ok()) return Status::InvalidArgument(valid.status().message());
  }
  if (c.device_seq == 0) return Status::InvalidArgument(label + " has no device sequence (it must start at 1)");
  // Stored as SQLite's signed 64-bit integers (the exactly-once ranges compare them).
  if (c.device_seq > static_cast<uint64_t>(INT64_MAX)) {
    return Status::InvalidArgument(label + " has a device sequence above 2^63 - 1");
  }
  if (c.hlc.IsZero()) return Status::InvalidArgument(label + " has no HLC timestamp");
  if (c.tombstone) {
    c.value = std::monostate{};
    return Status::Ok();
  }
  if (IsNone(c.value)) {
    return Status::InvalidArgument(label + " has neither a value nor a tombstone; update fieldsync on the tablet");
  }
  if (Status s = CheckValueStorable(c.value, label); !s.ok()) {
    return Status::InvalidArgument(s.message() + " (correct it on the tablet)");
  }
  if (auto* text = std::get_if<std::string>(&c.value)) {
    auto normalized = NormalizeText(*text, label);
    if (!normalized.ok()) {
      return Status::InvalidArgument(normalized.status().message() + "; correct the text on the tablet");
    }
    *text = std::move(normalized).value();
  }
  if (auto* ref = std::get_if<AttachmentRef>(&c.value)) return CheckAttachmentRef(*ref, label);
  if (Status s = CheckReviewValue(c, label); !s.ok()) return s;
  return CheckAnswerValue(c, label);
}

Status CheckReviewValue(const Change& c, const std::string& label) {
  if (c.record_type != domain::kReview || c.tombstone) return Status::Ok();
  if (!domain::ReviewTargetOf(c.record_id)) {
    return Status::InvalidArgument(label + ": a review id is review/answer/<answer id> or "
                                   "review/conclusion/<conclusion id> (update fieldsync on the tablet)");
  }
  if (c.field != "status") return Status::Ok();
  const std::string& code = TextOf(c.value);
  auto status = domain::ParseReviewStatus(code);
  if (!status.ok() || domain::ReviewStatusCode(*status) != code) {
    return Status::InvalidArgument(label + ": '" + code + "' is not a review status code; use received, "
                                   "needs_changes or approved (update fieldsync on the tablet)");
  }
  return Status::Ok();
}

Status CheckAnswerValue(const Change& c, const std::string& label) {
  if (c.record_type != domain::kAnswer || c.tombstone) return Status::Ok();
  const bool finding = std::find(std::begin(domain::kFindingFields), std::end(domain::kFindingFields), c.field) !=
                       std::end(domain::kFindingFields);
  if (finding && !std::holds_alternative<std::string>(c.value)) {
    return Status::InvalidArgument(label + ": the parts of an answer are text, not " + DescribeValue(c.value));
  }
  if (c.field != domain::kRatingField) return Status::Ok();
  // The rating is an enumeration: only its codes go on the wire (a label or an unknown grade would
  // reach every tablet and the report).
  const std::string& code = std::get<std::string>(c.value);
  auto rating = domain::ParseRating(code);
  if (!rating.ok() || domain::RatingCode(*rating) != code) {
    return Status::InvalidArgument(label + ": '" + code + "' is not a rating code; use tot, dat, chua_dat or "
                                   "khong_ap_dung (update fieldsync on the tablet)");
  }
  return Status::Ok();
}

}  // namespace fieldsync::server
