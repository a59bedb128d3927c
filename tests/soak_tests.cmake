# Soak tooling (tools/fault_proxy, tools/soak): unit tests of the fault proxy and of the soak's
# verifier, and short fixed-seed soak runs of the real processes (label `soak`). Owned with tools/.
find_package(nlohmann_json REQUIRED)
add_executable(fieldsync_soak_tests fault_proxy_test.cc soak_verifier_test.cc legacy_server_store.cc)
target_link_libraries(fieldsync_soak_tests PRIVATE fieldsync_soak fieldsync_server GTest::gtest_main
  nlohmann_json::nlohmann_json)
# legacy_server_store.cc reads the server's change log and state formats (server/change_runs.h,
# server/record_state.h).
target_include_directories(fieldsync_soak_tests PRIVATE ${PROJECT_SOURCE_DIR}/server)
target_compile_definitions(fieldsync_soak_tests PRIVATE FIELDSYNC_BIN_DIR="${CMAKE_RUNTIME_OUTPUT_DIRECTORY}")
add_dependencies(fieldsync_soak_tests fieldsync fieldsync-server fieldsync-fault-proxy)
gtest_discover_tests(fieldsync_soak_tests DISCOVERY_TIMEOUT 60 PROPERTIES LABELS soak)

# Each run: a few rounds with faults on every link, device syncs and the server SIGKILLed midway;
# --expect-chaos fails the run if it did not actually inject a fault, kill a device sync and kill
# the server. A failing seed prints the command that replays it.
foreach(seed 1 2 3)
  add_test(NAME soak_seed_${seed}
           COMMAND fieldsync-soak --seed ${seed} --rounds 4 --minutes 1 --fault-rate 0.3 --device-kill 0.4
                   --server-kill 0.8 --offline 0.1 --mobile-rate 256kB/s --mobile-latency 20ms --expect-chaos)
  set_tests_properties(soak_seed_${seed} PROPERTIES TIMEOUT 120 LABELS soak)
endforeach()
