#!/usr/bin/env python3
"""Reads one delivered message (a Maildir file) with Python's `email` package, for
inet_mail_test.sh. Python's parser is the independent reference: what it decodes is what a
mail reader would show.

Usage: inspect_mail.py COMMAND PATH [ARG]
  has-header PATH NAME      exit 0 if the header section has NAME, 1 if not
  raw-header PATH NAME      the header's value as sent (unfolded, RFC 2047 words undecoded)
  header PATH NAME          the header's value decoded (RFC 2047) as UTF-8
  body PATH                 the raw bytes after the header section's empty line
  text PATH                 the decoded text/plain body (first text/plain part)
  attachment-sha256 PATH FILENAME   sha256 (hex) of the decoded attachment FILENAME
Exits 1 (with a message on stderr) when the header, part or attachment is missing.
"""
import email
import email.policy
import hashlib
import sys


def load(path, policy):
    with open(path, "rb") as f:
        return email.message_from_binary_file(f, policy=policy)


def missing(what):
    print("inspect_mail: no %s" % what, file=sys.stderr)
    sys.exit(1)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    command, path = argv[1], argv[2]
    arg = argv[3] if len(argv) > 3 else None
    out = sys.stdout.buffer
    if command == "has-header":
        return 0 if load(path, email.policy.compat32)[arg] is not None else 1
    if command == "raw-header":
        value = load(path, email.policy.compat32)[arg]
        if value is None:
            missing("header " + arg)
        out.write(" ".join(str(value).split()).encode() + b"\n")
        return 0
    if command == "header":
        value = load(path, email.policy.default)[arg]
        if value is None:
            missing("header " + arg)
        out.write(str(value).encode("utf-8") + b"\n")
        return 0
    if command == "body":
        with open(path, "rb") as f:
            data = f.read()
        sep = data.find(b"\n\n")
        if sep < 0:
            missing("header/body separator")
        out.write(data[sep + 2:])
        return 0
    if command == "text":
        part = load(path, email.policy.default).get_body(preferencelist=("plain",))
        if part is None:
            missing("text/plain part")
        out.write(part.get_content().encode("utf-8"))
        return 0
    if command == "attachment-sha256":
        for part in load(path, email.policy.default).iter_attachments():
            if part.get_filename() == arg:
                payload = part.get_payload(decode=True)
                print(hashlib.sha256(payload).hexdigest())
                return 0
        missing("attachment " + arg)
    print("inspect_mail: unknown command " + command, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
