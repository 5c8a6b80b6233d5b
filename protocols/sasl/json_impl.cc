// Boost.JSON's compiled part for //protocols/sasl (header-only mode: include src.hpp exactly once
// per binary). If another library in the project also compiles Boost.JSON, move this to a shared
// target so a binary does not link it twice.
#include <boost/json/src.hpp>
