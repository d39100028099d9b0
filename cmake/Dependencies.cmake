# Third-party dependencies, all from Debian 12 packages (see ./spe setup).
# Every library is looked up here, once, and is one imported target; the
# CMakeLists.txt under src/ and tests/ only link these targets:
#
#   Threads::Threads, Boost::headers, Boost::system   find_package (config)
#   OpenSSL::SSL, OpenSSL::Crypto                     find_package
#   nlohmann_json::nlohmann_json, spdlog::spdlog      find_package (config)
#   GTest::gtest_main, ZLIB::ZLIB                     find_package (tests only)
#   PkgConfig::SODIUM   libsodium        PkgConfig::GMIME    gmime-3.0
#   PkgConfig::LIBXML2  libxml-2.0       PkgConfig::XAPIAN   xapian-core
#   PkgConfig::ZSTD     libzstd          PkgConfig::POPPLER  poppler-cpp
#   PkgConfig::ICU      icu-i18n icu-uc  PkgConfig::LIBARCHIVE libarchive (export .zip)
#   PkgConfig::OATH     liboath (TOTP)   PkgConfig::QRENCODE libqrencode (set-up QR codes)
#   PkgConfig::LDAP     ldap (OpenLDAP's libldap: directory services)
#   PkgConfig::CURL     libcurl (OpenSSL flavour: the SMTP client, common/net/smtp_client.h)
#   PkgConfig::PROMETHEUS prometheus-cpp-core (metrics: registry, text format; src/common/metrics)
#   PkgConfig::SYSTEMD  libsystemd (sd_notify for the systemd units; src/common/service)
#   spe_firebird        fbclient (no pkg-config file in Debian: find_path/find_library)
#
# Style, one per library: find_package for the libraries that are CMake
# packages or have a module in CMake (Boost, OpenSSL, nlohmann_json, spdlog,
# GTest, ZLIB); pkg-config with IMPORTED_TARGET for the C and C++ libraries
# that ship a .pc file (Debian also has CMake files for Xapian and zstd, but
# the pkg-config names are the ones every distribution has); Firebird has
# neither. Imported targets' include directories are SYSTEM, so their
# warnings never fail our build.
#
# Link a library PRIVATE unless its headers appear in a public header of
# ours. GMime in particular stays PRIVATE (spe_mime, spe_index): its flags
# (-D_LARGEFILE64_SOURCE) must not reach the targets that reuse spe_net's
# precompiled header.
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS system)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(spdlog REQUIRED)
if(SPE_BUILD_TESTS)
  find_package(GTest REQUIRED)
  find_package(ZLIB REQUIRED)
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(GMIME REQUIRED IMPORTED_TARGET gmime-3.0)
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)
pkg_check_modules(XAPIAN REQUIRED IMPORTED_TARGET xapian-core)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(POPPLER REQUIRED IMPORTED_TARGET poppler-cpp)
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-i18n icu-uc)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
pkg_check_modules(OATH REQUIRED IMPORTED_TARGET liboath)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
pkg_check_modules(LDAP REQUIRED IMPORTED_TARGET ldap)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
pkg_check_modules(PROMETHEUS REQUIRED IMPORTED_TARGET prometheus-cpp-core)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)

find_path(FIREBIRD_INCLUDE_DIR ibase.h PATH_SUFFIXES firebird REQUIRED)
find_library(FIREBIRD_LIBRARY fbclient REQUIRED)
add_library(spe_firebird INTERFACE)
target_include_directories(spe_firebird SYSTEM INTERFACE ${FIREBIRD_INCLUDE_DIR})
target_link_libraries(spe_firebird INTERFACE ${FIREBIRD_LIBRARY})

# Boost.Asio and Beast are compiled once (src/common/net/asio_impl.cpp); every
# user of the headers must see the same separate-compilation switches.
add_library(spe_asio INTERFACE)
target_compile_definitions(spe_asio INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED)
target_link_libraries(spe_asio INTERFACE Boost::headers Boost::system OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
