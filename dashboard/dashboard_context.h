// What every dashboard handler works with: the sync service (all writes go through it), a read
// connection to the same store, the web accounts, and the caller as the sync API would see them.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "export_slots.h"
#include "fieldsync/clock.h"
#include "fieldsync/server/server_store.h"
#include "fieldsync/server/sync_service.h"
#include "user_access.h"
#include "web_account_store.h"
#include "web_auth.h"

namespace fieldsync::dashboard {

struct Context {
  server::SyncService& service;
  std::string db_path;
  bool https = false;
  Clock& clock;
  // Reads (views, exports) go through this connection, one thread at a time: hold store_mu.
  std::mutex store_mu;
  std::unique_ptr<server::ServerStore> store;
  std::unique_ptr<WebAccountStore> accounts;
  std::unique_ptr<WebAuth> auth;
  ExportSlots exports;
};

// A logged-in caller: the session, and the same Session and UserAccess (scopes, role per visit)
// the sync API builds for a tablet of that user, so both apply one set of rules.
struct Caller {
  WebSession web;
  server::Session session;
  server::UserAccess access;
};

// Holds ctx.store_mu while a view reads.
using StoreLock = std::lock_guard<std::mutex>;

// A value as JSON: text, number or bool; null for none, a tombstone, a blob or an attachment.
nlohmann::json ValueJson(const Value& value);
// The milliseconds of an HLC's physical part (when it happened, by the writer's clock).
inline int64_t MillisOf(const Hlc& hlc) { return hlc.physical_ms; }

}  // namespace fieldsync::dashboard
