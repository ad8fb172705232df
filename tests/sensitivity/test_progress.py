"""`sensitivity` shows its progress on a terminal (rich, on stderr) and nothing on a pipe."""

from __future__ import annotations

from beliefs.studies.sensitivity_analysis.analysis import progress_bar


def _run(n: int) -> None:
    with progress_bar(n, enabled=True) as advance:
        for _ in range(n):
            advance()


def test_nothing_reaches_a_pipe(capfd, monkeypatch):
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(var, raising=False)
    _run(3)
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # the old bar left a newline on a piped stderr


def test_a_terminal_sees_the_bar(capfd, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats the stream as a terminal
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    _run(3)
    out, err = capfd.readouterr()
    assert out == "" and "sensitivity" in err and "3/3" in err
