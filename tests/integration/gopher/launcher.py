#!/usr/bin/env python3
"""A loopback-only inetd for the Gopher integration test: listens on 127.0.0.1:PORT and runs
COMMAND once per connection with the socket as its stdin and stdout, as user nobody (what
systemd's gophernicus.socket with Accept=yes does). Usage: launcher.py PORT COMMAND [ARGS...]"""
import os
import signal
import socket
import subprocess
import sys

port, argv = int(sys.argv[1]), sys.argv[2:]
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # no zombies
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
while True:
    c, _ = s.accept()
    subprocess.Popen(argv, stdin=c, stdout=c, stderr=subprocess.DEVNULL, close_fds=True,
                     user="nobody", group="nogroup")
    c.close()
