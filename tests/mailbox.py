"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the tests."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """Receives mail over SMTP; tests wait for a message instead of sleeping."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.changed = threading.Condition()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.changed:
            self.messages.append(message)
            self.changed.notify_all()
        return "250 Message accepted"

    def wait_for(self, match: Callable[[EmailMessage], bool], timeout: float = 15) -> EmailMessage:
        """The first message (oldest first) for which match() is true, waiting if needed."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = next((m for m in self.messages if match(m)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    subjects = [(m["To"], m["Subject"]) for m in self.messages]
                    raise AssertionError(f"no matching mail within {timeout} s; got {subjects}")
                self.changed.wait(left)

    def last_to(self, address: str, subject_part: str, after: int = 0) -> EmailMessage:
        """Wait for the first mail to `address` whose subject contains `subject_part`,
        among those received after the first `after` messages."""

        def match(m: EmailMessage) -> bool:
            index = self.messages.index(m)
            return (
                index >= after
                and address.casefold() in m["To"].casefold()
                and subject_part in m["Subject"]
            )

        return self.wait_for(match)

    def count(self) -> int:
        with self.changed:
            return len(self.messages)

    def start(self) -> Mailbox:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def link_in(message: EmailMessage) -> str:
    """The first web address in a mail's text."""
    body = message.get_content()
    found = re.search(r"https?://\S+", body)
    assert found, f"no link in: {body}"
    return found.group(0)
