#!/usr/bin/env python3
"""FTP with Python's ftplib, for bench/run (anonymous, passive).

  ftp_client.py retr HOST PORT PATH OUT [--tls]   RETR PATH into OUT
  ftp_client.py stor HOST PORT PATH IN [--tls]    STOR IN as PATH
  ftp_client.py many HOST PORT DIR OUTDIR [--tls] NLST DIR, then RETR every file into OUTDIR
--tls: explicit FTPS (AUTH TLS, PROT P); the certificate is not verified (self-signed).
"""
import ftplib
import os
import ssl
import sys


class ReusingFTP_TLS(ftplib.FTP_TLS):
    """Data connections resume the control connection's TLS session (vsftpd's
    require_ssl_reuse, as curl and inet do); ftplib does not do it by itself."""

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host,
                                            session=self.sock.session)
        return conn, size


def login(host, port, tls):
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        f = ReusingFTP_TLS(context=ctx)
    else:
        f = ftplib.FTP()
    f.connect(host, port)
    f.login()
    if tls:
        f.prot_p()
    return f


def main(a):
    mode, host, port, path, local = a[0], a[1], int(a[2]), a[3], a[4]
    f = login(host, port, "--tls" in a)
    if mode == "retr":
        with open(local, "wb") as out:
            f.retrbinary("RETR " + path, out.write, blocksize=1 << 20)
    elif mode == "stor":
        with open(local, "rb") as src:
            f.storbinary("STOR " + path, src, blocksize=1 << 20)
    elif mode == "many":
        names = f.nlst(path)
        for n in names:
            base = os.path.basename(n)
            with open(os.path.join(local, base), "wb") as out:
                f.retrbinary("RETR " + path.rstrip("/") + "/" + base, out.write)
    else:
        sys.exit("unknown mode " + mode)
    f.quit()


main(sys.argv[1:])
