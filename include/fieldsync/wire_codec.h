// Conversion between the domain Change and its protobuf form. Only encoding lives here: no
// validation of scope or roles, no storage. Used by the client engine and the server.
#pragma once

#include <vector>

#include "fieldsync.pb.h"
#include "fieldsync/change.h"
#include "fieldsync/status.h"

namespace fieldsync::wire_codec {

void ToWire(const Change& change, wire::Change* out);
// InvalidArgument when a required part is missing (type, id, field, value of a non-tombstone).
Result<Change> FromWire(const wire::Change& change);

// The grouped form (wire::ChangeGroup): runs of changes of one record share a RecordChanges, field
// names, devices and authors are listed once, stamps and sequences sent as differences. FromGroup(ToGroup(x)) == x.
void ToGroup(const std::vector<Change>& changes, wire::ChangeGroup* out);
// How many changes the group holds (to refuse an oversized push before expanding it).
size_t GroupSize(const wire::ChangeGroup& group);
// InvalidArgument as FromWire, or when an index names no entry; then *bad_position is the 1-based
// position of the change at fault.
Result<std::vector<Change>> FromGroup(const wire::ChangeGroup& group, size_t* bad_position);

}  // namespace fieldsync::wire_codec
