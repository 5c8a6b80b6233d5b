"""Project-wide C++ flags: our code is compiled with -Wall -Wextra -Werror."""

INET_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-unused-parameter",
    "-Wno-missing-field-initializers",
]

def inet_cc_library(name, copts = [], **kwargs):
    native.cc_library(name = name, copts = INET_COPTS + copts, **kwargs)

def inet_cc_binary(name, copts = [], **kwargs):
    native.cc_binary(name = name, copts = INET_COPTS + copts, **kwargs)

def inet_cc_test(name, copts = [], deps = [], **kwargs):
    native.cc_test(name = name, copts = INET_COPTS + copts, deps = deps + ["@system//:gtest_main"], **kwargs)
