// Streaming byte interfaces (byte_source / byte_sink): moved to the base package
// (base/body.hpp); this header forwards there.
#pragma once

#include "base/body.hpp"
