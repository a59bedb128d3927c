// Constants of the HTTP sync protocol shared by the client engine and the server.
// docs/PROTOCOL.md describes the endpoints; proto/fieldsync.proto the messages.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fieldsync::protocol {

inline constexpr uint32_t kVersion = 1;  // must match the newest line of proto/fieldsync.proto's changelog

inline constexpr const char* kContentType = "application/x-protobuf";
inline constexpr const char* kVersionHeader = "X-Fieldsync-Protocol";
inline constexpr const char* kServerHlcHeader = "X-Fieldsync-Server-Hlc";

inline constexpr const char* kHealthPath = "/v1/health";
inline constexpr const char* kEnrollPath = "/v1/enroll";
inline constexpr const char* kPushPath = "/v1/push";
inline constexpr const char* kPullPath = "/v1/pull";
inline constexpr const char* kSnapshotPath = "/v1/snapshot";

// Server-side bounds (S10, S11).
inline constexpr size_t kMaxBodyBytes = 4 * 1024 * 1024;
inline constexpr size_t kMaxChangesPerPush = 10000;
// What servers took per push before kMaxChangesPerPush grew to 10000: a tablet that gets
// too_many_changes for a larger batch sends this many from then on.
inline constexpr size_t kMaxChangesPerPushOlderServers = 2000;
inline constexpr uint32_t kDefaultPullBatch = 500;
// Pull pages: at most this many changes and about this many bytes (at least one change). Larger
// pages mean fewer commits on the tablet, which dominate a first pull; the byte bound keeps a page
// of long texts or blobs within kMaxBodyBytes.
inline constexpr uint32_t kMaxPullBatch = 5000;
inline constexpr size_t kMaxPullPageBytes = 2 * 1024 * 1024;
inline constexpr uint32_t kMaxSnapshotPage = 1000;
// One record's current state: the server keeps it in one row, read and rewritten whole by each
// push that changes the record (server/record_state.h). A change that would take a record past
// either bound is refused (400 invalid_change naming it); an answer is eight fields and a few kB.
inline constexpr size_t kMaxRecordFields = 1000;
inline constexpr size_t kMaxRecordBytes = 8 * 1024 * 1024;

}  // namespace fieldsync::protocol
