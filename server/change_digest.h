// ContentDigest: a fingerprint of what a change says, kept with its exactly-once key (device id,
// device sequence) so that a resend can be told from a different change reusing the key — which
// happens when a tablet's store is restored from a backup or copied (S2, S3). Pure; thread-safe.
#pragma once

#include <string>

#include "fieldsync/change.h"

namespace fieldsync::server {

// Lowercase hex SHA-256 over (record type, record id, field, value with its kind, tombstone, HLC).
// Not the device, sequence, author or seen stamp: those are the key, or do not change the effect.
std::string ContentDigest(const Change& c);

}  // namespace fieldsync::server
