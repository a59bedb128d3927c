// Snapshot page tokens: opaque to clients, they carry the snapshot's starting server sequence and
// the last (record type, record id, field) sent. Pure functions.
#pragma once

#include <string>

#include "fieldsync/server/server_store.h"
#include "fieldsync/status.h"

namespace fieldsync::server {

struct SnapshotCursor {
  uint64_t as_of_server_seq = 0;
  FieldKey after;
};

std::string EncodePageToken(const SnapshotCursor& cursor);
// InvalidArgument for a token this server did not make.
Result<SnapshotCursor> DecodePageToken(const std::string& token);

}  // namespace fieldsync::server
