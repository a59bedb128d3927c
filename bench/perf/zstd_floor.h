// The byte floor: data compressed with zstd at level 3.
#pragma once

#include <string>

namespace fieldsync::bench {
size_t ZstdLevel3Size(const std::string& data);
}
