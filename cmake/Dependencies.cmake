# Third-party dependencies, all from Debian 12 packages (see ./spe setup).
# Their headers are SYSTEM so their warnings never fail our build.
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS system)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

find_path(FIREBIRD_INCLUDE_DIR ibase.h PATH_SUFFIXES firebird REQUIRED)
find_library(FIREBIRD_LIBRARY fbclient REQUIRED)
add_library(spe_firebird INTERFACE)
target_include_directories(spe_firebird SYSTEM INTERFACE ${FIREBIRD_INCLUDE_DIR})
target_link_libraries(spe_firebird INTERFACE ${FIREBIRD_LIBRARY})

# Boost.Asio and Beast are compiled once (src/common/asio_impl.cpp); every
# user of the headers must see the same separate-compilation switches.
add_library(spe_asio INTERFACE)
target_compile_definitions(spe_asio INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED)
target_link_libraries(spe_asio INTERFACE Boost::headers Boost::system OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
