#!/usr/bin/python3
"""A real SMTP server for the mail tests (aiosmtpd, Debian python3-aiosmtpd), on loopback.

--auth login-plain   AUTH LOGIN and PLAIN against --user/--password (required before MAIL)
--tls starttls       offers STARTTLS with --cert/--key and requires it before AUTH / MAIL
--pop-log FILE       POP-before-SMTP: MAIL is accepted only after Dovecot logged --user in from the client's
                     address (a "Login: user=<U>, ... rip=A" line in Dovecot's log), within --pop-window seconds
--reject-rcpt        refuses every recipient (a server that does not accept)
Each accepted message is written to --maildir as NNNN.eml plus NNNN.json (envelope, peer). Writes --ready when
listening.
"""
import argparse
import asyncio
import json
import os
import re
import signal
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--maildir", required=True)
parser.add_argument("--ready", required=True)
parser.add_argument("--auth", choices=["none", "login-plain"], default="none")
parser.add_argument("--user", default="")
parser.add_argument("--password", default="")
parser.add_argument("--tls", choices=["none", "starttls"], default="none")
parser.add_argument("--cert")
parser.add_argument("--key")
parser.add_argument("--pop-log")
parser.add_argument("--pop-window", type=float, default=300)
parser.add_argument("--reject-rcpt", action="store_true")
args = parser.parse_args()

# The test runner may start us with SIGTERM blocked (a thread's mask is inherited): unblock it and exit on it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

LOGIN = re.compile(r"^(\w{3} \d\d \d\d:\d\d:\d\d) pop3-login: Info: Login: user=<([^>]*)>.*\brip=([0-9a-fA-F.:]+)")


def pop_logged_in(user, address):
    try:
        with open(args.pop_log, encoding="utf-8", errors="replace") as log:
            for line in log:
                match = LOGIN.match(line)
                if match and match.group(2) == user and match.group(3) == address:
                    return True
    except FileNotFoundError:
        pass
    return False


class Handler:
    def __init__(self):
        self.count = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if args.pop_log and not pop_logged_in(args.user, session.peer[0]):
            return "530 5.7.0 POP before SMTP: log in to the POP3 server first"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if args.reject_rcpt:
            return "550 5.1.1 recipient rejected by this test server"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(args.maildir, "%04d" % self.count)
        with open(base + ".eml.tmp", "wb") as out:
            out.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as out:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "peer": session.peer[0],
                       "authenticated": session.authenticated}, out)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == args.user.encode()
          and auth_data.password == args.password.encode())
    return AuthResult(success=ok, handled=False)


kwargs = {}
if args.auth == "login-plain":
    kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=args.tls == "starttls")
else:
    kwargs.update(auth_require_tls=False)
if args.tls == "starttls":
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    kwargs.update(tls_context=context, require_starttls=True)

controller = Controller(Handler(), hostname="127.0.0.1", port=args.port, **kwargs)
controller.start()
with open(args.ready, "w") as ready:
    ready.write("ready\n")
try:
    while True:
        time.sleep(3600)
except (KeyboardInterrupt, SystemExit):
    pass
finally:
    controller.stop()
