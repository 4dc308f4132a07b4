"""irctest controller for Banter's IRC gateway (run it with run.sh beside this file).

Each irctest case gets a fresh `banter server` (its own temporary data folder, SQLite) with
the IRC gateway on the port irctest picked. Banter has no anonymous IRC: every connection
logs in to an account (PASS or SASL PLAIN, nick = account name). How the suite's clients get
accounts, without touching the server's authentication, is in banter_plugin.py.
"""

import json
import os
from pathlib import Path
import shutil
import socket
import subprocess
import tempfile
import time
from functools import lru_cache
from typing import List, Optional, Set

from irctest.basecontrollers import BaseServerController, NotImplementedByController
from irctest.irc_utils.junkdrawer import find_hostname_and_port

REPO = Path(__file__).resolve().parents[3]
# BANTER_IRCTEST_MAIN_JS runs another build (e.g. an older one, to compare results).
MAIN_JS = Path(
    os.environ.get("BANTER_IRCTEST_MAIN_JS", REPO / "dist" / "src" / "cli" / "main.js")
)

# The password every harness-made account gets when the test case sets no server password.
# (When it does, e.g. PasswordedConnectionRegistrationTestCase's "testpassword", the
# accounts get that one, so the test's own PASS line is the account's password.)
DEFAULT_ACCOUNT_PASSWORD = "irctest-account-pw"

# The capabilities Banter's gateway offers (docs/irc.md, IRCv3): cases.py asks the controller
# whether a NAK'd capability is one the server is meant to have (then the case fails) or not
# (then it is skipped).
CAPABILITIES = {
    "away-notify",
    "batch",
    "draft/account-registration",
    "draft/chathistory",
    "echo-message",
    "message-tags",
    "multi-prefix",
    "sasl",
    "server-time",
    "userhost-in-names",
}

# Banter refuses passwords shorter than this (src/protocol/limits.ts MIN_PASSWORD_CHARS).
MIN_PASSWORD_CHARS = 8


@lru_cache(maxsize=None)
def server_name_flag() -> List[str]:
    """irctest configures every server it runs with the name My.Little.Server, and checks it.
    Builds from before --irc-server-name existed run without it (they say irc.banter)."""
    usage = subprocess.run(
        ["node", str(MAIN_JS), "server", "--help"], capture_output=True, text=True
    ).stdout
    return ["--irc-server-name", "My.Little.Server"] if "--irc-server-name" in usage else []


class BanterController(BaseServerController):
    software_name = "Banter"
    supported_sasl_mechanisms = {"PLAIN"}
    supports_sts = False
    # Banter fans a message out after storing it; the recipient's PING/PONG round trip
    # (irctest's synchronisation) can beat that by a few milliseconds.
    sync_sleep_time = float(os.environ.get("BANTER_IRCTEST_SYNC_SLEEP", "0.05"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory: Optional[Path] = None
        self.accounts: Set[str] = set()
        self.account_password = DEFAULT_ACCOUNT_PASSWORD
        self.line_port = 0
        self.log_file = None

    def run(
        self,
        hostname: str,
        port: int,
        *,
        password: Optional[str],
        ssl: bool,
        run_services: bool,
        faketime: Optional[str],
    ) -> None:
        if ssl:
            raise NotImplementedByController("TLS (the harness runs plain-text IRC)")
        # run_services: irctest's SASL and account cases ask for services (NickServ and
        # the like) to hold accounts. Banter's accounts are built in, as Ergo's are, so
        # there is nothing more to start (see wait_for_services and registerUser).
        self.hostname = hostname
        self.port = port
        if password is not None:
            self.account_password = password
        self.directory = Path(tempfile.mkdtemp(prefix="banter-irctest-"))
        (_, self.line_port) = find_hostname_and_port()
        self.log_file = (self.directory / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [
                "node",
                str(MAIN_JS),
                "server",
                "--host", "127.0.0.1",
                "--port", str(self.line_port),
                "--http-port", "0",
                "--irc-port", str(port),
                *server_name_flag(),
                "--data", str(self.directory / "data"),
                "--log-level", os.environ.get("BANTER_IRCTEST_LOG_LEVEL", "warn"),
                # The harness creates one account per nick the suite uses, all from 127.0.0.1.
                "--register-per-hour", "100000",
                # Some cases send dozens of messages back to back (e.g. chathistory).
                "--send-rate", "1000",
                "--send-burst", "1000",
            ],
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            cwd=str(self.directory),
            # BANTER_ADMIN_PASSWORD unset: the bootstrap account "admin" gets a random password.
            env={k: v for (k, v) in os.environ.items() if not k.startswith("BANTER_")},
        )
        self._wait_for_line_port()

    def _wait_for_line_port(self) -> None:
        deadline = time.time() + 30
        while True:
            self.check_is_alive()
            try:
                socket.create_connection(("127.0.0.1", self.line_port), timeout=1).close()
                return
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    def _line_request(self, request: dict) -> dict:
        """One request on Banter's line protocol (docs/protocol.md); returns the reply."""
        with socket.create_connection(("127.0.0.1", self.line_port), timeout=5) as s:
            s.sendall((json.dumps({"id": 1, **request}) + "\n").encode())
            buf = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    raise ConnectionError("line protocol closed before replying")
                buf += chunk
                while b"\n" in buf:
                    (line, buf) = buf.split(b"\n", 1)
                    msg = json.loads(line)
                    if msg.get("re") == 1:
                        return msg

    def create_account(self, name: str, password: str) -> bool:
        """Registers a Banter account the way any Banter client does (op register).
        True if it exists afterwards with this password (made now or earlier by us)."""
        if name.lower() in self.accounts:
            return True
        reply = self._line_request({"op": "register", "user": name, "password": password})
        if reply.get("ok"):
            self.accounts.add(name.lower())
            return True
        return False

    def ensure_account(self, nick: str) -> None:
        """Called by banter_plugin.py for each nick a client sends before registering."""
        if len(self.account_password) < MIN_PASSWORD_CHARS:
            return
        self.create_account(nick, self.account_password)

    def registerUser(self, case, username: str, password: Optional[str] = None) -> None:
        assert password
        if len(password) < MIN_PASSWORD_CHARS:
            raise NotImplementedByController(
                f"account password {password!r}: Banter requires at least "
                f"{MIN_PASSWORD_CHARS} characters"
            )
        if not self.create_account(username, password):
            raise AssertionError(f"could not register Banter account {username!r}")

    def supports_cap(self, cap: str) -> bool:
        return cap in CAPABILITIES

    def wait_for_services(self) -> None:
        pass  # accounts are part of the server itself

    def kill(self) -> None:
        super().kill()
        if self.log_file:
            self.log_file.close()
            self.log_file = None
        if self.directory:
            if os.environ.get("BANTER_IRCTEST_KEEP"):
                print(f"server folder kept: {self.directory}")
            else:
                shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


def get_irctest_controller_class():
    return BanterController
