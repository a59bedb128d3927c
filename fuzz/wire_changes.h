// The changes a push or a pull page carries, in either wire form (a list, or a ChangeGroup), as a
// list: the fuzz checks and the corpus rewriting see one shape. A group that does not decode
// gives what decoded before the fault.
#pragma once

#include <vector>

#include "fieldsync.pb.h"

namespace fieldsync::fuzz {

std::vector<wire::Change> ChangesOf(const wire::ChangeSet& set);
std::vector<wire::Change> ChangesOf(const wire::PullResponse& page);
// `set` with its changes replaced by `changes`, in the form `set` had.
void SetChanges(wire::ChangeSet& set, const std::vector<wire::Change>& changes);

}  // namespace fieldsync::fuzz
