#!/usr/bin/env python3
"""A loopback-only inetd for the Gopher integration test: listens on 127.0.0.1:PORT and runs
COMMAND once per connection with the socket as its stdin and stdout, as user nobody (what
systemd's gophernicus.socket with Accept=yes does).

Usage: launcher.py [--tls CERT KEY] PORT COMMAND [ARGS...]
With --tls, each connection is TLS from the first byte (gophers://, as curl speaks it): the
launcher terminates TLS and relays the plaintext to COMMAND through a socket pair, then sends
close_notify when COMMAND closes its end."""
import signal
import socket
import ssl
import subprocess
import sys
import threading

args = sys.argv[1:]
tls = None
if args[0] == "--tls":
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(args[1], args[2])
    args = args[3:]
port, argv = int(args[0]), args[1:]
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # no zombies


def spawn(conn):
    subprocess.Popen(argv, stdin=conn, stdout=conn, stderr=subprocess.DEVNULL, close_fds=True,
                     user="nobody", group="nogroup")


def relay_tls(raw):
    try:
        conn = tls.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError):
        raw.close()
        return
    mine, theirs = socket.socketpair()
    spawn(theirs)
    theirs.close()
    # Gopher: one request line, then only the reply flows (one thread per connection: an SSL
    # object must not be read and written from two threads at once).
    request = b""
    try:
        conn.settimeout(10)
        while b"\n" not in request and len(request) < 65536:
            data = conn.recv(4096)
            if not data:
                break
            request += data
    except (ssl.SSLError, OSError):
        pass
    try:
        mine.sendall(request)
        mine.shutdown(socket.SHUT_WR)
        while data := mine.recv(65536):
            conn.sendall(data)
        conn.settimeout(2)
        conn.unwrap()  # close_notify: the reply is complete
    except (ssl.SSLError, OSError):
        pass
    conn.close()
    mine.close()


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
while True:
    c, _ = s.accept()
    if tls:
        threading.Thread(target=relay_tls, args=(c,), daemon=True).start()
    else:
        spawn(c)
        c.close()
