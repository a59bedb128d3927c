# Server tests: SyncService and its SQLite store directly, HTTP-level tests over 127.0.0.1 with
# cpprest's client, and the RequestRouter in-process (LoopbackTransport). Owned with server/.
find_package(cpprestsdk REQUIRED)
find_package(OpenSSL REQUIRED)

add_executable(fieldsync_server_tests
  server_push_test.cc
  server_scope_test.cc
  server_admin_test.cc
  server_http_test.cc
  server_router_test.cc
  server_compression_test.cc
  server_conflict_test.cc
  server_purge_test.cc
  server_attachment_test.cc
  server_sequence_reuse_test.cc
  server_error_codes_test.cc
  server_security_test.cc
  server_authorization_test.cc
  server_bad_input_test.cc
  field_write_plan_test.cc
  wire_grouped_test.cc
  server_change_runs_test.cc
  server_record_state_test.cc
  server_record_batch_test.cc
  legacy_server_store.cc
)
target_link_libraries(fieldsync_server_tests PRIVATE
  fieldsync_server fieldsync_platform GTest::gtest_main GTest::gmock Threads::Threads
  cpprestsdk::cpprest OpenSSL::SSL OpenSSL::Crypto SQLite::SQLite3)
# White-box tests of server internals (the audit chain's hash) include server/'s private headers.
target_include_directories(fieldsync_server_tests PRIVATE ${PROJECT_SOURCE_DIR}/server)
gtest_discover_tests(fieldsync_server_tests DISCOVERY_TIMEOUT 60)
