// Parsing of the human units the proxy and the soak driver take on their command lines.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace fieldsync::fault_proxy {

// "32kB/s", "1.5MB/s", "4096B/s" or a plain number of bytes per second (k = 1000, Ki = 1024).
std::optional<uint64_t> ParseRate(const std::string& text);
// "300ms", "2s", "1.5s", or a plain number of milliseconds.
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text);
// "8080", "127.0.0.1:8080" or "localhost:8080": the proxy only ever talks to this machine.
std::optional<uint16_t> ParseLoopbackPort(const std::string& text);

}  // namespace fieldsync::fault_proxy
