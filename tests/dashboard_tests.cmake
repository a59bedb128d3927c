# Dashboard tests (dashboard/): the C++ security tests through RequestRouter, and the browser test
# in headless Chromium (tests/browser/, playwright-core; scripts/setup installs both).
find_package(cpprestsdk REQUIRED)
add_executable(fieldsync_dashboard_tests dashboard_auth_test.cc dashboard_failures_test.cc dashboard_export_test.cc)
target_link_libraries(fieldsync_dashboard_tests PRIVATE
  fieldsync_dashboard fieldsync_server GTest::gtest_main GTest::gmock Threads::Threads SQLite::SQLite3
  nlohmann_json::nlohmann_json cpprestsdk::cpprest)
gtest_discover_tests(fieldsync_dashboard_tests DISCOVERY_TIMEOUT 60)

# The browser test needs node with tests/browser/node_modules (npm ci) and Debian's chromium:
# scripts/setup installs them; without them the test fails saying so.
find_program(NODE_EXECUTABLE node)
if(NOT NODE_EXECUTABLE)
  set(NODE_EXECUTABLE node)  # the test then fails saying node is missing: run scripts/setup
endif()
add_test(NAME browser_dashboard
  COMMAND ${NODE_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/browser/dashboard.test.mjs
          --bin ${CMAKE_RUNTIME_OUTPUT_DIRECTORY} --artifacts ${CMAKE_BINARY_DIR}/artifacts)
set_tests_properties(browser_dashboard PROPERTIES LABELS browser TIMEOUT 240)
