// S5, S12: see verifier.h.
#include "soak/scope_rules.h"
#include "soak/verifier.h"

namespace fieldsync::soak {

void CheckConvergence(const ServerState& server, const std::vector<DeviceState>& devices, VerifyResult& out) {
  auto& f = out.figures;
  for (const auto& d : devices) {
    ++f.devices_compared;
    const std::string who = d.user + " (" + d.path + ")";
    if (!d.outbox.empty()) {
      f.pending += d.outbox.size();
      out.Violation("S5 " + who + " still has " + std::to_string(d.outbox.size()) +
                    " change(s) in its outbox after the quiesce phase");
    }
    const Visibility visible = VisibleTo(server, d.user);
    for (const auto& [key, want] : server.fields) {
      auto scope = server.scope_of.find({key.type, key.id});
      if (scope == server.scope_of.end() || !visible.Allows(scope->second)) continue;
      ++f.fields_compared;
      auto got = d.fields.find(key);
      if (got == d.fields.end() || !(got->second == want)) {
        ++f.divergent_fields;
        out.Violation("S5 " + who + ": " + key.ToString() + " is " +
                      (got == d.fields.end() ? std::string("missing") : got->second.Render()) + ", the server has " +
                      want.Render());
      }
    }
    for (const auto& [key, got] : d.fields) {
      auto scope = server.scope_of.find({key.type, key.id});
      const bool on_server = server.fields.count(key) > 0;
      if (on_server && scope != server.scope_of.end() && visible.Allows(scope->second)) continue;
      ++f.divergent_fields;
      out.Violation(std::string(on_server ? "S12 " : "S5 ") + who + " holds " + key.ToString() + " = " + got.Render() +
                    (on_server ? ", outside its user's scope" : ", which the server does not have"));
    }
  }
}

}  // namespace fieldsync::soak
