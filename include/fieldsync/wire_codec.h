// Conversion between the domain Change and its protobuf form. Only encoding lives here: no
// validation of scope or roles, no storage. Used by the client engine and the server.
#pragma once

#include "fieldsync.pb.h"
#include "fieldsync/change.h"
#include "fieldsync/status.h"

namespace fieldsync::wire_codec {

void ToWire(const Change& change, wire::Change* out);
// InvalidArgument when a required part is missing (type, id, field, value of a non-tombstone).
Result<Change> FromWire(const wire::Change& change);

}  // namespace fieldsync::wire_codec
