# Client engine and end-to-end tests: real fieldsync servers and clients over HTTP on 127.0.0.1.
add_executable(fieldsync_sync_tests sync_e2e_test.cc sync_refusals_test.cc sync_kill_test.cc sync_rejected_test.cc
                    sync_tls_test.cc test_pki.cc)
find_package(OpenSSL REQUIRED)
target_link_libraries(fieldsync_sync_tests PRIVATE fieldsync_sync fieldsync_platform fieldsync_server
                      GTest::gtest_main Threads::Threads OpenSSL::SSL OpenSSL::Crypto)
target_compile_definitions(fieldsync_sync_tests PRIVATE FIELDSYNC_BIN_DIR="${CMAKE_RUNTIME_OUTPUT_DIRECTORY}")
add_dependencies(fieldsync_sync_tests fieldsync)  # the kill test runs the real CLI
gtest_discover_tests(fieldsync_sync_tests DISCOVERY_TIMEOUT 60)

# The randomized convergence harness: a library shared by the fixed-seed ctest cases and the long
# run in bench/ (fieldsync_convergence).
add_library(fieldsync_testkit STATIC convergence_harness.cc)
target_include_directories(fieldsync_testkit PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(fieldsync_testkit PUBLIC fieldsync_sync fieldsync_server)
add_executable(fieldsync_convergence_tests convergence_test.cc)
target_link_libraries(fieldsync_convergence_tests PRIVATE fieldsync_testkit GTest::gtest_main)
gtest_discover_tests(fieldsync_convergence_tests DISCOVERY_TIMEOUT 60)
