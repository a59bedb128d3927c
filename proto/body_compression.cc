#include "fieldsync/body_compression.h"

#include <zstd.h>

#include <cctype>
#include <cstdint>
#include <memory>

#include "fieldsync/http_transport.h"

namespace fieldsync::body {
namespace {

struct DStreamDeleter {
  void operator()(ZSTD_DStream* s) const { ZSTD_freeDStream(s); }
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::string Compress(std::string_view raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3);
  if (ZSTD_isError(n)) return std::string(raw);  // cannot happen with a bound-sized buffer
  out.resize(n);
  return out;
}

Result<std::string> Decompress(std::string_view compressed, size_t max_bytes) {
  std::unique_ptr<ZSTD_DStream, DStreamDeleter> stream(ZSTD_createDStream());
  if (!stream) return Status::ResourceExhausted("out of memory decompressing a request body");
  std::string out;
  const unsigned long long declared = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR) {
    if (declared > max_bytes) {
      return Status::ResourceExhausted("the body would be " + std::to_string(declared) + " bytes uncompressed, over " +
                                       std::to_string(max_bytes));
    }
    out.reserve(static_cast<size_t>(declared));
  }
  ZSTD_inBuffer in{compressed.data(), compressed.size(), 0};
  char chunk[64 * 1024];
  size_t last = 1;
  while (in.pos < in.size) {
    ZSTD_outBuffer piece{chunk, sizeof chunk, 0};
    last = ZSTD_decompressStream(stream.get(), &piece, &in);
    if (ZSTD_isError(last)) {
      return Status::InvalidArgument(std::string("the body is not valid zstd data (") + ZSTD_getErrorName(last) + ")");
    }
    if (out.size() + piece.pos > max_bytes) {
      return Status::ResourceExhausted("the body is larger than " + std::to_string(max_bytes) + " bytes uncompressed");
    }
    out.append(chunk, piece.pos);
    if (piece.pos == 0 && in.pos < in.size && last != 0) continue;
  }
  // Flush what the decoder still holds once all input is consumed.
  while (last != 0) {
    ZSTD_outBuffer piece{chunk, sizeof chunk, 0};
    last = ZSTD_decompressStream(stream.get(), &piece, &in);
    if (ZSTD_isError(last)) {
      return Status::InvalidArgument(std::string("the body is not valid zstd data (") + ZSTD_getErrorName(last) + ")");
    }
    if (piece.pos == 0) return Status::InvalidArgument("the zstd body is cut short");
    if (out.size() + piece.pos > max_bytes) {
      return Status::ResourceExhausted("the body is larger than " + std::to_string(max_bytes) + " bytes uncompressed");
    }
    out.append(chunk, piece.pos);
  }
  return out;
}

std::string PlainBody(const std::map<std::string, std::string>& headers, const std::string& body) {
  const std::string* encoding = FindHeader(headers, "Content-Encoding");
  if (!encoding || !ListsZstd(*encoding)) return body;
  auto plain = Decompress(body, SIZE_MAX);
  return plain.ok() ? *plain : body;
}

bool ListsZstd(std::string_view header_value) {
  while (!header_value.empty()) {
    const size_t comma = header_value.find(',');
    std::string_view item = header_value.substr(0, comma);
    header_value = comma == std::string_view::npos ? std::string_view() : header_value.substr(comma + 1);
    const size_t semi = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semi));
    if (!EqualsIgnoringCase(coding, kZstd)) continue;
    if (semi == std::string_view::npos) return true;
    std::string_view params = Trim(item.substr(semi + 1));
    if (params.starts_with("q=") || params.starts_with("Q=")) {
      params.remove_prefix(2);
      // q=0, q=0.0, q=0.000: explicitly not acceptable.
      if (params.find_first_not_of("0.") == std::string_view::npos) return false;
    }
    return true;
  }
  return false;
}

}  // namespace fieldsync::body
