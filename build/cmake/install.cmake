# `cmake --install`: headers under include/inetpp/ (the Bazel include paths: <protocols/smtp/
# client.hpp>, <inet/version.hpp>), libinetpp_*.so.MAJOR and libinetpp_*.a, the inet tool,
# inetpp-config.cmake (targets inetpp::NAME and inetpp::NAME_static) and inetpp.pc.
include(CMakePackageConfigHelpers)

get_property(_inetpp_libs GLOBAL PROPERTY INETPP_INSTALLED_LIBRARIES)
get_property(_inetpp_system GLOBAL PROPERTY INETPP_SYSTEM_TARGETS)
list(REMOVE_DUPLICATES _inetpp_system)
set(_inetpp_targets inetpp_boost_config ${_inetpp_system})
set(_inetpp_compiled)  # the libraries with code, dependencies first
foreach(name IN LISTS _inetpp_libs)
  list(APPEND _inetpp_targets inetpp_${name} inetpp_${name}_static)
  get_target_property(type inetpp_${name} TYPE)
  if(type STREQUAL "SHARED_LIBRARY")
    list(APPEND _inetpp_compiled ${name})
  endif()
endforeach()

install(TARGETS ${_inetpp_targets} EXPORT inetpp-targets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set(INETPP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/inetpp)
install(EXPORT inetpp-targets NAMESPACE inetpp:: DESTINATION ${INETPP_CMAKE_DIR})
configure_package_config_file(build/cmake/inetpp-config.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/inetpp-config.cmake" INSTALL_DESTINATION ${INETPP_CMAKE_DIR})
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/inetpp-config-version.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/inetpp-config.cmake"
  "${CMAKE_CURRENT_BINARY_DIR}/inetpp-config-version.cmake" DESTINATION ${INETPP_CMAKE_DIR})

# inetpp.pc: every library, dependents first (the order static linking needs).
set(INETPP_PC_LIBS)
list(REVERSE _inetpp_compiled)
foreach(name IN LISTS _inetpp_compiled)
  string(APPEND INETPP_PC_LIBS " -linetpp_${name}")
endforeach()
get_property(_defs GLOBAL PROPERTY INETPP_BOOST_DEFINITIONS)
list(TRANSFORM _defs PREPEND "-D")
list(JOIN _defs " " INETPP_PC_DEFINES)
get_property(_private GLOBAL PROPERTY INETPP_SYSTEM_LINKOPTS)  # system.BUILD libraries CMake does not map
list(REMOVE_DUPLICATES _private)
list(JOIN _private " " INETPP_PC_LIBS_PRIVATE)
# Relocatable: the prefix is found from the .pc file's own place (cmake --install --prefix P).
file(RELATIVE_PATH INETPP_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
string(REGEX REPLACE "/$" "" INETPP_PC_TO_PREFIX "${INETPP_PC_TO_PREFIX}")
configure_file(build/cmake/inetpp.pc.in "${CMAKE_CURRENT_BINARY_DIR}/inetpp.pc" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/inetpp.pc"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
