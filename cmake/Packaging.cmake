# Installation and Debian packages (docs/packages.md): `./spe package`
# builds the packages with CPack's DEB generator into build/packages/.
#
#   spe-management    the Management Server and the console's files
#   spe-instancehost  the Instance Host, spe-instance, spe-pdf-text, spe-store, spe-audit
#   spe-cas           the Client Access Server and Web Access's files
#   spe-cli           spe-cli
#   spe               single server mode: depends on all four, pairs them and starts them
#
# Layout: programs in /usr/lib/spe/bin (each finds its helpers and share/
# beside it), /usr/bin/spe-cli, spe-store and spe-audit as links, units in
# /lib/systemd/system, configuration templates in /usr/lib/spe/templates
# (the maintainer scripts copy them to /etc/spe/ once), data in /var/lib/spe/.
# Library dependencies come from dpkg-shlibdeps; what the programs load
# without linking (Firebird's embedded engine, the extractor programs) is
# named here (procps: kill, for ExecReload).
include(GNUInstallDirs)

set(SPE_LIBEXEC lib/spe/bin)
set(SPE_SHARE lib/spe/share)

install(TARGETS spe-management RUNTIME DESTINATION ${SPE_LIBEXEC} COMPONENT management)
install(DIRECTORY ${PROJECT_BINARY_DIR}/share/console DESTINATION ${SPE_SHARE} COMPONENT management)
install(TARGETS spe-instancehost spe-instance spe-pdf-text spe-store spe-audit
        RUNTIME DESTINATION ${SPE_LIBEXEC} COMPONENT instancehost)
install(TARGETS spe-cas RUNTIME DESTINATION ${SPE_LIBEXEC} COMPONENT cas)
install(DIRECTORY ${PROJECT_BINARY_DIR}/share/web DESTINATION ${SPE_SHARE} COMPONENT cas)
install(TARGETS spe-cli RUNTIME DESTINATION ${SPE_LIBEXEC} COMPONENT cli)

# Links on the PATH for the tools an administrator types.
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/package-links)
foreach(pair spe-cli:cli spe-store:instancehost spe-audit:instancehost)
  string(REPLACE ":" ";" parts ${pair})
  list(GET parts 0 tool)
  list(GET parts 1 component)
  file(CREATE_LINK ../lib/spe/bin/${tool} ${PROJECT_BINARY_DIR}/package-links/${tool} SYMBOLIC)
  install(FILES ${PROJECT_BINARY_DIR}/package-links/${tool} DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT ${component})
endforeach()

set(SPE_PACKAGING ${PROJECT_SOURCE_DIR}/packaging)
foreach(role management instancehost cas)
  install(FILES ${SPE_PACKAGING}/systemd/spe-${role}.service DESTINATION lib/systemd/system COMPONENT ${role})
  install(FILES ${SPE_PACKAGING}/templates/${role}.json DESTINATION lib/spe/templates COMPONENT ${role})
endforeach()
foreach(component management instancehost cas cli single)
  set(name spe-${component})
  if(component STREQUAL "single")
    set(name spe)
  endif()
  install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/packages.md
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${name} COMPONENT ${component})
endforeach()

# Maintainer scripts: one template for the three roles.
set(SPE_MAINT ${PROJECT_BINARY_DIR}/package-scripts)
set(desc_management "SPE Management Server")
set(desc_instancehost "SPE Instance Host and its instances")
set(desc_cas "SPE Client Access Server")
set(dirs_management "/var/lib/spe/management")
set(dirs_instancehost "/var/lib/spe/instancehost /var/lib/spe/instances /var/lib/spe/imports")
set(dirs_cas "/var/lib/spe/cas")
foreach(role management instancehost cas)
  set(ROLE ${role})
  set(PACKAGE spe-${role})
  set(USER spe-${role})
  set(UNIT spe-${role}.service)
  set(DESCRIPTION ${desc_${role}})
  set(DATA_DIRS ${dirs_${role}})
  foreach(script postinst prerm postrm)
    configure_file(${SPE_PACKAGING}/debian/role.${script}.in ${SPE_MAINT}/${role}/${script} @ONLY
                   FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
                                    WORLD_EXECUTE)
  endforeach()
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME spe)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "SPE maintainers <spe@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Multi-tenant email archiving for service providers")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/../packages)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL management instancehost cas cli single)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)  # debugging symbols stay in the build, not on every server
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://localhost/spe")

set(CPACK_DEBIAN_MANAGEMENT_PACKAGE_NAME spe-management)
set(CPACK_DEBIAN_MANAGEMENT_DESCRIPTION "SPE Management Server\n Manages instances, Instance Hosts and Client Access Servers; serves the\n Management API and the Management Console.")
set(CPACK_DEBIAN_MANAGEMENT_PACKAGE_DEPENDS "firebird3.0-server-core, passwd, procps, systemd")
set(CPACK_DEBIAN_MANAGEMENT_PACKAGE_CONTROL_EXTRA
    "${SPE_MAINT}/management/postinst;${SPE_MAINT}/management/prerm;${SPE_MAINT}/management/postrm")

set(CPACK_DEBIAN_INSTANCEHOST_PACKAGE_NAME spe-instancehost)
set(CPACK_DEBIAN_INSTANCEHOST_DESCRIPTION "SPE Instance Host\n Runs the customers' instances: archive stores, search indexes, archiving,\n Web Access and IMAP back ends.")
set(CPACK_DEBIAN_INSTANCEHOST_PACKAGE_DEPENDS "firebird3.0-server-core, passwd, procps, systemd")
set(CPACK_DEBIAN_INSTANCEHOST_PACKAGE_RECOMMENDS "docx2txt, odt2txt, unrtf, catdoc, xlsx2csv")
set(CPACK_DEBIAN_INSTANCEHOST_PACKAGE_CONTROL_EXTRA
    "${SPE_MAINT}/instancehost/postinst;${SPE_MAINT}/instancehost/prerm;${SPE_MAINT}/instancehost/postrm")

set(CPACK_DEBIAN_CAS_PACKAGE_NAME spe-cas)
set(CPACK_DEBIAN_CAS_DESCRIPTION "SPE Client Access Server\n Web Access and IMAP for end users, in front of the Instance Hosts.")
set(CPACK_DEBIAN_CAS_PACKAGE_DEPENDS "passwd, procps, systemd")
set(CPACK_DEBIAN_CAS_PACKAGE_CONTROL_EXTRA "${SPE_MAINT}/cas/postinst;${SPE_MAINT}/cas/prerm;${SPE_MAINT}/cas/postrm")

set(CPACK_DEBIAN_CLI_PACKAGE_NAME spe-cli)
set(CPACK_DEBIAN_CLI_DESCRIPTION "SPE command-line client\n Calls the Management API from scripts and terminals.")

set(CPACK_DEBIAN_SINGLE_PACKAGE_NAME spe)
set(CPACK_DEBIAN_SINGLE_DESCRIPTION "SPE in single server mode\n Installs the Management Server, Instance Host and Client Access Server on one\n machine, pairs them and starts them.")
set(CPACK_DEBIAN_SINGLE_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_SINGLE_PACKAGE_DEPENDS
    "spe-management (= ${PROJECT_VERSION}), spe-instancehost (= ${PROJECT_VERSION}), spe-cas (= ${PROJECT_VERSION}), spe-cli (= ${PROJECT_VERSION}), util-linux")
set(CPACK_DEBIAN_SINGLE_PACKAGE_CONTROL_EXTRA "${SPE_PACKAGING}/debian/single/postinst")  # CPack takes the file by its name

include(CPack)
