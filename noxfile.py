"""Sessions: `report` builds the reports named in params/, `tests` runs pytest, `lint` runs ruff,
`lab` opens the notebooks in JupyterLab with the project's kernel."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["report", "tests", "lint"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def report(session: nox.Session) -> None:
    """Build every run in params/ in parallel, or one: `nox -s report -- <agency> [<year> ...]`."""
    session.install(".")
    if session.posargs:
        agency, *years = session.posargs
        params = [Path("params") / agency / f"{y}.yaml" for y in years] or sorted(
            (Path("params") / agency).glob("*.yaml"))
    else:
        params = sorted(Path("params").glob("*/*.yaml"))
    if not params:
        session.error("params/ 中没有找到参数文件")
    session.run("ogi-report", "build", "--params", *map(str, params))


@nox.session
def tests(session: nox.Session) -> None:
    """Unit, notebook and backtest tests (pytest)."""
    session.install(".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on the package, the tests and this file."""
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "scripts", "bench", "noxfile.py")


@nox.session(default=False)
def lab(session: nox.Session) -> None:
    """JupyterLab on notebooks/ with the package installed in its kernel."""
    session.install("-e", ".[lab]")
    session.run("jupyter", "lab", "notebooks", *session.posargs)
