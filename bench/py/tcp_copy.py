#!/usr/bin/env python3
"""Raw loopback TCP, for bench/run: the physical limit of a 1 GiB transfer through the kernel.

  tcp_copy.py FILE OUT     a sender thread sends FILE with sendfile(), this process receives
                           it on 127.0.0.1 into OUT with 1 MiB recv_into()/write() (what a client
                           must at least do: read from the socket, write the file).
"""
import os
import socket
import sys
import threading

src, out = sys.argv[1], sys.argv[2]
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)


def serve():
    c, _ = ls.accept()
    with open(src, "rb") as f:
        c.sendfile(f)
    c.close()


t = threading.Thread(target=serve)
t.start()
s = socket.create_connection(ls.getsockname())
buf = bytearray(1 << 20)
view = memoryview(buf)
fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
while True:
    n = s.recv_into(buf)
    if not n:
        break
    os.write(fd, view[:n])
os.close(fd)
t.join()
