#!/usr/bin/env python3
"""IMAP with Python's imaplib, for bench/run: LOGIN, SELECT INBOX, one command, LOGOUT.

  imap_client.py HOST PORT USER PASS fetch|headers|search [--tls CA]
fetch = FETCH 1:* BODY[], headers = FETCH 1:* BODY.PEEK[HEADER], search = UID SEARCH ALL.
"""
import imaplib
import ssl
import sys

a = sys.argv[1:]
host, port, user, pw, what = a[0], int(a[1]), a[2], a[3], a[4]
if len(a) > 6 and a[5] == "--tls":
    m = imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(cafile=a[6]))
else:
    m = imaplib.IMAP4(host, port)
m.login(user, pw)
m.select("INBOX")
if what == "fetch":
    typ, data = m.fetch("1:*", "(BODY[])")
elif what == "headers":
    typ, data = m.fetch("1:*", "(BODY.PEEK[HEADER])")
else:
    typ, data = m.uid("SEARCH", "ALL")
if typ != "OK":
    sys.exit("imap: " + typ)
m.logout()
