"""Running a sweep on an existing Dask cluster: the scheduler address, TLS, and clear-text warnings.

A sweep sends the whole scenario (timeline, catalog, payoffs) and gets the
results back. On ``tcp://`` both travel in clear and anyone who can reach the
scheduler can use it; on ``tls://`` the connection is encrypted and both
sides authenticate with certificates (distributed's ``Security``: a CA file,
and this client's certificate and key; a PEM file holding both certificate
and key may be given as ``--tls-cert`` alone).

:func:`scheduler_security` checks the address and the files before anything
connects (exit 2 naming the option), and returns the ``Security`` for a TLS
scheduler and the one-line warning for a clear-text scheduler that is not on
this machine. :func:`check_scheduler` then makes sure, within a bounded time
and a bounded number of bytes (:mod:`beliefs.limits`), that the peer speaks
the Dask protocol before distributed's client reads from it: distributed
bounds only the TCP connect, so a peer that accepts and never answers hung
the client forever, and an HTTP server's reply read as a message length made
it allocate 3 EiB.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from beliefs.errors import ArgumentError, BeliefsError
from beliefs.limits import SCHEDULER_FRAME_BYTES, SCHEDULER_SECONDS

SCHEMES = ("tcp", "tls")
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


@dataclass(frozen=True)
class TlsFiles:
    """``--tls-ca-file``, ``--tls-cert`` and ``--tls-key`` (paths, or None)."""

    ca_file: str | None = None
    cert: str | None = None
    key: str | None = None

    def given(self) -> bool:
        return any((self.ca_file, self.cert, self.key))


def split_address(address: str) -> tuple[str, str]:
    """``(scheme, host)`` of a scheduler address; exit 2 for anything but ``tcp://`` or ``tls://`` host:port."""
    text = address.strip()
    scheme = text.split("://", 1)[0].lower() if "://" in text else "tcp"
    if scheme not in SCHEMES:
        raise ArgumentError(
            "--scheduler", f"{address!r}: use tcp://HOST:PORT or tls://HOST:PORT (got the scheme {scheme!r})"
        )
    try:
        parts = urlsplit(text if "://" in text else f"tcp://{text}")
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ArgumentError("--scheduler", f"{address!r}: not a HOST:PORT address ({exc})") from None
    if not host or port is None:
        raise ArgumentError("--scheduler", f"{address!r}: give HOST:PORT, e.g. tls://scheduler.example:8786")
    return scheme, host


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _readable(option: str, value: str) -> str:
    path = Path(value).expanduser()
    if path.is_dir():
        raise ArgumentError(option, f"{value!r} is a directory; give the PEM file")
    if not path.is_file():
        raise ArgumentError(option, f"{value!r}: no such file")
    try:
        path.read_bytes()
    except OSError as exc:
        raise ArgumentError(option, f"{value!r}: cannot read it ({exc.strerror})") from None
    return str(path)


def scheduler_security(address: str, tls: TlsFiles | None = None) -> tuple[Any | None, str | None]:
    """The ``distributed.Security`` for ``address`` (None for tcp) and a warning to print (or None)."""
    tls = tls or TlsFiles()
    scheme, host = split_address(address)
    if scheme == "tcp":
        if tls.given():
            raise ArgumentError("--tls-*", f"the TLS files need a tls:// scheduler (got {address!r})")
        if is_loopback(host):
            return None, None
        return None, (
            f"warning: --scheduler {address} is not on this machine and uses tcp://: the scenario and the "
            "results travel in clear; use tls:// with --tls-ca-file, --tls-cert and --tls-key"
        )
    if not tls.ca_file or not tls.cert:
        raise ArgumentError(
            "--scheduler",
            f"{address!r} is a TLS scheduler: give --tls-ca-file (the CA that signed the scheduler's "
            "certificate) and --tls-cert (this client's certificate; --tls-key if the key is a separate file)",
        )
    from distributed import Security

    return (
        Security(
            tls_ca_file=_readable("--tls-ca-file", tls.ca_file),
            tls_client_cert=_readable("--tls-cert", tls.cert),
            tls_client_key=_readable("--tls-key", tls.key) if tls.key else None,
            require_encryption=True,
        ),
        None,
    )


def check_scheduler(address: str, security: Any | None = None, seconds: float = SCHEDULER_SECONDS) -> None:
    """Refuse ``address`` unless it sends a Dask handshake within ``seconds`` (exit 2, never a hang).

    A Dask scheduler writes its handshake (a msgpack map with ``python`` and
    ``pickle-protocol``, framed by 8-byte lengths) as soon as a connection is
    accepted. This sends this client's handshake (as distributed does, so that
    a server waiting for a request, such as HTTP, answers) and reads the
    peer's on a plain (or TLS) socket with one deadline for connect, TLS, the
    write and the reads, refusing a first length over SCHEDULER_FRAME_BYTES,
    and closes the socket.
    """
    import socket
    import ssl
    import struct
    import time

    _, host = split_address(address)
    port = urlsplit(address.strip() if "://" in address else f"tcp://{address.strip()}").port
    deadline = time.monotonic() + seconds
    tls = " (check the TLS certificates and the CA)" if security is not None else ""

    def fail(why: str) -> BeliefsError:
        return BeliefsError(f"--scheduler {address}: cannot connect to a Dask scheduler ({why}){tls}")

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        return remaining

    def read(sock: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            sock.settimeout(left())
            chunk = sock.recv(min(n - len(data), 1 << 20))
            if not chunk:
                raise fail("the peer closed the connection before a Dask handshake")
            data += chunk
        return data

    try:
        sock = socket.create_connection((host, port), timeout=left())
        try:
            if security is not None:
                context = security.get_connection_args("client")["ssl_context"]
                sock.settimeout(left())
                sock = context.wrap_socket(sock, server_hostname=host)
            sock.settimeout(left())
            # as distributed's client does: a peer that waits for a request (HTTP) then answers
            sock.sendall(_handshake())
            (length,) = struct.unpack("<Q", read(sock, 8))
            if length > SCHEDULER_FRAME_BYTES:
                why = f"its first message would be {length:,} bytes"
                raise fail(f"it does not speak the Dask protocol: {why}")
            if not _is_handshake(read(sock, length)):
                raise fail("it does not speak the Dask protocol: its first message is not a Dask handshake")
        finally:
            sock.close()
    except TimeoutError:
        raise fail(f"no Dask handshake within {seconds:g} s") from None
    except ssl.SSLError as exc:
        raise fail(f"TLS: {exc.reason or exc}") from None
    except OSError as exc:
        raise fail(exc.strerror or str(exc)) from None


def _handshake() -> bytes:
    """This client's Dask handshake, framed as distributed frames it (8-byte length, prelude, frames)."""
    import pickle
    import struct
    import sys

    from distributed.protocol.core import dumps
    from distributed.protocol.utils import pack_frames

    version = tuple(sys.version_info)[:3]
    info = {"compression": None, "python": version, "pickle-protocol": pickle.HIGHEST_PROTOCOL}
    packed = pack_frames(dumps(info))
    return struct.pack("<Q", len(packed)) + packed


def _is_handshake(data: bytes) -> bool:
    """Whether ``data`` (one framed Dask message) is a scheduler's handshake."""
    import msgpack
    from distributed.protocol.utils import unpack_frames

    try:
        frames, _ = unpack_frames(data, partial=True)
        info = msgpack.loads(frames[0], raw=False) if frames else None
    except Exception:  # garbage of any shape is "not a handshake"
        return False
    return isinstance(info, dict) and "python" in info and "pickle-protocol" in info
