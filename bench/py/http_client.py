#!/usr/bin/env python3
"""HTTP with Python's http.client, for bench/run.

  http_client.py seq  HOST PORT PATH COUNT           COUNT GETs on one kept-alive connection
  http_client.py file HOST PORT PATH OUT [--tls CA]  one GET streamed into OUT (1 MiB reads)
"""
import http.client
import ssl
import sys


def conn(host, port, ca=None):
    if ca:
        return http.client.HTTPSConnection(host, port, context=ssl.create_default_context(cafile=ca))
    return http.client.HTTPConnection(host, port)


def main(a):
    mode, host, port, path = a[0], a[1], int(a[2]), a[3]
    if mode == "seq":
        c = conn(host, port)
        for _ in range(int(a[4])):
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            if r.status != 200:
                sys.exit("status %d" % r.status)
            if r.will_close:
                c.close()
                c = conn(host, port)
    elif mode == "file":
        ca = a[6] if len(a) > 6 and a[5] == "--tls" else None
        c = conn(host, port, ca)
        c.request("GET", path)
        r = c.getresponse()
        if r.status != 200:
            sys.exit("status %d" % r.status)
        with open(a[4], "wb") as f:
            while True:
                b = r.read(1 << 20)
                if not b:
                    break
                f.write(b)
    else:
        sys.exit("unknown mode " + mode)


main(sys.argv[1:])
