#pragma once
// inetpp's version: the one place it is written. CMake reads these lines for project(VERSION) and
// the shared libraries' SONAME (libinetpp_*.so.MAJOR); `inet --version` prints it.
// Installed as <inet/version.hpp> (include/inetpp/inet/version.hpp, on the -I path from
// inetpp.pc and the inetpp:: CMake targets); in Bazel it is //inet:version.

#define INETPP_VERSION_MAJOR 0
#define INETPP_VERSION_MINOR 1
#define INETPP_VERSION_PATCH 0
#define INETPP_VERSION_STRING "0.1.0"
/// MAJOR * 10000 + MINOR * 100 + PATCH, for `#if INETPP_VERSION >= 100` checks.
#define INETPP_VERSION (INETPP_VERSION_MAJOR * 10000 + INETPP_VERSION_MINOR * 100 + INETPP_VERSION_PATCH)
