# One interface target that carries our warning flags; every first-party target links it.
add_library(spe_warnings INTERFACE)
target_compile_options(spe_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual -Wformat=2)
if(SPE_WERROR)
  target_compile_options(spe_warnings INTERFACE -Werror)
endif()
