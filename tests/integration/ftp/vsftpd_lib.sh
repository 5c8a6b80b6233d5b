# Sourced by the FTP integration tests: starts real vsftpd instances on 127.0.0.1 (random control
# port, random passive range, anonymous with upload/mkdir/rename/delete in incoming/), a CA and
# a server certificate for localhost/127.0.0.1, torn down by vsftpd_stop (PIDs, temp dir).
#   vsftpd_setup DIR            # the served tree DIR/root (incoming/ writable), DIR/ca.pem
#   vsftpd_start NAME [CONF...] # an instance; sets ${NAME}_PORT; extra vsftpd.conf lines
#   vsftpd_stop                 # every instance started
# Anonymous logins whose password (e-mail) is "bad@example.com" are refused (530), so a wrong
# password can be tested without system accounts.
VSFTPD_PIDS=()
VSFTPD_DIR=""

vsftpd_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

vsftpd_setup() {
  VSFTPD_DIR="$1"
  command -v vsftpd >/dev/null || { echo "vsftpd missing (run ./scripts/setup)"; exit 1; }
  [ "$(id -u)" -eq 0 ] || { echo "must run as root"; exit 1; }
  mkdir -p "$VSFTPD_DIR/root/incoming" /var/run/vsftpd/empty
  chmod 755 "$VSFTPD_DIR" "$VSFTPD_DIR/root"
  chown ftp "$VSFTPD_DIR/root/incoming"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$VSFTPD_DIR/key.pem" -out "$VSFTPD_DIR/ca.pem" 2>/dev/null
  echo "bad@example.com" >"$VSFTPD_DIR/banned"
}

vsftpd_start() {
  local name="$1"; shift
  local port pasv_min
  port="$(vsftpd_free_port)"
  pasv_min=$(( 40000 + RANDOM % 20000 ))
  {
    cat <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=YES
local_enable=NO
no_anon_password=NO
deny_email_enable=YES
banned_email_file=$VSFTPD_DIR/banned
anon_root=$VSFTPD_DIR/root
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
anon_umask=022
pasv_enable=YES
pasv_min_port=$pasv_min
pasv_max_port=$(( pasv_min + 30 ))
port_enable=YES
connect_from_port_20=NO
ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
require_ssl_reuse=YES
ssl_ciphers=HIGH
rsa_cert_file=$VSFTPD_DIR/ca.pem
rsa_private_key_file=$VSFTPD_DIR/key.pem
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=/var/run/vsftpd/empty
xferlog_enable=YES
vsftpd_log_file=$VSFTPD_DIR/$name.log
log_ftp_protocol=YES
CONF
    for line in "$@"; do echo "$line"; done
  } >"$VSFTPD_DIR/$name.conf"
  vsftpd "$VSFTPD_DIR/$name.conf" &
  VSFTPD_PIDS+=("$!")
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  printf -v "${name}_PORT" '%s' "$port"
}

vsftpd_stop() {
  local pid
  for pid in "${VSFTPD_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  VSFTPD_PIDS=()
}
