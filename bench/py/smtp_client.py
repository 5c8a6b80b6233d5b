#!/usr/bin/env python3
"""SMTP with Python's smtplib, for bench/run: COUNT messages of about BYTES on one connection
(plain, no TLS, no AUTH), from bench@example.test to bob@example.test.

  smtp_client.py HOST PORT COUNT BYTES
"""
import smtplib
import sys

host, port, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
msg = "From: bench@example.test\r\nTo: bob@example.test\r\nSubject: bench\r\n\r\n"
line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n"
msg += line * max(0, (size - len(msg) + len(line) - 1) // len(line))
data = msg.encode()
s = smtplib.SMTP(host, port)
s.ehlo("bench.example.test")
for _ in range(count):
    s.sendmail("bench@example.test", ["bob@example.test"], data)
s.quit()
