// The transport's error codes (`inet::transport::error`, category "inet.transport"), the
// cross-protocol conditions (`inet::condition`) and `inet::exception`. They live in the base
// package (base/error.hpp), below the transport, so that sans-I/O code (the IMAP parser, MIME,
// SASL) can use them without linking the transport; this header forwards there.
#pragma once

#include "base/error.hpp"
