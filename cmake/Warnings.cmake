# One interface target that carries our warning flags; every first-party target links it.
add_library(spe_warnings INTERFACE)
target_compile_options(spe_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual -Wformat=2)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 reports std::variant moves as "maybe uninitialized" at -O2 (a known
  # false positive, GCC bug 105562); real uninitialised reads are caught by
  # -Wuninitialized and the sanitizer build.
  target_compile_options(spe_warnings INTERFACE -Wno-maybe-uninitialized)
  # GCC 12 at -O2 pairs Asio's coroutine frame allocation (aligned_alloc in
  # awaitable_frame_base::operator new) with its sized operator delete and
  # reports a mismatch that is not there (the same Asio allocator frees it);
  # it appears or not depending on inlining of the coroutine.
  target_compile_options(spe_warnings INTERFACE -Wno-mismatched-new-delete)
endif()
if(SPE_WERROR)
  target_compile_options(spe_warnings INTERFACE -Werror)
endif()
# Sanitizer builds (SPE_SANITIZE, see the presets): set here, before any target.
include(${CMAKE_CURRENT_LIST_DIR}/Sanitizers.cmake)
