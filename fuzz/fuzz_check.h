// FUZZ_CHECK: an invariant of a fuzz target. On violation it prints what broke and aborts, which
// libFuzzer reports as a crash (saving the input) and the ctest replay as a failed test.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace fieldsync::fuzz {

[[noreturn]] inline void Fail(const char* condition, const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "\nfuzz invariant violated at %s:%d: %s\n  %s\n", file, line, condition, what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace fieldsync::fuzz

// `what` (a std::string expression) is evaluated only on failure.
#define FUZZ_CHECK(condition, what)                                                   \
  do {                                                                                \
    if (!(condition)) ::fieldsync::fuzz::Fail(#condition, __FILE__, __LINE__, (what)); \
  } while (0)
