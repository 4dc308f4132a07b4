"""pytest plugin that runs irctest's server tests against Banter (loaded by run.sh with -p).

It replaces irctest's own conftest.py (the stored copy predates the pytest-style cases.py
used here) and does three things:

1. Points irctest at BanterController.

2. Gives the suite's clients accounts. Banter has no anonymous IRC: a connection logs in to
   an account (PASS or SASL PLAIN) and its nick is the account name. irctest assumes an open
   server and connects clients as foo, bar, baz, ... without any password. So, for each
   client irctest opens:
   - every `NICK <name>` it sends creates the Banter account <name> first, through Banter's
     public `register` operation on the line protocol (what any Banter client does), with
     the test case's server password if it sets one, else DEFAULT_ACCOUNT_PASSWORD;
   - if the test case sets no server password and the client does not authenticate by
     itself (no PASS, AUTHENTICATE or REGISTER of its own), one `PASS <that password>` line
     is sent for it before registration can complete: before its first NICK/USER, or,
     once it has started CAP negotiation (which holds registration until CAP END), before
     CAP END. This is what a user's client configured with the account's password sends.
   Nothing on the server side is relaxed: a test that sends a wrong PASS, no PASS on a
   passworded case, or a failing SASL exchange still gets what Banter answers to that.

3. Deselects, with the reason, the cases that cannot apply to Banter (DESELECTED below).
"""

from irctest import cases, client_mock
from irctest.cases import _IrcTestCase

import banter_controller

# Test modules whose clients must not get harness-made accounts: they create the account
# themselves (draft/account-registration's REGISTER would find it taken).
NO_AUTO_ACCOUNTS = {"account_registration"}

# Why a case cannot apply to Banter, by what Banter is (docs/irc.md). Each reason is named
# once and used below.
SEVERAL_SESSIONS = (
    "one account may be connected several times (phone, laptop, IRC): a second NICK foo "
    "with foo's password logs in to foo again, it does not collide"
)
NICK_IS_ACCOUNT = "the nick is the account name: NICK changes are refused with 447"
LOBBY = (
    "every user is in #lobby, always: it is listed, and another user's login or logout is "
    "a JOIN or QUIT there, which the case takes for an unexpected reply"
)
NO_VOICE = "Banter's only channel prefix is @ (PREFIX=(o)@): there is no +v"
NO_OPER = "there are no IRC operators (OPER): Banter's administrator is a role of the account"
IDENTITY = (
    "the user name and real name shown (WHO, WHOIS) are the account name "
    "(nick!nick@banter); USER's fields are not kept"
)
INVITE_ONLY_AT_CREATION = (
    "MODE #chan +i: whether a room is private is set when it is created (JOIN creates "
    "public rooms); +i/-i are 472"
)
INVITE_JOINS = (
    "a Banter invitation makes the invitee a member at once: the members see them JOIN, "
    "the inviter before its 341"
)

# "module.py::Class::test[params]" -> why the case cannot apply to Banter. A key ending in
# "::" or "[" stands for every case it begins; any other names one case exactly. Keep each
# entry's reason precise.
DESELECTED = {
    "account_registration.py::RegisterBeforeConnectDisallowedTestCase::": (
        "needs a server set to refuse REGISTER before connecting; Banter always allows "
        "it (draft/account-registration=before-connect)"
    ),
    "account_registration.py::RegisterEmailVerifiedBeforeConnectTestCase::": (
        "needs a server that requires an e-mail address; Banter keeps none"
    ),
    "account_registration.py::RegisterEmailVerifiedAfterConnectTestCase::": (
        "needs a server that requires an e-mail address; Banter keeps none"
    ),
    "buffering.py::BufferingTestCase::testNoTags[": (
        "a PRIVMSG whose text does not fit the recipient's 512-byte line is cut into several "
        "PRIVMSG lines (Banter keeps the whole text, docs/irc.md), each within 512 bytes; the "
        "case reads what arrives as one line and wants it truncated"
    ),
    "connection_registration.py::ConnectionRegistrationTestCase::testNickCollision": SEVERAL_SESSIONS,
    "connection_registration.py::ConnectionRegistrationTestCase::testEarlyNickCollision": SEVERAL_SESSIONS,
    "invite.py::InviteTestCase::testInvites": INVITE_ONLY_AT_CREATION,
    "invite.py::InviteTestCase::testInvite[True]": INVITE_ONLY_AT_CREATION,
    "invite.py::InviteTestCase::testInviteInviteOnly": INVITE_ONLY_AT_CREATION,
    "invite.py::InviteTestCase::testInvite[False]": INVITE_JOINS,
    "invite.py::InviteTestCase::testInviteNoNotificationForOtherMembers": INVITE_JOINS,
    "invite.py::InviteTestCase::testInviteUnopped": (
        "MODE #chan -o: a room always has its owner, ownership is only handed over (+o)"
    ),
    "isupport.py::IsupportTestCase::testPrefix": NO_VOICE + " (the case looks for v)",
    "kick.py::KickTestCase::testKickNonexistentChannel": LOBBY,
    "list.py::ListTestCase::testListEmpty": LOBBY,
    "list.py::ListTestCase::testListOne": LOBBY,
    "lusers.py::": (
        LOBBY + " (between the LUSERS numerics the case reads); and the testLusersFull "
        "cases require 265/266, which Modern makes optional and Banter does not send"
    ),
    "multi_prefix.py::MultiPrefixTestCase::testMultiPrefix": NO_VOICE,
    "regressions.py::RegressionsTestCase::testFailedNickChange": NICK_IS_ACCOUNT,
    "regressions.py::RegressionsTestCase::testCaseChanges": NICK_IS_ACCOUNT,
    "regressions.py::RegressionsTestCase::testNickRelease": NICK_IS_ACCOUNT,
    "regressions.py::RegressionsTestCase::testTagCap": (
        "+draft/reply on a PRIVMSG: Banter messages have no reply-to, so it is not stored "
        "or relayed (the gateway uses it only on reactions and edit notices)"
    ),
    "topic.py::TopicTestCase::testTopicMode": (
        "MODE #chan -t: a room's topic is always the owner's to set"
    ),
    "topic.py::TopicPrivilegesTestCase::testTopicPrivileges": NO_VOICE,
    "utf8.py::Utf8TestCase::testUtf8Validation": LOBBY,
    "who.py::WhoTestCase::testWhoStar": IDENTITY,
    "who.py::WhoTestCase::testWhoNick[": IDENTITY,
    "who.py::WhoTestCase::testWhoNickAway[": IDENTITY,
    "who.py::WhoTestCase::testWhoChan[": IDENTITY,
    "who.py::WhoTestCase::testWhoNickOper[": NO_OPER,
    "who.py::WhoTestCase::testWhoNickAwayAndOper[": NO_OPER,
    "who.py::WhoInvisibleTestCase::testWhoInvisible": (
        "+i hides a user from WHO masks except from users sharing a channel, and every "
        "user shares #lobby"
    ),
    "whois.py::WhoisTestCase::testWhoisUser[": IDENTITY,
    "whois.py::WhoisTestCase::testWhoisNumerics[normal]": (
        "319 lists #lobby and only the rooms both users are in (a privacy choice), not "
        "every public room of the target"
    ),
    "whois.py::WhoisTestCase::testWhoisNumerics[away]": (
        "319 lists #lobby and only the rooms both users are in (a privacy choice), not "
        "every public room of the target"
    ),
    "whois.py::WhoisTestCase::testWhoisNumerics[oper]": NO_OPER,
}


class _ClientAuth:
    def __init__(self, controller, inject_pass: bool, auto_accounts: bool):
        self.controller = controller
        self.inject_pass = inject_pass
        self.auto_accounts = auto_accounts
        self.decided = False  # PASS sent by us, or the client authenticates by itself
        self.cap_started = False


_original_send_line = client_mock.ClientMock.sendLine


def _send_line(self, line):
    auth = getattr(self, "_banter_auth", None)
    if auth is not None:
        text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
        words = text.strip("\r\n").split()
        command = words[0].upper() if words else ""
        if command == "NICK" and len(words) > 1 and auth.auto_accounts:
            auth.controller.ensure_account(words[1].lstrip(":"))
        if not auth.decided:
            if command in ("PASS", "AUTHENTICATE", "REGISTER"):
                auth.decided = True
            elif command == "CAP" and len(words) > 1:
                sub = words[1].upper()
                if sub in ("LS", "REQ"):
                    auth.cap_started = True
                elif sub == "END":
                    _inject(self, auth)
            elif command in ("NICK", "USER") and not auth.cap_started:
                _inject(self, auth)
    return _original_send_line(self, line)


def _inject(client, auth):
    auth.decided = True
    if auth.inject_pass:
        _original_send_line(client, "PASS " + auth.controller.account_password)


_original_add_client = cases.BaseServerTestCase.addClient


def _add_client(self, *args, **kwargs):
    name = _original_add_client(self, *args, **kwargs)
    module = type(self).__module__.rsplit(".", 1)[-1]
    self.clients[name]._banter_auth = _ClientAuth(
        self.controller,
        inject_pass=self.password is None and module not in NO_AUTO_ACCOUNTS,
        auto_accounts=module not in NO_AUTO_ACCOUNTS,
    )
    return name


def pytest_configure(config):
    client_mock.ClientMock.sendLine = _send_line
    cases.BaseServerTestCase.addClient = _add_client
    _IrcTestCase.controllerClass = banter_controller.BanterController
    _IrcTestCase.controllerClass.openssl_bin = "openssl"
    _IrcTestCase.show_io = True


# Marks irctest puts on cases that test no general specification (one server's extensions,
# superseded text) or an optional behaviour Banter does not have: deselected.
DESELECTED_MARKS = {
    "Ergo": "tests of Ergo's own extensions (its +C/+T/+u modes, its limits, ...)",
    "arbitrary_client_tags": "relaying any client-only tag: Banter stores messages, and "
    "relays only the client tags it has a meaning for (+typing, +draft/react, +draft/reply)",
    "deprecated": "superseded spec text (e.g. RFC 1459's NAMES form without the "
    "channel type), contradicted by the RFC 2812/Modern case next to it",
}


def pytest_collection_modifyitems(session, config, items):
    kept, dropped = [], []
    for item in items:
        if any(item.get_closest_marker(mark) for mark in DESELECTED_MARKS):
            dropped.append(item)
        elif _listed(item.nodeid) is not None:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    config._banter_deselected = [(item.nodeid, _reason(item)) for item in dropped]


def _reason(item):
    for mark, why in DESELECTED_MARKS.items():
        if item.get_closest_marker(mark):
            return f"[{mark}] {why}"
    return _listed(item.nodeid)


def _listed(nodeid):
    """The DESELECTED reason for a case, if it has one."""
    name = nodeid.split("server_tests/", 1)[-1]
    for key, why in DESELECTED.items():
        if name == key or (key.endswith(("::", "[")) and name.startswith(key)):
            return why
    return None


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Lists what was deselected and why, so that a run's counts can be read."""
    dropped = getattr(config, "_banter_deselected", [])
    if dropped:
        terminalreporter.section(f"deselected for Banter ({len(dropped)})")
        for nodeid, why in dropped:
            terminalreporter.write_line(f"{nodeid}: {why}")
