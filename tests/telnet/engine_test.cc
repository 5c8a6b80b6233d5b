// The Telnet engine without I/O: every RFC 1143 Q method transition, hostile negotiation, IAC
// escaping both ways, subnegotiation bounds, NVT line ends (RFC 854).
#include "protocols/telnet/engine.hpp"

#include <gtest/gtest.h>

#include <string>

namespace inet::telnet {
namespace {

std::string iac(std::uint8_t verb, std::uint8_t o) {
  return {static_cast<char>(cmd::iac), static_cast<char>(verb), static_cast<char>(o)};
}
std::string WILL(std::uint8_t o) { return iac(cmd::will, o); }
std::string WONT(std::uint8_t o) { return iac(cmd::wont, o); }
std::string DO(std::uint8_t o) { return iac(cmd::do_, o); }
std::string DONT(std::uint8_t o) { return iac(cmd::dont, o); }

// Feeds `in`, returns the decoded data; the answers are in e.take_output().
std::string feed(engine& e, std::string_view in) {
  std::string data;
  e.receive(in, data);
  return data;
}

engine_options all_on() {
  engine_options o;
  o.naws = true;
  o.terminal_type = "XTERM";
  o.columns = 80;
  o.rows = 24;
  return o;
}

// ---- Q method, his side (WILL/WONT received, DO/DONT sent) -------------------------------------

TEST(TelnetQ, HimNoWillAgreedAnswersDo) {
  engine e;
  EXPECT_EQ(feed(e, WILL(opt::echo)), "");
  EXPECT_EQ(e.take_output(), DO(opt::echo));
  EXPECT_EQ(e.state(opt::echo).him, q::yes);
}

TEST(TelnetQ, HimNoWillRefusedAnswersDontAndStaysNo) {
  engine e;
  feed(e, WILL(5));  // STATUS: not supported
  EXPECT_EQ(e.take_output(), DONT(5));
  EXPECT_EQ(e.state(5).him, q::no);
  engine_options o;
  o.remote_echo = false;
  engine f(o);
  feed(f, WILL(opt::echo));
  EXPECT_EQ(f.take_output(), DONT(opt::echo));
}

TEST(TelnetQ, HimYesWillIgnoredWontAnswersDont) {
  engine e;
  feed(e, WILL(opt::sga));
  e.take_output();
  feed(e, WILL(opt::sga));
  EXPECT_EQ(e.take_output(), "");
  feed(e, WONT(opt::sga));
  EXPECT_EQ(e.take_output(), DONT(opt::sga));
  EXPECT_EQ(e.state(opt::sga).him, q::no);
}

TEST(TelnetQ, HimNoWontIgnored) {
  engine e;
  feed(e, WONT(opt::sga));
  EXPECT_EQ(e.take_output(), "");
  EXPECT_EQ(e.state(opt::sga).him, q::no);
}

TEST(TelnetQ, HimWantYesEmpty) {
  engine e;
  EXPECT_TRUE(e.request_remote(opt::sga, true));
  EXPECT_EQ(e.take_output(), DO(opt::sga));
  EXPECT_EQ(e.state(opt::sga).him, q::want_yes);
  feed(e, WILL(opt::sga));  // the answer: no reply
  EXPECT_EQ(e.take_output(), "");
  EXPECT_EQ(e.state(opt::sga).him, q::yes);

  engine f;
  f.request_remote(opt::sga, true);
  f.take_output();
  feed(f, WONT(opt::sga));  // refused
  EXPECT_EQ(f.take_output(), "");
  EXPECT_EQ(f.state(opt::sga).him, q::no);
}

TEST(TelnetQ, HimWantYesOpposite) {
  engine e;
  e.request_remote(opt::sga, true);
  e.take_output();
  EXPECT_TRUE(e.request_remote(opt::sga, false));  // queued
  EXPECT_EQ(e.take_output(), "");
  EXPECT_TRUE(e.state(opt::sga).him_opposite);
  EXPECT_FALSE(e.request_remote(opt::sga, false));  // already queued
  feed(e, WILL(opt::sga));
  EXPECT_EQ(e.take_output(), DONT(opt::sga));
  EXPECT_EQ(e.state(opt::sga).him, q::want_no);
  EXPECT_FALSE(e.state(opt::sga).him_opposite);

  engine f;
  f.request_remote(opt::sga, true);
  f.request_remote(opt::sga, false);
  f.take_output();
  feed(f, WONT(opt::sga));
  EXPECT_EQ(f.take_output(), "");
  EXPECT_EQ(f.state(opt::sga).him, q::no);
  EXPECT_FALSE(f.state(opt::sga).him_opposite);
}

TEST(TelnetQ, HimWantYesOppositeCancelledByEnableAgain) {
  engine e;
  e.request_remote(opt::sga, true);
  e.request_remote(opt::sga, false);
  EXPECT_TRUE(e.request_remote(opt::sga, true));  // drops the queued disable
  EXPECT_FALSE(e.state(opt::sga).him_opposite);
  EXPECT_FALSE(e.request_remote(opt::sga, true));  // already negotiating
  EXPECT_EQ(e.take_output(), DO(opt::sga));
}

TEST(TelnetQ, HimWantNoEmpty) {
  engine e;
  feed(e, WILL(opt::sga));
  e.take_output();
  EXPECT_TRUE(e.request_remote(opt::sga, false));
  EXPECT_EQ(e.take_output(), DONT(opt::sga));
  EXPECT_EQ(e.state(opt::sga).him, q::want_no);
  feed(e, WONT(opt::sga));
  EXPECT_EQ(e.take_output(), "");
  EXPECT_EQ(e.state(opt::sga).him, q::no);

  engine f;  // DONT answered by WILL: a server error, accepted as NO without a reply
  feed(f, WILL(opt::sga));
  f.request_remote(opt::sga, false);
  f.take_output();
  feed(f, WILL(opt::sga));
  EXPECT_EQ(f.take_output(), "");
  EXPECT_EQ(f.state(opt::sga).him, q::no);
}

TEST(TelnetQ, HimWantNoOpposite) {
  engine e;
  feed(e, WILL(opt::sga));
  e.request_remote(opt::sga, false);
  e.take_output();
  EXPECT_TRUE(e.request_remote(opt::sga, true));  // queue the re-enable
  EXPECT_FALSE(e.request_remote(opt::sga, true));
  EXPECT_TRUE(e.state(opt::sga).him_opposite);
  feed(e, WONT(opt::sga));
  EXPECT_EQ(e.take_output(), DO(opt::sga));
  EXPECT_EQ(e.state(opt::sga).him, q::want_yes);
  EXPECT_FALSE(e.state(opt::sga).him_opposite);

  engine f;  // WANTNO OPPOSITE + WILL: YES, queue cleared
  feed(f, WILL(opt::sga));
  f.request_remote(opt::sga, false);
  f.request_remote(opt::sga, true);
  f.take_output();
  feed(f, WILL(opt::sga));
  EXPECT_EQ(f.take_output(), "");
  EXPECT_EQ(f.state(opt::sga).him, q::yes);
  EXPECT_FALSE(f.state(opt::sga).him_opposite);
}

TEST(TelnetQ, HimRequestsThatAreNoOps) {
  engine e;
  EXPECT_FALSE(e.request_remote(opt::sga, false));  // already NO
  EXPECT_FALSE(e.request_remote(opt::naws, true));  // not agreed on his side
  feed(e, WILL(opt::sga));
  e.take_output();
  EXPECT_FALSE(e.request_remote(opt::sga, true));  // already YES
  e.request_remote(opt::sga, false);
  EXPECT_FALSE(e.request_remote(opt::sga, false));  // already negotiating
  EXPECT_EQ(e.take_output(), DONT(opt::sga));
}

// ---- Q method, our side (DO/DONT received, WILL/WONT sent) -------------------------------------

TEST(TelnetQ, UsNoDoAgreedAnswersWillRefusedAnswersWont) {
  engine e;
  feed(e, DO(opt::sga));
  EXPECT_EQ(e.take_output(), WILL(opt::sga));
  EXPECT_EQ(e.state(opt::sga).us, q::yes);
  feed(e, DO(opt::echo));  // we never echo
  EXPECT_EQ(e.take_output(), WONT(opt::echo));
  feed(e, DO(opt::naws));  // naws off by default
  EXPECT_EQ(e.take_output(), WONT(opt::naws));
  feed(e, DO(39));  // NEW-ENVIRON: not supported
  EXPECT_EQ(e.take_output(), WONT(39));
  EXPECT_EQ(e.state(39).us, q::no);
}

TEST(TelnetQ, UsYesDoIgnoredDontAnswersWont) {
  engine e;
  feed(e, DO(opt::binary));
  e.take_output();
  feed(e, DO(opt::binary));
  EXPECT_EQ(e.take_output(), "");
  feed(e, DONT(opt::binary));
  EXPECT_EQ(e.take_output(), WONT(opt::binary));
  feed(e, DONT(opt::binary));  // NO: ignored
  EXPECT_EQ(e.take_output(), "");
}

TEST(TelnetQ, UsWantYesEmptyAndOpposite) {
  engine e(all_on());
  EXPECT_TRUE(e.request_local(opt::ttype, true));
  EXPECT_EQ(e.take_output(), WILL(opt::ttype));
  EXPECT_EQ(e.state(opt::ttype).us, q::want_yes);
  feed(e, DO(opt::ttype));
  EXPECT_EQ(e.take_output(), "");
  EXPECT_EQ(e.state(opt::ttype).us, q::yes);

  engine f(all_on());
  f.request_local(opt::ttype, true);
  f.request_local(opt::ttype, false);
  f.take_output();
  feed(f, DO(opt::ttype));
  EXPECT_EQ(f.take_output(), WONT(opt::ttype));
  EXPECT_EQ(f.state(opt::ttype).us, q::want_no);
  feed(f, DONT(opt::ttype));
  EXPECT_EQ(f.state(opt::ttype).us, q::no);

  engine g(all_on());
  g.request_local(opt::ttype, true);
  g.request_local(opt::ttype, false);
  g.take_output();
  feed(g, DONT(opt::ttype));
  EXPECT_EQ(g.take_output(), "");
  EXPECT_EQ(g.state(opt::ttype).us, q::no);
  EXPECT_FALSE(g.state(opt::ttype).us_opposite);
}

TEST(TelnetQ, UsWantNoEmptyAndOpposite) {
  engine e;
  feed(e, DO(opt::sga));
  e.request_local(opt::sga, false);
  EXPECT_EQ(e.take_output(), WILL(opt::sga) + WONT(opt::sga));
  feed(e, DONT(opt::sga));
  EXPECT_EQ(e.take_output(), "");
  EXPECT_EQ(e.state(opt::sga).us, q::no);

  engine f;
  feed(f, DO(opt::sga));
  f.request_local(opt::sga, false);
  f.request_local(opt::sga, true);  // queued
  f.take_output();
  feed(f, DONT(opt::sga));
  EXPECT_EQ(f.take_output(), WILL(opt::sga));
  EXPECT_EQ(f.state(opt::sga).us, q::want_yes);

  engine g;  // WANTNO + DO (error): EMPTY -> NO, OPPOSITE -> YES
  feed(g, DO(opt::sga));
  g.request_local(opt::sga, false);
  g.take_output();
  feed(g, DO(opt::sga));
  EXPECT_EQ(g.take_output(), "");
  EXPECT_EQ(g.state(opt::sga).us, q::no);
  engine h;
  feed(h, DO(opt::sga));
  h.request_local(opt::sga, false);
  h.request_local(opt::sga, true);
  h.take_output();
  feed(h, DO(opt::sga));
  EXPECT_EQ(h.take_output(), "");
  EXPECT_EQ(h.state(opt::sga).us, q::yes);
  EXPECT_FALSE(h.state(opt::sga).us_opposite);
}

// ---- Hostile negotiation ---------------------------------------------------------------------

TEST(TelnetQ, FloodOfDoDontAnswersOncePerStateChangeAndNeverLoops) {
  engine e;
  std::string flood;
  for (int i = 0; i < 10000; ++i) flood += DO(opt::sga) + DONT(opt::sga);
  EXPECT_EQ(feed(e, flood), "");
  const std::string out = e.take_output();
  // Each DO (NO->YES) gets one WILL, each DONT (YES->NO) one WONT: answers are never
  // larger than the commands, and feeding our answers back as the peer's does not grow.
  EXPECT_EQ(out.size(), flood.size());
  EXPECT_EQ(out.substr(0, 6), WILL(opt::sga) + WONT(opt::sga));
  EXPECT_EQ(e.state(opt::sga).us, q::no);
}

TEST(TelnetQ, RepeatedDoForRefusedOptionAndRepeatedWillAreBounded) {
  engine e;
  std::string flood;
  for (int i = 0; i < 1000; ++i) flood += WILL(opt::echo);
  feed(e, flood);
  EXPECT_EQ(e.take_output(), DO(opt::echo));  // one DO; the rest are ignored in YES
}

TEST(TelnetQ, TwoEnginesTalkingToEachOtherSettle) {
  // An engine answering an engine: the exchange must end (no negotiation loop).
  engine a(all_on()), b(all_on());
  a.offer();
  b.offer();
  a.request_local(opt::binary, true);
  a.request_remote(opt::binary, true);
  int rounds = 0;
  std::string junk;
  while ((a.has_output() || b.has_output()) && rounds < 100) {
    std::string to_b = a.take_output(), to_a = b.take_output();
    b.receive(to_b, junk);
    a.receive(to_a, junk);
    ++rounds;
  }
  EXPECT_LT(rounds, 10);
  EXPECT_TRUE(a.local_enabled(opt::binary));
  EXPECT_TRUE(b.remote_enabled(opt::binary));
  EXPECT_TRUE(a.remote_enabled(opt::sga));
  EXPECT_EQ(junk, "");
}

// ---- IAC escaping, commands split across reads -----------------------------------------------

TEST(TelnetData, IacIacDecodesToOneFfAndSendDoublesIt) {
  engine e;
  EXPECT_EQ(feed(e, "a\xff\xff" "b"), "a\xff" "b");
  e.send("x\xffy");
  EXPECT_EQ(e.take_output(), "x\xff\xffy");
}

TEST(TelnetData, EverySplitOfACommandStreamDecodesTheSame) {
  const std::string wire = "ab" + WILL(opt::echo) + "c\xff\xff" + DO(opt::sga) + "\xff\xf1" +
                           "\xff\xfa\x18\x01\xff\xf0" + "d";
  engine_options o;
  o.terminal_type = "VT100";
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    engine e(o);
    std::string data;
    e.receive(wire.substr(0, cut), data);
    e.receive(wire.substr(cut), data);
    EXPECT_EQ(data, "abc\xff" "d") << cut;
    EXPECT_EQ(e.take_output(), DO(opt::echo) + WILL(opt::sga)) << cut;  // TTYPE not on: no IS
  }
  engine e(o);  // one byte at a time
  std::string data;
  for (char c : wire) e.receive(std::string_view(&c, 1), data);
  EXPECT_EQ(data, "abc\xff" "d");
}

TEST(TelnetData, CommandsWithoutOptionBytesAreIgnored) {
  engine e;
  EXPECT_EQ(feed(e, "a\xff\xf1" "b\xff\xf9" "c\xff\xf2\xff\xf0\xff\x10" "d"), "abcd");
  EXPECT_EQ(e.take_output(), "");
  e.send_command(cmd::ayt);
  EXPECT_EQ(e.take_output(), "\xff\xf6");
}

// ---- NVT line ends and NUL (RFC 854) ------------------------------------------------------------

TEST(TelnetData, NulDroppedInNvtModeKeptInBinary) {
  engine e;
  EXPECT_EQ(feed(e, std::string("a\r\0b\r\nc\0", 8)), "a\rb\r\nc");
  feed(e, WILL(opt::binary));
  EXPECT_EQ(feed(e, std::string("x\0y\r\0", 5)), std::string("x\0y\r\0", 5));
}

TEST(TelnetData, SendTranslatesLineEndsInNvtModeOnly) {
  engine e;
  e.send("ls\n");
  EXPECT_EQ(e.take_output(), "ls\r\n");
  e.send("a\r\nb\rc\r");
  EXPECT_EQ(e.take_output(), std::string("a\r\nb\r\0c\r\0", 9));
  feed(e, DO(opt::binary));
  e.take_output();
  e.send("a\nb\r\xff");
  EXPECT_EQ(e.take_output(), "a\nb\r\xff\xff");
}

// ---- Subnegotiation ---------------------------------------------------------------------------

TEST(TelnetSb, TerminalTypeSendAnsweredWithIs) {
  engine e(all_on());
  feed(e, DO(opt::ttype));
  EXPECT_EQ(e.take_output(), WILL(opt::ttype));
  feed(e, "\xff\xfa\x18\x01\xff\xf0");
  EXPECT_EQ(e.take_output(), std::string("\xff\xfa\x18\x00XTERM\xff\xf0", 11));
}

TEST(TelnetSb, NawsSentWhenEnabledAndOnResizeWithFfDoubled) {
  engine e(all_on());
  e.set_window_size(100, 30);  // not enabled yet: nothing
  EXPECT_EQ(e.take_output(), "");
  feed(e, DO(opt::naws));
  EXPECT_EQ(e.take_output(), WILL(opt::naws) + std::string("\xff\xfa\x1f\x00\x64\x00\x1e\xff\xf0", 9));
  e.set_window_size(255, 0x1ff);
  EXPECT_EQ(e.take_output(), std::string("\xff\xfa\x1f\x00\xff\xff\x01\xff\xff\xff\xf0", 11));
}

TEST(TelnetSb, OverlongSubnegotiationIsAnError) {
  engine_options o;
  o.max_subnegotiation = 16;
  engine e(o);
  std::string data;
  EXPECT_NO_THROW(e.receive("\xff\xfa\x18" + std::string(16, 'x') + "\xff\xf0ok", data));
  EXPECT_EQ(data, "ok");
  engine f(o);
  try {
    f.receive("\xff\xfa\x18" + std::string(17, 'x'), data);
    FAIL() << "no error";
  } catch (const std::system_error& ex) {
    EXPECT_EQ(ex.code(), error::subnegotiation_too_long);
  }
  engine g(o);  // IAC IAC inside counts too
  std::string ffs;
  for (int i = 0; i < 17; ++i) ffs += "\xff\xff";
  EXPECT_THROW(g.receive("\xff\xfa\x18" + ffs, data), std::system_error);
}

TEST(TelnetSb, SbEndedByAnotherCommandIsLenient) {
  engine e(all_on());
  feed(e, DO(opt::ttype));
  e.take_output();
  EXPECT_EQ(feed(e, "\xff\xfa\x18\x01" + DO(opt::sga) + "x"), "x");
  EXPECT_EQ(e.take_output(), std::string("\xff\xfa\x18\x00XTERM\xff\xf0", 11) + WILL(opt::sga));
}

TEST(TelnetOptions, BadTerminalTypeRefused) {
  engine_options o;
  o.terminal_type = "A B";
  EXPECT_THROW(engine{o}, std::system_error);
  o.terminal_type = std::string(41, 'A');
  EXPECT_THROW(engine{o}, std::system_error);
}

}  // namespace
}  // namespace inet::telnet
