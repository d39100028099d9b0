# Sanitizers for every target of the tree (libraries, daemons, tests, fuzz
# replayers): SPE_SANITIZE is the list given to -fsanitize=, comma-separated,
# e.g. "address,undefined" (CMakePresets.json: asan-ubsan) or "thread" (tsan).
# Empty (the default, and the release build) adds nothing.
#
# The flags are directory-wide compile and link options set before any target
# is made, so nothing can be left uninstrumented by forgetting to link a
# helper target. Third-party libraries from Debian (Firebird, Xapian, GLib,
# OpenSSL) are not instrumented: their reports are suppressed by library in
# tests/sanitizers/*.supp, each entry with its reason.
set(SPE_SANITIZE "" CACHE STRING
    "Sanitizers for every target, as for -fsanitize= (address,undefined | thread); empty: none")

if(SPE_SANITIZE)
  string(REPLACE "," ";" _spe_sanitizers "${SPE_SANITIZE}")
  foreach(_s IN LISTS _spe_sanitizers)
    if(NOT _s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "SPE_SANITIZE: unknown sanitizer '${_s}' (address, undefined, thread, leak)")
    endif()
  endforeach()
  if("thread" IN_LIST _spe_sanitizers AND ("address" IN_LIST _spe_sanitizers OR "leak" IN_LIST _spe_sanitizers))
    message(FATAL_ERROR "SPE_SANITIZE: thread cannot be combined with address or leak (one build each)")
  endif()
  # Frame pointers give whole stacks in reports at low cost.
  add_compile_options(-fsanitize=${SPE_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${SPE_SANITIZE})
  if("undefined" IN_LIST _spe_sanitizers)
    # Undefined behaviour stops the process (and fails the test) instead of
    # printing a line that a passing test would hide.
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  # ctest empties the report folder before the tests and fails the run after
  # them if any report is there (the test presets send ASan, LSan and TSan
  # reports into it with log_path, children's included): see
  # tests/sanitizers/check_reports.sh.
  set(_spe_check "${PROJECT_SOURCE_DIR}/tests/sanitizers/check_reports.sh")
  set(_spe_reports "${PROJECT_BINARY_DIR}/sanitizer-reports")
  file(WRITE "${PROJECT_BINARY_DIR}/CTestCustom.cmake"
       "set(CTEST_CUSTOM_PRE_TEST \"${_spe_check} clear ${_spe_reports}\")\n"
       "set(CTEST_CUSTOM_POST_TEST \"${_spe_check} check ${_spe_reports} ${PROJECT_BINARY_DIR}/Testing/Temporary\")\n")
  message(STATUS "Sanitizers: ${SPE_SANITIZE} (reports of a ctest run: ${_spe_reports})")
endif()
