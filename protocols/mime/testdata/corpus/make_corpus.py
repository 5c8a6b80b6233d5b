#!/usr/bin/env python3
"""Writes the MIME reader's corpus: messages shaped like those public mail archives hold
(Thunderbird, Outlook/Exchange, Apple Mail, Mailman digests and Pipermail mboxes, mutt/PGP,
Gmail forwards, many charsets), each with NAME.expected, the part tree computed by Python's
email package - an oracle independent of inetpp's parser - so that
//protocols/mime:corpus_test compares two implementations.

The messages are written here (not copied from archives: no personal data), with the header
layout, boundary styles, parameter encodings and body encodings of each client. Attachment
bytes are deterministic. Run from the repository root to regenerate:

    python3 protocols/mime/testdata/corpus/make_corpus.py

Expected-file lines (one per entity, document order):
    part PATH TYPE ENCODING file=NAME bytes=N sha256=HEX16 [subject=TEXT]
PATH "-" is the message; leaf bytes are the decoded body (text/* converted to UTF-8 from their
charset); multiparts and message/rfc822 have bytes=0. "problem PATH TEXT" lines list what the
reader must report (only the truncated archive message has one).
"""
import base64
import email
import email.policy
import hashlib
import os
import quopri
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def blob(seed, n):
    """n deterministic pseudo-random bytes."""
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:n])


def b64(data, width=76):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i:i + width] for i in range(0, len(s), width))


def qp(text, charset):
    # Line breaks stay line breaks (not =0D); encode() below gives the message its line ends.
    return quopri.encodestring(text.replace("\r\n", "\n").encode(charset)).decode("ascii")


PDF = b"%PDF-1.7\r\n%\xe2\xe3\xcf\xd3\r\n" + blob("pdf", 5000) + b"\r\n%%EOF\r\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + blob("png", 1800)
DOCX = b"PK\x03\x04\x14\x00\x06\x00" + blob("docx", 7000)
NUMBERS = b"PK\x03\x04" + blob("numbers", 3333)
ZIP = b"PK\x03\x04" + blob("zip", 1025)
SIG = ("-----BEGIN PGP SIGNATURE-----\r\n\r\n" + b64(blob("sig", 310), 64) +
       "\r\n=AbCd\r\n-----END PGP SIGNATURE-----\r\n")

QP0 = qp("Bonjour Marc,\r\n\r\nVoici la version révisée de mon CV ainsi que ma lettre de motivation. Je reste à votre disposition pour un entretien à la date qui vous conviendra le mieux.\r\n\r\nCordialement,\r\nRenée\r\n", "iso-8859-1")
QP1 = qp('<html xmlns:v="urn:schemas-microsoft-com:vml"><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body lang="FR"><p class="MsoNormal">Bonjour Marc,</p><p class="MsoNormal">Voici la version r\u00e9vis\u00e9e \u2013 \u201cfinale\u201d \u2013 de mon CV.</p><p class="MsoNormal"><img width="120" height="40" src="cid:image001.png@01DB9355.0F1E2D30"></p></body></html>\r\n', "cp1252")
QP2 = qp("皆さん、\r\n\r\n四半期レポートの最終版を添付します。\r\n\r\n渡辺\r\n", "utf-8")
QP3 = qp("Hi Li,\r\nThe signed quotation (₹ 1,20,000) is attached.\r\nPriya\r\n", "utf-8")

MESSAGES = {}

MESSAGES["thunderbird_rfc2231_pdf.eml"] = f"""\
Message-ID: <8f1d2c3a-1b2c-4d5e-9f00-0a1b2c3d4e5f@example.org>
Date: Mon, 3 Feb 2025 10:12:44 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: de-DE
To: dev-list@lists.example.org
From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.org>
Subject: =?UTF-8?Q?Protokoll_der_Sitzung_=E2=80=93_Entw=C3=BCrfe_im_Anhang?=
Content-Type: multipart/mixed;
 boundary="------------Ao1sKn5Fvd0XyPr6bTq2mWzc"

This is a multi-part message in MIME format.
--------------Ao1sKn5Fvd0XyPr6bTq2mWzc
Content-Type: multipart/alternative;
 boundary="------------Wq3yRt0AbC9dEf8GhI7jKl6m"

--------------Wq3yRt0AbC9dEf8GhI7jKl6m
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Hallo zusammen,

anbei das Protokoll (PDF) und die Entwürfe. Grüße
Jürgen

--------------Wq3yRt0AbC9dEf8GhI7jKl6m
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: 8bit

<!DOCTYPE html>
<html>
  <head>
    <meta http-equiv="content-type" content="text/html; charset=UTF-8">
  </head>
  <body>
    <p>Hallo zusammen,</p>
    <p>anbei das Protokoll (PDF) und die Entwürfe. Grüße<br>
      Jürgen</p>
  </body>
</html>

--------------Wq3yRt0AbC9dEf8GhI7jKl6m--
--------------Ao1sKn5Fvd0XyPr6bTq2mWzc
Content-Type: application/pdf;
 name*0*=UTF-8''%E4%BC%9A%E8%AD%B0%E9%8C%B2%20%E2%80%93%20Sitzung%20vom%20;
 name*1*=%33%2E%20Februar.pdf
Content-Disposition: attachment;
 filename*0*=UTF-8''%E4%BC%9A%E8%AD%B0%E9%8C%B2%20%E2%80%93%20Sitzung%20vom%20;
 filename*1*=%33%2E%20Februar.pdf
Content-Transfer-Encoding: base64

{b64(PDF)}

--------------Ao1sKn5Fvd0XyPr6bTq2mWzc--
"""

MESSAGES["outlook_mixed_related_alternative.eml"] = f"""\
Received: from AM9PR01MB7777.eurprd01.prod.example.com (2603:10a6:20b:1::12) by
 DB7PR01MB4444.eurprd01.prod.example.com with HTTPS; Wed, 12 Mar 2025 14:03:11 +0000
From: =?iso-8859-1?Q?Ren=E9e_Lef=E8vre?= <renee.lefevre@corp.example.com>
To: "Dupont, Marc" <marc.dupont@corp.example.com>
Subject: =?Windows-1252?Q?CV_et_lettre_de_motivation_=96_R=E9vision?=
Thread-Topic: =?Windows-1252?Q?CV_et_lettre_de_motivation_=96_R=E9vision?=
Thread-Index: AdmUJ3kYxQ1y2lV0T0K3o3cYx5bVhQ==
Date: Wed, 12 Mar 2025 14:03:10 +0000
Message-ID: <AM9PR01MB7777F0E3C4D2B1A0@AM9PR01MB7777.eurprd01.prod.example.com>
Accept-Language: fr-FR, en-US
Content-Language: fr-FR
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator:
Content-Type: multipart/mixed;
\tboundary="_006_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_"
MIME-Version: 1.0

--_006_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_
Content-Type: multipart/related;
\tboundary="_005_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_";
\ttype="multipart/alternative"

--_005_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_
Content-Type: multipart/alternative;
\tboundary="_000_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_"

--_000_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

{QP0}
--_000_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_
Content-Type: text/html; charset="windows-1252"
Content-Transfer-Encoding: quoted-printable

{QP1}
--_000_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_--

--_005_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_
Content-Type: image/png; name="image001.png"
Content-Description: image001.png
Content-Disposition: inline; filename="image001.png"; size={len(PNG)};
\tcreation-date="Wed, 12 Mar 2025 14:03:09 GMT";
\tmodification-date="Wed, 12 Mar 2025 14:03:09 GMT"
Content-ID: <image001.png@01DB9355.0F1E2D30>
Content-Transfer-Encoding: base64

{b64(PNG)}

--_005_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_--

--_006_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_
Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;
\tname="=?iso-8859-1?Q?CV_Ren=E9e_Lef=E8vre_2025.docx?="
Content-Description: =?iso-8859-1?Q?CV_Ren=E9e_Lef=E8vre_2025.docx?=
Content-Disposition: attachment;
\tfilename="=?iso-8859-1?Q?CV_Ren=E9e_Lef=E8vre_2025.docx?="; size={len(DOCX)};
\tcreation-date="Wed, 12 Mar 2025 14:02:00 GMT";
\tmodification-date="Wed, 12 Mar 2025 14:02:00 GMT"
Content-Transfer-Encoding: base64

{b64(DOCX)}

--_006_AM9PR01MB7777F0E3C4D2B1A0AM9PR01MB7777eurp_--
"""

MESSAGES["apple_mail_alternative_mixed.eml"] = f"""\
From: Kenji Watanabe <kenji@example.jp>
Content-Type: multipart/alternative;
\tboundary="Apple-Mail=_5B7C2E1A-9D3F-4E6B-8A10-2C4D6E8F0A1B"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.500.171.1.1\\))
Subject: =?utf-8?B?5Zub5Y2K5pyf44Os44Od44O844OI77yI5pyA57WC54mI77yJ?=
Date: Fri, 4 Apr 2025 18:20:05 +0900
Message-Id: <5B7C2E1A-9D3F-4E6B-8A10-2C4D6E8F0A1B@example.jp>
To: team@example.jp
X-Mailer: Apple Mail (2.3774.500.171.1.1)


--Apple-Mail=_5B7C2E1A-9D3F-4E6B-8A10-2C4D6E8F0A1B
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
\tcharset=utf-8

{QP2}
--Apple-Mail=_5B7C2E1A-9D3F-4E6B-8A10-2C4D6E8F0A1B
Content-Type: multipart/mixed;
\tboundary="Apple-Mail=_0E9A8B7C-6D5E-4F3A-2B1C-0D9E8F7A6B5C"


--Apple-Mail=_0E9A8B7C-6D5E-4F3A-2B1C-0D9E8F7A6B5C
Content-Transfer-Encoding: quoted-printable
Content-Type: text/html;
\tcharset=utf-8

{qp('<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word;">皆さん、<div><br></div><div>四半期レポートの最終版を添付します。</div></body></html>', "utf-8")}
--Apple-Mail=_0E9A8B7C-6D5E-4F3A-2B1C-0D9E8F7A6B5C
Content-Disposition: attachment;
\tfilename*=utf-8''%E5%9B%9B%E5%8D%8A%E6%9C%9F%E3%83%AC%E3%83%9D%E3%83%BC%E3%83%88.numbers
Content-Type: application/octet-stream;
\tx-unix-mode=0644;
\tname="=?utf-8?B?5Zub5Y2K5pyf44Os44Od44O844OILm51bWJlcnM=?="
Content-Transfer-Encoding: base64

{b64(NUMBERS)}
--Apple-Mail=_0E9A8B7C-6D5E-4F3A-2B1C-0D9E8F7A6B5C
Content-Transfer-Encoding: 7bit
Content-Type: text/html;
\tcharset=us-ascii

<html><head><meta http-equiv="content-type" content="text/html; charset=us-ascii"></head><body style="overflow-wrap: break-word;"><div><br></div><div>-- Kenji</div></body></html>
--Apple-Mail=_0E9A8B7C-6D5E-4F3A-2B1C-0D9E8F7A6B5C--

--Apple-Mail=_5B7C2E1A-9D3F-4E6B-8A10-2C4D6E8F0A1B--
"""

def digest_item(n, subject, sender, body):
    return f"""\
Message: {n}
Date: Tue, 6 May 2025 0{n}:11:00 +0200
From: {sender}
To: users@lists.example.org
Subject: {subject}
Message-ID: <digest-item-{n}@example.net>
Content-Type: text/plain; charset="{'koi8-r' if n == 2 else 'us-ascii'}"
Content-Transfer-Encoding: {'8bit' if n == 2 else '7bit'}

{body}
"""

MESSAGES["mailman_digest.eml"] = ("""\
From: users-request@lists.example.org
Subject: Users Digest, Vol 212, Issue 6
To: users@lists.example.org
Reply-To: users@lists.example.org
Date: Tue, 06 May 2025 12:00:02 +0200
Message-ID: <mailman.1234.1746525602.5000.users@lists.example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="===============8177093384529613437=="
X-Mailman-Version: 2.1.39
Precedence: list
List-Id: Users of the Example project <users.lists.example.org>

--===============8177093384529613437==
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit
Content-Description: Users Digest, Vol 212, Issue 6

Send Users mailing list submissions to
\tusers@lists.example.org

Today's Topics:

   1. Re: build fails on ARM (Ana Souza)
   2. Re: =?koi8-r?b?88LP0svB?= (Ivan Petrov)

--===============8177093384529613437==
Content-Type: multipart/digest; boundary="===============4260316521283540470=="
MIME-Version: 1.0

--===============4260316521283540470==

""" + digest_item(1, "Re: build fails on ARM", "Ana Souza <ana@example.net>",
                  "Try -march=armv8-a; it worked for me.\n\n-- \nAna") + """
--===============4260316521283540470==

""" + digest_item(2, "Re: =?koi8-r?b?88LP0svB?=", "=?koi8-r?b?6dfBziDw1dTS2A==?= <ivan@example.ru>",
                  "Сборка прошла успешно.".encode("koi8-r").decode("latin-1")) + """
--===============4260316521283540470==--

--===============8177093384529613437==
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit
Content-Disposition: inline

_______________________________________________
Users mailing list
users@lists.example.org

--===============8177093384529613437==--
""")

MESSAGES["charsets_encoded_words.eml"] = (f"""\
From: =?ISO-2022-JP?B?GyRCOzNFRBsoQiAbJEJCQE86GyhC?= <taro@example.jp>
To: =?KOI8-R?Q?=F0=C5=D4=D2_=E9=D7=C1=CE=CF=D7?= <petr@example.ru>,
 =?GB2312?B?1cXI/Q==?= <zhang@example.cn>,
 =?ISO-8859-2?Q?Pawe=B3_Kowalski?= <pawel@example.pl>
Subject: =?ISO-2022-JP?B?GyRCJEgkRiRiQmc7diRKJCpDTiRpJDsbKEI=?=
 =?windows-1252?Q?_=93quoted=94_=80?=
Date: Thu, 15 May 2025 09:00:00 +0900
Message-ID: <charsets-1@example.jp>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1_charsets"

--b1_charsets
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

""" + "とても大事なお知らせです。\r\n明日の会議は十時からです。".encode("iso-2022-jp").decode("ascii") + f"""
--b1_charsets
Content-Type: text/plain; charset=koi8-r
Content-Transfer-Encoding: 8bit

""" + "Привет! Встреча завтра в десять.".encode("koi8-r").decode("latin-1") + f"""
--b1_charsets
Content-Type: text/html; charset=windows-1251
Content-Transfer-Encoding: quoted-printable

{qp("<p>Съешь же ещё этих мягких французских булок</p>", "cp1251")}
--b1_charsets
Content-Type: text/plain; charset=gb2312
Content-Transfer-Encoding: base64

{b64("你好，明天见。会议室在三楼。".encode("gb2312"))}
--b1_charsets
Content-Type: text/plain; charset=iso-8859-2
Content-Transfer-Encoding: quoted-printable

{qp("Zażółć gęślą jaźń.", "iso-8859-2")}
--b1_charsets
Content-Type: text/plain; charset=Shift_JIS
Content-Transfer-Encoding: base64

{b64("ｶﾀｶﾅと漢字の混在テキスト".encode("shift_jis"))}
--b1_charsets--
""")

INNER = f"""\
From: Priya Raman <priya@example.in>
To: Li Wei <li.wei@example.com>
Subject: =?UTF-8?B?UXVvdGU6IOKCuSAxLDIwLDAwMCDigJMgc2lnbmVkIGNvcHk=?=
Date: Mon, 19 May 2025 11:45:00 +0530
Message-ID: <CAF=inner-quote-1@mail.example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="000000000000a1b2c3d4e5f60718"

--000000000000a1b2c3d4e5f60718
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{QP3}
--000000000000a1b2c3d4e5f60718
Content-Type: application/zip; name="quotation-signed.zip"
Content-Disposition: attachment; filename="quotation-signed.zip"
Content-Transfer-Encoding: base64
X-Attachment-Id: f_lx1abc0
Content-ID: <f_lx1abc0>

{b64(ZIP)}
--000000000000a1b2c3d4e5f60718--
"""

MESSAGES["forwarded_rfc822_nested.eml"] = f"""\
MIME-Version: 1.0
Date: Tue, 20 May 2025 08:02:13 +0800
Message-ID: <CAF=outer-fwd-2@mail.example.com>
Subject: Fwd: Quote
From: Li Wei <li.wei@example.com>
To: finance@example.com
Content-Type: multipart/mixed; boundary="000000000000f1e2d3c4b5a69788"

--000000000000f1e2d3c4b5a69788
Content-Type: text/plain; charset="UTF-8"

Forwarding as an attachment.

--000000000000f1e2d3c4b5a69788
Content-Type: message/rfc822; name="Quote.eml"
Content-Disposition: attachment; filename="Quote.eml"

{INNER}
--000000000000f1e2d3c4b5a69788--
"""

MESSAGES["mutt_pgp_signed.eml"] = f"""\
Date: Sat, 24 May 2025 21:14:07 +0200
From: Dirk Vos <dirk@example.nl>
To: security@example.org
Subject: Re: [SECURITY] advisory draft
Message-ID: <aDIYb1x2@example.nl>
MIME-Version: 1.0
Content-Type: multipart/signed; micalg=pgp-sha512;
\tprotocol="application/pgp-signature"; boundary="p7pGyWb4oBkqQ3qB"
Content-Disposition: inline
User-Agent: Mutt/2.2.12 (2023-09-09)


--p7pGyWb4oBkqQ3qB
Content-Type: text/plain; charset=us-ascii
Content-Disposition: inline

On Sat, May 24, 2025 at 09:01:00AM +0200, Jan wrote:
> Please review the attached draft.

Looks good; one typo in section 3.

--p7pGyWb4oBkqQ3qB
Content-Type: application/pgp-signature; name="signature.asc"
Content-Description: PGP signature

{SIG}
--p7pGyWb4oBkqQ3qB--
"""

# Pipermail mbox download: LF line ends, raw UTF-8 in headers (RFC 6532), a 7bit patch.
PATCH = ("diff --git a/src/io.c b/src/io.c\n--- a/src/io.c\n+++ b/src/io.c\n@@ -1,3 +1,3 @@\n"
         "-int n = read(fd, buf, sizeof buf);\n+ssize_t n = read(fd, buf, sizeof buf);\n")
MESSAGES["pipermail_lf_utf8_headers.eml"] = ("""\
From: Zoë Ångström <zoe@example.se>
To: dev@lists.example.org
Subject: [PATCH] io: använd ssize_t för read()
Date: Sun, 1 Jun 2025 16:00:00 +0200
Message-ID: <20250601140000.1@example.se>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="------------patch42"

--------------patch42
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hej! read() returnerar ssize_t — se bifogad patch.

--------------patch42
Content-Type: text/x-patch; charset=us-ascii; name="0001-io-ssize_t.patch"
Content-Disposition: attachment; filename="0001-io-ssize_t.patch"
Content-Transfer-Encoding: 7bit

""" + PATCH + """
--------------patch42--
""")

# A message cut off inside its attachment, as truncated archive files are: no close delimiter.
MESSAGES["truncated_archive_attachment.eml"] = f"""\
From: Sam <sam@example.com>
To: ops@example.com
Subject: logs
Date: Mon, 2 Jun 2025 07:30:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="cut-here"

--cut-here
Content-Type: text/plain

Logs attached.
--cut-here
Content-Type: application/gzip; name="logs.gz"
Content-Disposition: attachment; filename=logs.gz
Content-Transfer-Encoding: base64

{b64(blob("gz", 600))}
"""

LF_ONLY = {"pipermail_lf_utf8_headers.eml"}

# Filenames as the reader must give them: Python's email leaves RFC 2047 words in quoted
# parameters (Outlook, Apple Mail `name=`) undecoded, which every mail client decodes.
FILENAMES = {
    ("outlook_mixed_related_alternative.eml", "2"): "CV Renée Lefèvre 2025.docx",
}


def encoded(name, text):
    text = text.replace("\r\n", "\n")
    if name not in LF_ONLY:
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8") if name in LF_ONLY else text.encode("latin-1")


def leaf_bytes(part):
    data = part.get_payload(decode=True) or b""
    if part.get_content_maintype() == "text":
        cs = part.get_param("charset")
        if cs and cs.lower() not in ("utf-8", "us-ascii", "utf8"):
            data = data.decode(cs).encode("utf-8")
    return data


def walk(msg, path, out, name):
    ctype = msg.get_content_type()
    enc = (msg.get("Content-Transfer-Encoding") or "7bit").strip().lower()
    fname = FILENAMES.get((name, path), msg.get_filename() or "")
    line = f"part {path or '-'} {ctype} {enc} file={fname}"
    if msg.is_multipart() and ctype.startswith("multipart/"):
        out.append(line + " bytes=0 sha256=-")
        for i, child in enumerate(msg.get_payload(), 1):
            walk(child, f"{path}.{i}" if path else str(i), out, name)
    elif ctype in ("message/rfc822", "message/global"):
        out.append(line + " bytes=0 sha256=-")
        inner = msg.get_payload()[0]
        walk(inner, f"{path}.1" if path else "1", out, name)
    else:
        data = leaf_bytes(msg)
        out.append(line + f" bytes={len(data)} sha256={hashlib.sha256(data).hexdigest()[:16]}")
    subject = msg.get("Subject")
    if subject is not None:
        out[-1 if not msg.is_multipart() and ctype not in ("message/rfc822",) else
            _index_of(out, path)] += f" subject={str(subject)}"


def _index_of(out, path):
    key = f"part {path or '-'} "
    for i, l in enumerate(out):
        if l.startswith(key):
            return i
    raise KeyError(path)


def main():
    for name, text in MESSAGES.items():
        raw = encoded(name, text)
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(raw)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        out = []
        walk(msg, "", out, name)
        if name == "truncated_archive_attachment.eml":
            out.append("problem - multipart without close delimiter")
        with open(os.path.join(HERE, name[:-4] + ".expected"), "w", encoding="utf-8") as f:
            f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
