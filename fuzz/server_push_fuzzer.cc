// Fuzz target server_push: the input is the body of a push (a ChangeSet) from the team leader's
// enrolled tablet, sent through the RequestRouter: parsing, wire_codec::FromWire, device checks,
// validation, roles and scope, clock drift, conflict detection and the apply transaction.
// Invariants: ServerFixture::Handle. Corpus: real ChangeSets of the seed scenario (make_corpus).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fieldsync/protocol.h"
#include "server_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fieldsync;
  auto& server = fuzz::ServerFixture::Get();
  server.StartInput();
  server.Handle(server.Post(fuzz::kLeader, protocol::kPushPath,
                            std::string(reinterpret_cast<const char*>(data), size)));
  return 0;
}
