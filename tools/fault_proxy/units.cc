#include "fault_proxy/units.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace fieldsync::fault_proxy {
namespace {

// Splits "1.5MB/s" into 1.5 and "MB/s"; nullopt when there is no leading number.
std::optional<std::pair<double, std::string>> NumberAndUnit(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  double number = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(number) || number < 0) return std::nullopt;
  return std::make_pair(number, std::string(end));
}

}  // namespace

std::optional<uint64_t> ParseRate(const std::string& text) {
  auto parsed = NumberAndUnit(text);
  if (!parsed) return std::nullopt;
  auto [number, unit] = *parsed;
  if (unit.ends_with("/s")) unit.resize(unit.size() - 2);
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "kB" || unit == "KB") scale = 1000;
  else if (unit == "KiB") scale = 1024;
  else if (unit == "MB") scale = 1000 * 1000;
  else if (unit == "MiB") scale = 1024 * 1024;
  else return std::nullopt;
  return static_cast<uint64_t>(number * scale);
}

std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  auto parsed = NumberAndUnit(text);
  if (!parsed) return std::nullopt;
  const auto& [number, unit] = *parsed;
  double ms = 0;
  if (unit.empty() || unit == "ms") ms = number;
  else if (unit == "s") ms = number * 1000;
  else if (unit == "min") ms = number * 60 * 1000;
  else return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(ms)));
}

std::optional<uint16_t> ParseLoopbackPort(const std::string& text) {
  std::string port = text;
  if (auto colon = text.rfind(':'); colon != std::string::npos) {
    const std::string host = text.substr(0, colon);
    if (host != "127.0.0.1" && host != "localhost") return std::nullopt;
    port = text.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  unsigned long value = std::stoul(port);
  if (value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

}  // namespace fieldsync::fault_proxy
