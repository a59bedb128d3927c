// Push validation of single changes (S11): what the server can store and hand back to every device
// as is. Pure functions; thread-safe.
#pragma once

#include <cstddef>

#include "fieldsync/change.h"
#include "fieldsync/status.h"
#include "fieldsync/value.h"

namespace fieldsync::server {

inline constexpr size_t kMaxNameBytes = 1024;       // record types, ids, field names, device ids
inline constexpr size_t kMaxMediaTypeBytes = 255;   // AttachmentRef.media_type

// InvalidArgument (naming change `index`, from 0) unless `c` has its names (valid UTF-8, at most
// kMaxNameBytes), a device sequence, an HLC, and a value or a tombstone; text values valid UTF-8,
// at most kMaxTextBytes, blobs at most kMaxBlobBytes (value.h), attachment references well-formed
// (CheckAttachmentRef), answers and reviews well-typed (CheckAnswerValue,
// CheckReviewValue). Normalises text to NFC in place and
// clears the value of a tombstone.
Status ValidateChange(Change& c, size_t index);

// A reference every reader can decode and fetch: sha256_hex exactly 64 lowercase hex digits,
// size_bytes > 0, media_type non-empty valid UTF-8 of at most kMaxMediaTypeBytes. `label` names the
// change in the message.
Status CheckAttachmentRef(const AttachmentRef& ref, const std::string& label);

// A review's id names an answer or a conclusion, and its status is one of the codes
// (include/fieldsync/review.h).
Status CheckReviewValue(const Change& c, const std::string& label);

// An answer's parts (rating, results, ...) are text, and its rating one of the scale's codes.
Status CheckAnswerValue(const Change& c, const std::string& label);

}  // namespace fieldsync::server
