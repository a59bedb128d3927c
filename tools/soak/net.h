// Small loopback helpers for the soak driver: a free port, and a health probe of the server.
#pragma once

#include <cstdint>

namespace fieldsync::soak {

// A port that was free on 127.0.0.1 a moment ago (the kernel's choice for port 0).
uint16_t PickFreePort();
// True when GET /v1/health on 127.0.0.1:port answers 200 within about a second.
bool HealthOk(uint16_t port);

}  // namespace fieldsync::soak
