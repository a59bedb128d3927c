# Client engine and end-to-end tests: real fieldsync servers and clients over HTTP on 127.0.0.1.
add_executable(fieldsync_sync_tests sync_e2e_test.cc sync_refusals_test.cc)
target_link_libraries(fieldsync_sync_tests PRIVATE fieldsync_sync fieldsync_platform fieldsync_server
                      GTest::gtest_main Threads::Threads)
gtest_discover_tests(fieldsync_sync_tests DISCOVERY_TIMEOUT 60)
