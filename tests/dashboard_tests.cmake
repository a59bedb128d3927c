# Dashboard tests (dashboard/): the C++ security tests through RequestRouter, and the browser test
# in headless Chromium (tests/browser/, playwright-core; scripts/setup installs both).
add_executable(fieldsync_dashboard_tests dashboard_auth_test.cc)
target_link_libraries(fieldsync_dashboard_tests PRIVATE
  fieldsync_dashboard fieldsync_server GTest::gtest_main GTest::gmock Threads::Threads SQLite::SQLite3
  nlohmann_json::nlohmann_json)
gtest_discover_tests(fieldsync_dashboard_tests DISCOVERY_TIMEOUT 60)
