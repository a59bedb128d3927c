// HTTP body compression for the sync protocol: zstd (RFC 8878) as `Content-Encoding: zstd`.
// Field values are Vietnamese prose with many repeated words and ids, so a push or pull body
// shrinks several times over, which is what matters on a weak site link. A server advertises that
// it takes compressed requests with an `Accept-Encoding: zstd` response header (RFC 7694); a
// client asks for compressed responses with `Accept-Encoding: zstd` (docs/PROTOCOL.md).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "fieldsync/status.h"

namespace fieldsync::body {

inline constexpr const char* kZstd = "zstd";
// Bodies smaller than this are sent as they are: the frame overhead would eat the gain.
inline constexpr size_t kMinCompressBytes = 512;

// zstd level 3 (fast, and within a few percent of the best ratio for this kind of text).
std::string Compress(std::string_view raw);
// ResourceExhausted when the content would exceed `max_bytes` (a decompression bomb is refused
// without allocating it); InvalidArgument when it is not a valid zstd frame.
Result<std::string> Decompress(std::string_view compressed, size_t max_bytes);
// `body` with the Content-Encoding named in `headers` undone (unchanged when there is none or it
// cannot be undone): for tools and tests that look inside recorded traffic.
std::string PlainBody(const std::map<std::string, std::string>& headers, const std::string& body);
// True when an Accept-Encoding (or Content-Encoding) header value lists zstd, not with q=0.
bool ListsZstd(std::string_view header_value);

}  // namespace fieldsync::body
