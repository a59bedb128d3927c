#include "push_log_check.h"

#include "wire_changes.h"

#include <algorithm>
#include <map>

#include "fieldsync.pb.h"
#include "fieldsync/protocol.h"
#include "fieldsync/text.h"
#include "fieldsync/wire_codec.h"
#include "fuzz_check.h"
#include "fuzz_team.h"

namespace fieldsync::fuzz {
namespace {

// Every field of a wire Change, for messages.
std::string Describe(const wire::Change& c) {
  Change decoded;
  if (auto d = wire_codec::FromWire(c); d.ok()) decoded = *d;
  return c.record_type() + " " + c.record_id() + "." + c.field() + " = " + DescribeValue(decoded.value) +
         (c.tombstone() ? " (deleted)" : "") + ", hlc " + std::to_string(c.hlc()) + ", device " + c.device_id() +
         " #" + std::to_string(c.device_seq()) + ", seen " + std::to_string(c.seen_hlc()) + " " +
         c.seen_device_id() + ", author " + c.author() + ", server_seq " + std::to_string(c.server_seq());
}

}  // namespace

void CheckPushStored(server::SyncService& service, const server::RouterRequest& request,
                     const server::RouterResponse& response) {
  wire::ChangeSet sent;
  wire::PushResponse answer;
  FUZZ_CHECK(sent.ParseFromString(request.body) && answer.ParseFromString(response.body), "checked by CheckAnswer");
  if (answer.results_size() == 0) return;
  // The log as the secretariat reads it (it sees everything), around the positions the results name
  // (CheckAnswer made sure they are not 0).
  uint64_t first = UINT64_MAX, last = 0;
  for (const auto& r : answer.results()) first = std::min(first, r.server_seq()), last = std::max(last, r.server_seq());
  const server::Session reader{kTeam[kSecretariat].device_id, kTeam[kSecretariat].user, domain::Role::kSecretariat};
  std::map<uint64_t, Change> logged;
  for (uint64_t after = first - 1; after < last;) {
    auto page = service.Pull(reader, after, protocol::kMaxPullBatch);
    FUZZ_CHECK(page.ok(), page.status().ToString());
    for (auto& c : page->changes) logged.emplace(c.server_seq, std::move(c));
    FUZZ_CHECK(page->next_cursor > after, "a pull that does not advance");
    after = page->next_cursor;
  }
  const auto sent_changes = ChangesOf(sent);
  for (int i = 0; i < answer.results_size(); ++i) {
    const auto& result = answer.results(i);
    const wire::Change& sent_change = sent_changes.at(static_cast<size_t>(i));
    auto it = logged.find(result.server_seq());
    FUZZ_CHECK(it != logged.end(), "change " + std::to_string(i + 1) + " is not in the log at server_seq " +
                                       std::to_string(result.server_seq()));
    const Change& got = it->second;
    FUZZ_CHECK(got.device_id == sent_change.device_id() && got.device_seq == sent_change.device_seq(),
               "the log holds another change at the server_seq of change " + std::to_string(i + 1));
    if (result.outcome() != wire::APPLIED) continue;  // a resend: the first copy is what counts
    // What the server stores: text in NFC, no value on a tombstone, the user as author when none
    // (compared through wire_codec, which drops what it does not know, as the server does).
    auto decoded = wire_codec::FromWire(sent_change);
    FUZZ_CHECK(decoded.ok(), "an accepted change that does not decode");
    Change& expected = *decoded;
    expected.server_seq = result.server_seq();
    if (expected.tombstone) expected.value = std::monostate{};
    if (auto* text = std::get_if<std::string>(&expected.value)) {
      auto nfc = NormalizeText(*text);
      FUZZ_CHECK(nfc.ok(), "accepted text that is not UTF-8");
      *text = *nfc;
    }
    if (expected.author.empty()) expected.author = got.author;
    wire::Change want, have;
    wire_codec::ToWire(expected, &want);
    wire_codec::ToWire(got, &have);
    FUZZ_CHECK(have.SerializeAsString() == want.SerializeAsString(),
               "S2: change " + std::to_string(i + 1) + " is not stored as it was sent:\n  sent   " + Describe(want) +
                   "\n  stored " + Describe(have));
  }
}

}  // namespace fieldsync::fuzz
