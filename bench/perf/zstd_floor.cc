#include "zstd_floor.h"

#include <zstd.h>

namespace fieldsync::bench {

size_t ZstdLevel3Size(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  return ZSTD_isError(n) ? data.size() : n;
}

}  // namespace fieldsync::bench
