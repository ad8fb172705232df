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
this machine.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from beliefs.errors import ArgumentError

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
