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
endif()
if(SPE_WERROR)
  target_compile_options(spe_warnings INTERFACE -Werror)
endif()
