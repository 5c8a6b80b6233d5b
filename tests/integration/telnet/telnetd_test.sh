#!/usr/bin/env bash
# The Telnet client against a real telnetd: Debian's inetutils-telnetd, started for each
# connection by a small inetd-style launcher listening on 127.0.0.1 only (random port), logging
# in as a throwaway user created here and removed on exit.
#   1. an expect-style script through the library API (login_script.cc),
#   2. `inet get telnet://` with stdin fed from a FIFO as the prompts appear,
#   3. `inet telnet` in tmux: login, NAWS (initial size and a resize -> SIGWINCH), echo,
#      Ctrl-] quit, and the terminal mode restored (stty -g before and after).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

HERE="$(dirname "$0")"
INET="${INET:-$HERE/../../../tools/inet/inet}"
[ -x "$INET" ] || INET="$TEST_SRCDIR/$TEST_WORKSPACE/tools/inet/inet"
SCRIPT="$HERE/login_script"
[ -x "$SCRIPT" ] || SCRIPT="$TEST_SRCDIR/$TEST_WORKSPACE/tests/integration/telnet/login_script"
EXAMPLE="$HERE/../../../protocols/telnet/examples/telnet_run"
[ -x "$EXAMPLE" ] || EXAMPLE="$TEST_SRCDIR/$TEST_WORKSPACE/protocols/telnet/examples/telnet_run"
INET="$(cd "$(dirname "$INET")" && pwd)/$(basename "$INET")"
for t in telnetd python3 tmux useradd; do
  command -v "$t" >/dev/null || { echo "$t missing (run ./scripts/setup)"; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "must run as root"; exit 1; }

RUN="$(mktemp -d /tmp/inetpp-telnet.XXXXXX)"
chmod 755 "$RUN"
USER_NAME="inettel$$"
PASSWORD="Tn-$RANDOM-$RANDOM"
TMUX_SESSION="inetpp-telnet-$$"
PID=""
INET_PID=""
cleanup() {
  tmux kill-session -t "$TMUX_SESSION" 2>/dev/null || true
  [ -n "$INET_PID" ] && kill "$INET_PID" 2>/dev/null || true
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  userdel -f -r "$USER_NAME" >/dev/null 2>&1 || true
  rm -rf -- "$RUN"
}
trap cleanup EXIT

useradd -M -d "$RUN/home" -s /bin/sh "$USER_NAME"
mkdir -p "$RUN/home" && chown "$USER_NAME" "$RUN/home"
echo "$USER_NAME:$PASSWORD" | chpasswd

# The launcher: an inetd-style accept loop on 127.0.0.1 (port chosen by the kernel) that starts
# telnetd for each connection with the socket on its stdin/stdout (the system inetd that the
# package pulls in is neither configured nor used).
python3 - "$RUN/port" > "$RUN/launcher.log" 2>&1 <<'PY' &
import os, socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, peer = s.accept()
    print("connection from", peer, flush=True)
    subprocess.Popen(["/usr/sbin/telnetd", "-h"], stdin=c, stdout=c, stderr=subprocess.DEVNULL)
    c.close()
PY
PID=$!
for _ in $(seq 100); do [ -s "$RUN/port" ] && break; sleep 0.1; done
PORT="$(cat "$RUN/port")"

fail() { echo "FAIL: $*"; tail -n 20 "$RUN/launcher.log" || true; exit 1; }

# wait_file PATTERN FILE: until FILE has a line matching the extended regex (20 s at most).
wait_file() {
  for _ in $(seq 200); do grep -qE -- "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done
  echo "--- $2:"; cat -v "$2" || true
  fail "no '$1' in $2"
}

# 1. The library's expect-style API.
"$SCRIPT" 127.0.0.1 "$PORT" "$USER_NAME" "$PASSWORD" || fail "login script"
"$SCRIPT" 127.0.0.1 "$PORT" "$USER_NAME" "wrong-$PASSWORD" 2>"$RUN/wrong.err" && fail "a wrong password logged in"
grep -q "login refused" "$RUN/wrong.err" || fail "wrong password: $(cat "$RUN/wrong.err")"
# The docs/telnet.md example prints exactly the command's output.
TELNET_PASSWORD="$PASSWORD" "$EXAMPLE" 127.0.0.1 "$PORT" "$USER_NAME" 'echo ex-$((6*7)); echo two' \
  > "$RUN/example.out" || fail "example telnet_run"
[ "$(cat "$RUN/example.out")" = $'ex-42\r\ntwo\r' ] || fail "example output: $(cat -v "$RUN/example.out")"

# 2. inet get telnet://: stdin to the server, the server's output (no IAC left) to stdout.
mkfifo "$RUN/in"
"$INET" get "telnet://127.0.0.1:$PORT" < "$RUN/in" > "$RUN/get.out" 2> "$RUN/get.err" &
INET_PID=$!
exec 7> "$RUN/in"
wait_file "login: " "$RUN/get.out"
echo "$USER_NAME" >&7
wait_file "Password:" "$RUN/get.out"
echo "$PASSWORD" >&7
wait_file '\$ $' "$RUN/get.out"
echo 'echo get-$((6*7))' >&7
wait_file "^get-42" "$RUN/get.out"
echo exit >&7
exec 7>&-
wait "$INET_PID" || fail "inet get exited $?: $(cat "$RUN/get.err")"
INET_PID=""
if LC_ALL=C grep -q $'\xff' "$RUN/get.out"; then fail "IAC left in the output"; fi

# 3. inet telnet in tmux.
screen() { tmux capture-pane -p -t "$TMUX_SESSION" > "$RUN/screen"; }
wait_screen() {
  for _ in $(seq 200); do screen; grep -qE -- "$1" "$RUN/screen" && return 0; sleep 0.1; done
  echo "--- screen:"; cat "$RUN/screen"
  fail "no '$1' on the screen"
}
tmux -f /dev/null new-session -d -s "$TMUX_SESSION" -x 100 -y 30 "env -i PATH=$PATH TERM=xterm bash --norc --noprofile"
tmux send-keys -t "$TMUX_SESSION" \
  "stty -g > $RUN/before; $INET telnet 127.0.0.1 $PORT; echo EXIT=\$?; stty -g > $RUN/after" Enter
wait_screen "login:"
tmux send-keys -t "$TMUX_SESSION" "$USER_NAME" Enter
wait_screen "Password:"
tmux send-keys -t "$TMUX_SESSION" "$PASSWORD" Enter
wait_screen '^\$ ?$'
tmux send-keys -t "$TMUX_SESSION" "stty size" Enter
wait_screen "^30 100$"                      # NAWS at login
tmux resize-window -t "$TMUX_SESSION" -x 120 -y 40
sleep 0.3
tmux send-keys -t "$TMUX_SESSION" "stty size" Enter
wait_screen "^40 120$"                      # NAWS again after SIGWINCH
tmux send-keys -t "$TMUX_SESSION" 'echo tmux-$((6*7))' Enter
wait_screen "^tmux-42$"
tmux send-keys -t "$TMUX_SESSION" C-]
wait_screen "^telnet>"
tmux send-keys -t "$TMUX_SESSION" "quit" Enter
wait_screen "^EXIT=0$"
for _ in $(seq 50); do [ -s "$RUN/after" ] && break; sleep 0.1; done
[ -s "$RUN/before" ] && cmp -s "$RUN/before" "$RUN/after" ||
  fail "terminal mode not restored: $(cat "$RUN/before") -> $(cat "$RUN/after" 2>/dev/null)"

# A session ended by SIGTERM restores the terminal too (it is raw while telnetd echoes).
tmux send-keys -t "$TMUX_SESSION" \
  "clear; stty -g > $RUN/before2; $INET telnet 127.0.0.1 $PORT; echo EXIT2=\$?; stty -g > $RUN/after2" Enter
wait_screen "login:"
PANE_TTY="$(tmux display -p -t "$TMUX_SESSION" '#{pane_tty}')"
PANE_PID="$(tmux display -p -t "$TMUX_SESSION" '#{pane_pid}')"
for _ in $(seq 50); do stty -a < "$PANE_TTY" | grep -q -- '-icanon' && break; sleep 0.1; done
stty -a < "$PANE_TTY" | grep -q -- '-icanon' || fail "terminal not raw during the session"
CHILD="$(pgrep -P "$PANE_PID" -x inet)" || fail "no inet process under the tmux shell"
kill -TERM "$CHILD"
wait_screen "^EXIT2=143$"                 # 128 + SIGTERM, as a shell reports it
for _ in $(seq 50); do [ -s "$RUN/after2" ] && break; sleep 0.1; done
cmp -s "$RUN/before2" "$RUN/after2" || fail "terminal mode not restored after SIGTERM"

echo "PASS: telnetd login (library), example, inet get telnet://, inet telnet in tmux (quit, SIGTERM)"
