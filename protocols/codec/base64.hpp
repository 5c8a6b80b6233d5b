// Base64 (`inet::codec::base64_encode` / `base64_decode`): moved to the base package
// (base/base64.hpp); this header forwards there.
#pragma once

#include "base/base64.hpp"
