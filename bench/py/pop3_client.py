#!/usr/bin/env python3
"""POP3 with Python's poplib, for bench/run: USER/PASS, RETR 1..COUNT, QUIT (plain).

  pop3_client.py HOST PORT USER PASS COUNT
"""
import poplib
import sys

host, port, user, pw, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
p = poplib.POP3(host, port)
p.user(user)
p.pass_(pw)
for i in range(1, count + 1):
    p.retr(i)
p.quit()
