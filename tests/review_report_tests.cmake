# Review workflow and consolidated report (issue 7): reviews through SyncService, reviews synced to
# tablets over real HTTP on 127.0.0.1, the report's content in each format after a synced scenario,
# and its bounded reads on a large plan; and the server's command line (server_cli_test.cc).
find_package(nlohmann_json REQUIRED)
add_executable(fieldsync_review_tests review_service_test.cc review_sync_test.cc report_test.cc
               report_streaming_test.cc server_cli_test.cc)
target_link_libraries(fieldsync_review_tests PRIVATE fieldsync_report fieldsync_sync fieldsync_platform
                      fieldsync_server fieldsync_soak GTest::gtest_main GTest::gmock Threads::Threads
                      nlohmann_json::nlohmann_json)
# The command-line test runs the real binaries (child processes through tools/soak's RunCommand).
target_compile_definitions(fieldsync_review_tests PRIVATE FIELDSYNC_BIN_DIR="${CMAKE_RUNTIME_OUTPUT_DIRECTORY}")
add_dependencies(fieldsync_review_tests fieldsync fieldsync-server)
gtest_discover_tests(fieldsync_review_tests DISCOVERY_TIMEOUT 60)
