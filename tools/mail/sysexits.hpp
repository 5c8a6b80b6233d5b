// Exit codes of `inet mail`: sendmail's and msmtp's, as defined by sysexits.h.
#pragma once

namespace inet::mail {

inline constexpr int ex_ok = 0;
inline constexpr int ex_usage = 64;        ///< command line usage error
inline constexpr int ex_dataerr = 65;      ///< malformed address or message
inline constexpr int ex_noinput = 66;      ///< an input file cannot be opened
inline constexpr int ex_nouser = 67;       ///< a recipient was refused
inline constexpr int ex_nohost = 68;       ///< the server's name does not resolve
inline constexpr int ex_unavailable = 69;  ///< permanent refusal (5xx), missing server feature
inline constexpr int ex_software = 70;     ///< internal error
inline constexpr int ex_oserr = 71;        ///< system error (fork, memory, …)
inline constexpr int ex_ioerr = 74;        ///< local I/O error
inline constexpr int ex_tempfail = 75;     ///< temporary failure (4xx, timeout, unreachable)
inline constexpr int ex_protocol = 76;     ///< the server violated the protocol
inline constexpr int ex_noperm = 77;       ///< authentication or certificate failure
inline constexpr int ex_config = 78;       ///< configuration error

}  // namespace inet::mail
