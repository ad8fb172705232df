"""Sensitivity sweeps on a Dask scheduler over TLS (a self-signed CA made here, on 127.0.0.1),
the checks made before connecting, and the warning for clear text off this machine."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beliefs.errors import ArgumentError, BeliefsError
from beliefs.studies.sensitivity_analysis import analysis
from beliefs.studies.sensitivity_analysis.analysis import run_sensitivity
from beliefs.studies.sensitivity_analysis.remote import (
    TlsFiles,
    is_loopback,
    scheduler_security,
    split_address,
)


def _certificates(folder: Path, name: str) -> dict[str, str]:
    """A CA and a certificate for 127.0.0.1 signed by it (PEM files in ``folder``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    pem = serialization.Encoding.PEM
    files = {
        "ca": (folder / f"{name}-ca.pem", ca.public_bytes(pem)),
        "cert": (folder / f"{name}-cert.pem", cert.public_bytes(pem)),
        "key": (
            folder / f"{name}-key.pem",
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        ),
    }
    for path, data in files.values():
        path.write_bytes(data)
    return {k: str(path) for k, (path, _) in files.items()}


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    return {"good": _certificates(folder, "good"), "other": _certificates(folder, "other")}


@pytest.fixture(scope="module")
def tls_cluster(pki):
    """A TLS-only scheduler with one worker on 127.0.0.1 (threads: the worker shares this process)."""
    from distributed import LocalCluster, Security

    c = pki["good"]
    security = Security(
        tls_ca_file=c["ca"],
        tls_scheduler_cert=c["cert"], tls_scheduler_key=c["key"],
        tls_worker_cert=c["cert"], tls_worker_key=c["key"],
        tls_client_cert=c["cert"], tls_client_key=c["key"],
        require_encryption=True,
    )  # fmt: skip
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tls://", host="127.0.0.1",
        security=security, dashboard_address=None,
    )  # fmt: skip
    yield cluster
    cluster.close()


def _comparable(result: dict) -> str:
    result = json.loads(json.dumps(result))
    for key in ("executor", "seconds", "sweep_seconds"):
        result["meta"].pop(key)
    result["baseline"]["diagnostics"].pop("seconds")
    return json.dumps(result, sort_keys=True)


def test_a_sweep_runs_over_tls_and_gives_the_in_process_numbers(tls_cluster, pki, engine, july):
    tl, catalog = july
    tl = tl.with_signals(tl.signals[:4])
    address = tls_cluster.scheduler_address
    assert address.startswith("tls://127.0.0.1:")
    good = pki["good"]
    kwargs = {"seed": 5, "grid": 3, "sobol_n": 4}
    remote = run_sensitivity(tl, catalog, scheduler=address, tls=TlsFiles(good["ca"], good["cert"], good["key"]), **kwargs)
    assert remote["meta"]["executor"] == f"dask scheduler {address}"
    executed = sum(w.state.executed_count for w in tls_cluster.workers.values())
    assert executed > 0  # the worker behind the TLS scheduler did the work
    local = run_sensitivity(tl, catalog, **kwargs)
    assert _comparable(remote) == _comparable(local)


def test_a_client_the_ca_did_not_sign_is_refused(tls_cluster, pki, monkeypatch):
    monkeypatch.setattr(analysis, "CONNECT_TIMEOUT", "3s")
    other = pki["other"]
    with pytest.raises(BeliefsError, match=r"cannot connect.*TLS certificates"):
        analysis.DaskExecutor(scheduler=tls_cluster.scheduler_address, tls=TlsFiles(other["ca"], other["cert"], other["key"]))
    with pytest.raises(BeliefsError, match="cannot connect"):  # no TLS at all: refused as well
        analysis.DaskExecutor(scheduler=tls_cluster.scheduler_address.replace("tls://", "tcp://"))


def test_addresses_and_files_are_checked_before_connecting(pki, tmp_path):
    good = pki["good"]
    assert split_address("tls://10.1.2.3:8786") == ("tls", "10.1.2.3")
    assert split_address("127.0.0.1:8786") == ("tcp", "127.0.0.1")
    for bad in ("udp://h:1", "tls://h", "tcp://h:notaport", "tcp://:8786"):
        with pytest.raises(ArgumentError, match="--scheduler"):
            split_address(bad)
    with pytest.raises(ArgumentError, match="--tls-ca-file"):
        scheduler_security("tls://h:1")
    with pytest.raises(ArgumentError, match=r"--tls-cert.*no such file"):
        scheduler_security("tls://h:1", TlsFiles(good["ca"], str(tmp_path / "missing.pem")))
    with pytest.raises(ArgumentError, match="need a tls:// scheduler"):
        scheduler_security("tcp://127.0.0.1:1", TlsFiles(good["ca"], good["cert"]))
    security, warning = scheduler_security("tls://h:1", TlsFiles(good["ca"], good["cert"], good["key"]))
    assert security is not None and security.require_encryption and warning is None
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.5.6.7", "::1", "localhost"))
    assert not any(is_loopback(h) for h in ("10.0.0.1", "192.0.2.1", "example.org", "::"))


def test_clear_text_off_this_machine_is_warned_about_in_one_line(monkeypatch):
    from beliefs.cli.main import _load_command_modules, app

    _load_command_modules()
    monkeypatch.setattr(analysis, "CONNECT_TIMEOUT", "1s")
    runner = CliRunner()
    res = runner.invoke(app, ["sensitivity", "morocco-1905", "--scheduler", "tcp://192.0.2.1:8786"])
    assert res.exit_code == 2, res.output  # TEST-NET-1: nothing answers there
    warnings = [line for line in res.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "travel in clear" in warnings[0] and "tls://" in warnings[0]
    assert "cannot connect to a Dask scheduler" in res.stderr
    res = runner.invoke(app, ["sensitivity", "morocco-1905", "--scheduler", "tcp://127.0.0.1:9"])
    assert res.exit_code == 2 and "travel in clear" not in res.stderr  # loopback: no warning
    res = runner.invoke(app, ["sensitivity", "morocco-1905", "--scheduler", "tls://127.0.0.1:9"])
    assert res.exit_code == 2 and "--tls-ca-file" in res.stderr
    res = runner.invoke(app, ["sensitivity", "morocco-1905", "--tls-cert", "x.pem"])
    assert res.exit_code == 2 and "go with --scheduler tls://" in res.stderr


# -- peers that are not Dask schedulers: bounded in time and bytes ---------------------------


class _Peer:
    """A tiny server on 127.0.0.1: ``http`` answers any request like a web server, ``silent``
    accepts and never replies, ``garbage`` sends a small message that is not a Dask handshake."""

    def __init__(self, kind: str):
        import socket
        import threading

        self.kind = kind
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.address = f"tcp://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        import struct

        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            if self.kind == "http":
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            elif self.kind == "garbage":
                conn.sendall(struct.pack("<Q", 5) + b"hello")

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.mark.parametrize(
    ("kind", "why"),
    [
        ("http", r"it does not speak the Dask protocol: its first message would be [\d,]+ bytes"),
        ("silent", r"no Dask handshake within 2 s"),
        ("garbage", r"it does not speak the Dask protocol: its first message is not a Dask handshake"),
    ],
)
def test_a_peer_that_is_not_a_scheduler_is_refused_in_bounded_time(monkeypatch, kind, why):
    """An HTTP server made the client allocate 3 EiB (MemoryError); a silent one hung it forever."""
    import time

    monkeypatch.setattr(analysis, "CONNECT_TIMEOUT", "2s")
    peer = _Peer(kind)
    try:
        start = time.monotonic()
        with pytest.raises(BeliefsError, match=f"--scheduler {peer.address}: cannot connect to a Dask scheduler \\({why}\\)"):
            analysis.DaskExecutor(scheduler=peer.address)
        assert time.monotonic() - start < 10
    finally:
        peer.close()


def test_a_directory_given_as_a_tls_file_is_named_as_one(tmp_path, pki):
    good = pki["good"]
    with pytest.raises(ArgumentError, match=r"--tls-ca-file: .* is a directory; give the PEM file"):
        scheduler_security("tls://h:1", TlsFiles(str(tmp_path), good["cert"]))
