"""Scanning a file with ClamAV's daemon (clamd), over a Unix socket or TCP.

The file is sent over the connection (clamd's INSTREAM command), so clamd needs no access
to the portal's files and may run on another machine. Every failure to get an answer
(not configured, nothing listening, timeout, clamd's own error) is ``Unavailable``, never
an exception and never ``Clean``: the caller decides what an unscanned file becomes
(SECURITY.md: quarantined while the scanner is unreachable).

    verdict = antivirus.scan(path_or_stream)           # settings from current_app.config
    match verdict:
        case antivirus.Clean(): ...
        case antivirus.Infected(name): ...              # e.g. "Win.Test.EICAR_HDB-1"
        case antivirus.Unavailable(reason): ...
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from clamav_client import clamd

CHUNK = 64 * 1024  # bytes per INSTREAM chunk (clamd's StreamMaxLength caps the total)


@dataclass(frozen=True)
class Clean:
    """clamd read the whole file and found nothing."""


@dataclass(frozen=True)
class Infected:
    name: str  # the signature clamd matched


@dataclass(frozen=True)
class Unavailable:
    reason: str  # for the log and the operator, in English; never shown to candidates


Verdict = Clean | Infected | Unavailable


@dataclass(frozen=True)
class Scanner:
    """Where clamd listens: a Unix socket path, or a host and port; neither: scanning off."""

    socket: str = ""
    host: str = ""
    port: int = 3310
    timeout: float = 30.0  # seconds for connecting and for each exchange with clamd

    @classmethod
    def from_config(cls, config: Mapping) -> Scanner:
        return cls(
            socket=str(config.get("CLAMD_SOCKET") or ""),
            host=str(config.get("CLAMD_HOST") or ""),
            port=int(config.get("CLAMD_PORT") or 3310),
            timeout=float(config.get("CLAMD_TIMEOUT") or 30),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.socket or self.host)

    def scan(self, source: str | os.PathLike | BinaryIO) -> Verdict:
        """The verdict on a file given by path, or on a binary stream read from its
        current position to its end (then put back where it was)."""
        if not self.enabled:
            return Unavailable("scanning is not configured (PORTAIL_CLAMD_SOCKET/HOST)")
        if isinstance(source, str | os.PathLike):
            try:
                with Path(source).open("rb") as stream:
                    return self._scan_stream(stream)
            except OSError as error:
                return Unavailable(f"cannot read {source}: {error}")
        start = source.tell()
        try:
            return self._scan_stream(source)
        finally:
            source.seek(start)

    def ping(self) -> bool:
        try:
            return self._client().ping() == "PONG"
        except (clamd.ClamdError, OSError):
            return False

    def _scan_stream(self, stream: BinaryIO) -> Verdict:
        try:
            results = self._client().instream(_Chunked(stream))
        except clamd.BufferTooLongError:
            return Unavailable("file over clamd's StreamMaxLength")
        except (clamd.ClamdError, OSError) as error:  # socket.timeout is an OSError
            return Unavailable(f"clamd did not answer: {error or type(error).__name__}")
        status, detail = results.get("stream", ("ERROR", "no answer"))
        if status == "OK":
            return Clean()
        if status == "FOUND":
            return Infected(detail or "unknown")
        return Unavailable(f"clamd error: {detail}")

    def _client(self) -> clamd.ClamdNetworkSocket:
        if self.socket:
            return _UnixClient(self.socket, self.timeout)
        return clamd.ClamdNetworkSocket(self.host, self.port, timeout=self.timeout)


class _UnixClient(clamd.ClamdUnixSocket):
    """The library's Unix client connects before setting its timeout: a clamd whose
    queue is full would block the worker for good."""

    def _init_socket(self) -> None:
        try:
            self.clamd_socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.clamd_socket.settimeout(self.timeout)
            self.clamd_socket.connect(self.unix_socket)
        except OSError as error:
            raise clamd.CommunicationError(self._error_message(error)) from error


class _Chunked:
    """The stream read by CHUNK whatever size the client asks for (it asks 1 KiB)."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream

    def read(self, _size: int = -1) -> bytes:
        return self.stream.read(CHUNK)


def scan(source: str | os.PathLike | BinaryIO, config: Mapping | None = None) -> Verdict:
    """Scan with the worker's settings (``current_app.config`` unless `config` is given)."""
    return Scanner.from_config(_config(config)).scan(source)


def enabled(config: Mapping | None = None) -> bool:
    """Whether a scanner is configured: when not, uploads are accepted unscanned."""
    return Scanner.from_config(_config(config)).enabled


def _config(config: Mapping | None) -> Mapping:
    if config is not None:
        return config
    from flask import current_app

    return current_app.config
