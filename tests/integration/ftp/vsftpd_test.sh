#!/usr/bin/env bash
# `inet put` then `inet get` against a real vsftpd on 127.0.0.1: the file comes back
# byte-identical, in plaintext and over explicit FTPS (AUTH TLS, PBSZ 0, PROT P) with
# require_ssl_reuse=YES (the data connections must resume the control connection's TLS session).
# Starts its own vsftpd (anonymous upload into incoming/, passive ports from a random range) in a
# fresh directory and stops it by PID. Runs as root (vsftpd drops privileges itself).
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

INET="${INET:-$(dirname "$0")/../../../tools/inet/inet}"
[ -x "$INET" ] || INET="$TEST_SRCDIR/$TEST_WORKSPACE/tools/inet/inet"
command -v vsftpd >/dev/null || { echo "vsftpd missing (run ./scripts/setup)"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "must run as root"; exit 1; }

RUN="$(mktemp -d /tmp/inetpp-ftp.XXXXXX)"
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  rm -rf -- "$RUN"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT="$(free_port)"
PASV_MIN=$(( 40000 + RANDOM % 20000 ))
PASV_MAX=$(( PASV_MIN + 20 ))

chmod 755 "$RUN"
mkdir -p "$RUN/root/incoming" /var/run/vsftpd/empty
chmod 755 "$RUN/root"
chown ftp "$RUN/root/incoming"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$RUN/key.pem" -out "$RUN/cert.pem" 2>/dev/null
cat > "$RUN/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=$PORT
background=NO
anonymous_enable=YES
local_enable=NO
no_anon_password=YES
anon_root=$RUN/root
write_enable=YES
anon_upload_enable=YES
anon_umask=022
pasv_enable=YES
pasv_min_port=$PASV_MIN
pasv_max_port=$PASV_MAX
ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
require_ssl_reuse=YES
rsa_cert_file=$RUN/cert.pem
rsa_private_key_file=$RUN/key.pem
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=/var/run/vsftpd/empty
xferlog_enable=YES
vsftpd_log_file=$RUN/vsftpd.log
log_ftp_protocol=YES
CONF
vsftpd "$RUN/vsftpd.conf" &
PID=$!
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done

head -c 300000 /dev/urandom > "$RUN/payload.bin"
fail() { echo "FAIL: $*"; tail -n 30 "$RUN/vsftpd.log" 2>/dev/null || true; exit 1; }

# Plaintext FTP (--tls none: the server offers AUTH TLS, which anonymous use would otherwise take).
"$INET" put --tls none -T "$RUN/payload.bin" "ftp://127.0.0.1:$PORT/incoming/plain.bin" || fail "plain put"
"$INET" get --tls none -o "$RUN/plain.out" "ftp://127.0.0.1:$PORT/incoming/plain.bin" || fail "plain get"
cmp "$RUN/payload.bin" "$RUN/plain.out" || fail "plain download differs"
"$INET" get --tls none "ftp://127.0.0.1:$PORT/incoming/" | grep -q "plain.bin" || fail "LIST lacks the file"
"$INET" get --tls none -l "ftp://127.0.0.1:$PORT/incoming/" | grep -q "plain.bin" || fail "NLST lacks the file"

# Explicit FTPS, TLS required, data connections resuming the control session.
"$INET" put --ssl-reqd --cacert "$RUN/cert.pem" -T "$RUN/payload.bin" \
  "ftp://127.0.0.1:$PORT/incoming/tls.bin" || fail "FTPS put"
"$INET" get --ssl-reqd --cacert "$RUN/cert.pem" -o "$RUN/tls.out" \
  "ftp://127.0.0.1:$PORT/incoming/tls.bin" || fail "FTPS get"
cmp "$RUN/payload.bin" "$RUN/tls.out" || fail "FTPS download differs"

# A missing file is curl's 78.
set +e
"$INET" get --tls none -o /dev/null "ftp://127.0.0.1:$PORT/incoming/missing" 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 78 ] || fail "missing file exit $rc, expected 78"
echo "PASS"
