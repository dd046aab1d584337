"""Build one report (agency, year): validate, execute the notebook with papermill, export HTML and PDF,
then publish the folder atomically; and build many of them in parallel, skipping unchanged ones.

A build writes into a temporary sibling folder and swaps it into `outputs/<agency>/<year>/` only when
everything succeeded, so a failed or interrupted build leaves the previous report as it was. Whether a
report is up to date is judged by a content hash of everything it depends on, never by timestamps.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .problems import InputError, Problem
from .summary import RunSummary, find_summary

PACKAGE_DIR = Path(__file__).parent
DEFAULT_NOTEBOOK = Path("notebooks/annual_report.ipynb")
STAMP = ".inputs.sha256"


class BuildError(Exception):
    """A build that could not finish; the message is for the user, in Chinese."""


class NotebookError(BuildError):
    """A cell of the notebook raised `ename`."""

    def __init__(self, message: str, ename: str):
        super().__init__(message)
        self.ename = ename


@dataclass(frozen=True)
class BuildResult:
    agency: str
    year: int
    output: Path
    skipped: bool = False
    warnings: tuple[Problem, ...] = ()
    missing_ledgers: tuple[str, ...] = ()  # counted as zero, said in the log (spec/ledgers.md)


def data_inputs(data_dir: Path, year: int) -> list[Path]:
    """The files a report of `year` is computed from: agency.yaml, the ledgers, the year folder.

    Every .csv and .xlsx beside agency.yaml counts as a ledger (a stray one only costs a rebuild); this
    keeps the no-change check free of the pandas import that the ledger definitions need. The suffix is
    matched as the ledgers are found: ignoring case and spaces (`Requests.CSV`, `fees. csv`).
    """
    ledgers = [p for p in (data_dir.iterdir() if data_dir.is_dir() else ())
               if "".join(p.suffix.split()).lower() in (".csv", ".xlsx")]
    files = [data_dir / "agency.yaml", *ledgers]
    year_dir = data_dir / str(year)
    if year_dir.is_dir():
        files += [p for p in year_dir.rglob("*") if p.is_file()]
    return sorted(p for p in files if p.is_file())


def hash_files(paths: Iterable[Path], root: Path) -> str:
    """SHA-256 over each file's path (relative to `root`, so machine-independent) and content."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def inputs_hash(data_dir: Path, year: int) -> str:
    """The hash printed in the report's metadata: which ledgers and prose it came from."""
    return hash_files(data_inputs(data_dir, year), data_dir)


@cache
def code_hash() -> str:
    """The package's code and templates, hashed once per process."""
    patterns = ("*.py", "*.yaml", "*.j2", "*.json", "*.css")
    return hash_files((p for pattern in patterns for p in PACKAGE_DIR.rglob(pattern)), PACKAGE_DIR)


def build_hash(data_dir: Path, year: int, notebook: Path) -> str:
    """Everything a build depends on: its data, the notebook, the package and its templates."""
    digest = hashlib.sha256(inputs_hash(data_dir, year).encode())
    digest.update(notebook.read_bytes())
    digest.update(code_hash().encode())
    return digest.hexdigest()


def _destination(data_dir: Path, year: int, out_root: str | Path) -> Path:
    return Path(out_root).resolve() / data_dir.name / str(year)


def up_to_date(data_dir: Path, year: int, out_root: str | Path, notebook: Path) -> bool:
    """Whether outputs/<agency>/<year>/ was built from exactly these inputs, code and notebook."""
    stamp = _destination(data_dir, year, out_root) / STAMP
    return data_dir.is_dir() and stamp.is_file() and stamp.read_text().strip() == build_hash(data_dir, year, notebook)


def preflight() -> None:
    """Fail early, with the exact fix, when the machine lacks what the PDF or the charts need."""
    from . import system

    try:
        system.check()
    except system.MissingSystemPackage as exc:
        raise BuildError(str(exc)) from exc


def _kernel_manager_class():
    """A kernel manager that starts this very interpreter, so the notebook sees the installed package.

    IPC sockets instead of TCP ports: parallel builds cannot clash on a port, and ipykernel does not
    warn about unencrypted TCP.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ThisPythonKernelManager(AsyncKernelManager):
        transport = "ipc"

        async def start_kernel(self, **kw):
            # The kernel's own log (shutdown chatter under load) is not the user's business; cell errors
            # still arrive through the messaging protocol.
            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
            return await super().start_kernel(**kw)

        @property
        def kernel_spec(self) -> KernelSpec:
            return KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name="ogi-report", language="python",
                env={"PYDEVD_DISABLE_FILE_VALIDATION": "1"},
            )

    return ThisPythonKernelManager


def start_kernel(workdir: Path):
    """Launch the kernel now (it takes a second to boot) and return its manager; see `execute`."""
    from jupyter_core.paths import jupyter_runtime_dir
    from jupyter_core.utils import run_sync

    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    # IPC socket files live in Jupyter's runtime folder; relative ones would land in the outputs.
    ip = str(runtime / f"ogi-report-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    km = _kernel_manager_class()(kernel_name="python3", ip=ip)
    run_sync(km.start_kernel)(cwd=str(workdir))
    return km


def kill_kernel(km) -> None:
    """Signal the kernel to exit now, without waiting: `stop_kernel` at the end then finds it gone
    instead of polling for it (a tenth of a second). Both run on this thread's event loop, the one the
    kernel's sockets belong to."""
    import signal

    from jupyter_core.utils import run_sync

    if km.has_kernel:
        run_sync(km.signal_kernel)(signal.SIGKILL)


def stop_kernel(km) -> None:
    from jupyter_core.utils import run_sync

    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)


def execute(notebook: Path, workdir: Path, parameters: dict, km=None):
    """Run the notebook with papermill in `workdir`, on the kernel of `km` if one was started already;
    a failing cell becomes a BuildError in Chinese."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        return papermill.execute_notebook(
            str(notebook), None, parameters=parameters, cwd=str(workdir), progress_bar=False,
            kernel_name="python3", kernel_manager_class=_kernel_manager_class(), km=km, log_output=False,
        )
    except PapermillExecutionError as exc:
        raise NotebookError(
            f"笔记本 {notebook.name} 第 {exc.exec_count} 个代码单元格执行出错：{exc.ename}: {exc.evalue}", exc.ename
        ) from exc
    except RuntimeError as exc:  # the kernel died or never answered
        raise BuildError(f"笔记本内核运行失败：{exc}") from exc


def _clean(nb) -> None:
    """Drop what varies from run to run (timings, papermill's absolute paths) from the executed notebook."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)


def _publish(tmp: Path, dest: Path) -> None:
    """Swap the finished folder into place; the old one is removed only after the new one is there."""
    old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
    if dest.exists():
        dest.rename(old)
    try:
        tmp.rename(dest)
    except OSError:
        if old.exists():
            old.rename(dest)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _prepare():
    """Check the machine, make the exporters, compile their templates and print a sample page, while
    the kernel runs: what every first export pays once (templates, CSS selectors, WeasyPrint's loading of
    the four CJK faces) is then done before the report's own export starts. Measured with bench/run.py.
    """
    import nbformat

    from .export import ReportHTMLExporter, ReportPDFExporter

    preflight()
    html, pdf = ReportHTMLExporter(), ReportPDFExporter()
    empty = nbformat.v4.new_notebook()
    html.from_notebook_node(empty)
    sample = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": WARM_UP})])])
    pdf.from_notebook_node(sample)
    return html, pdf


# Text in each face the report uses: serif and sans, regular and bold.
WARM_UP = ('<h2>年度报告</h2><p>政府信息公开<b>年度</b></p><table class="ogi-table"><tr><th class="head">年度</th>'
           '<td class="number">1</td></tr></table>')


def _remove_abandoned(folder: Path, year: int) -> None:
    """Delete temporary folders left by killed builds (their process is gone), not by running ones."""
    for tmp in folder.glob(f".{year}.building-*-*"):
        pid = int(tmp.name.split("-")[1]) if tmp.name.split("-")[1].isdigit() else 0
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, ValueError):
            shutil.rmtree(tmp, ignore_errors=True)
        except PermissionError:
            pass  # alive, someone else's


def build(
    data_dir: str | Path,
    year: int,
    out_root: str | Path = "outputs",
    notebook: str | Path = DEFAULT_NOTEBOOK,
    force: bool = False,
    against_previous: bool = True,
) -> BuildResult:
    """Build outputs/<agency>/<year>/ (report.ipynb, report.html, report.pdf, figures.csv).

    With `against_previous`, this year's carry-over must match last year's figures.csv in the outputs
    (I5); a batch that rebuilds last year too turns it off, the old file being about to be replaced.
    """
    data_dir, notebook = Path(data_dir).resolve(), Path(notebook).resolve()
    if not notebook.is_file():
        raise BuildError(f"找不到笔记本 {notebook}；请在项目根目录运行，或用 --notebook 指定")
    slug, dest = data_dir.name, _destination(data_dir, year, out_root)
    if not force and up_to_date(data_dir, year, out_root, notebook):
        return BuildResult(slug, year, dest, skipped=True)
    stamp = build_hash(data_dir, year, notebook)
    created = not dest.parent.exists()
    dest.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(dest.parent, year)
    tmp = Path(tempfile.mkdtemp(prefix=f".{year}.building-{os.getpid()}-", dir=dest.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the published folder is meant to be read
    # The kernel validates the input and computes the figures; this process never loads a ledger on
    # the way to a good report.
    km = start_kernel(tmp)
    side = ThreadPoolExecutor(max_workers=1)
    try:
        # The machine check and the exporters' imports run beside the kernel, which does the real work.
        prepared = side.submit(_prepare)
        # Relative to the output folder, so that no machine path lands in the outputs.
        parameters = {"data_dir": os.path.relpath(data_dir, dest), "year": year, "output_dir": "."}
        try:
            nb = execute(notebook, tmp, parameters, km)
        except NotebookError as exc:
            prepared.result()  # a missing font or library is the error to report first
            if exc.ename == "InputError":
                _load_here(data_dir, year)  # raises it again, with each problem's file, row and column
            raise
        finally:
            kill_kernel(km)
        html_exporter, pdf_exporter = prepared.result()
        if not (tmp / "figures.csv").is_file():
            raise BuildError("笔记本没有写出 figures.csv（最后一个单元格应调用 report.save_figures）")
        summary = find_summary(nb) or _load_here(data_dir, year).summary()
        if against_previous:
            _check_against_published(summary, tmp / "figures.csv", dest.parent / str(year - 1) / "figures.csv")
        import nbformat

        _clean(nb)
        nb.metadata["ogi_report"] = {"title": summary.title, "inputs_sha256": inputs_hash(data_dir, year)}
        nbformat.write(nb, tmp / "report.ipynb")
        html, _ = html_exporter.from_notebook_node(nb)
        (tmp / "report.html").write_text(html, encoding="utf-8")
        pdf, _ = pdf_exporter.from_notebook_node(nb)
        (tmp / "report.pdf").write_bytes(pdf)
        (tmp / STAMP).write_text(stamp + "\n")
        _publish(tmp, dest)
    finally:
        side.shutdown()
        stop_kernel(km)
        shutil.rmtree(tmp, ignore_errors=True)
        if created and not any(dest.parent.iterdir()):
            dest.parent.rmdir()
    return BuildResult(slug, year, dest, warnings=summary.warnings, missing_ledgers=summary.missing_ledgers)


def _load_here(data_dir: Path, year: int):
    """Load and check the input in this process: for the errors' details, or when the notebook's
    problem-list cell (which carries the run's summary) was removed."""
    from .report import load_report

    return load_report(data_dir, year)


def _check_against_published(summary: RunSummary, figures_csv: Path, previous_csv: Path) -> None:
    """I5 against last year's figures.csv in the outputs, from the figures this run published."""
    from .formats import get_format
    from .published import carried_in, i5_published

    fmt = get_format(summary.format_id)
    drift = i5_published(fmt, carried_in(fmt, figures_csv), previous_csv)
    if drift:
        raise InputError(drift)


@dataclass(frozen=True)
class Run:
    """One (agency folder, year) to build."""

    data_dir: Path
    year: int

    @property
    def label(self) -> str:
        return f"{self.data_dir.name} {self.year}"


def runs_from_params(paths: Iterable[Path]) -> list[Run]:
    """Read params/<agency>/<year>.yaml files (data_dir relative to the project root, year)."""
    runs = []
    for path in sorted(paths):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "data_dir" not in data or "year" not in data:
            raise InputError([Problem("参数文件应包含 data_dir 和 year", str(path))])
        runs.append(Run(Path(data["data_dir"]), int(data["year"])))
    return runs


def _build_one(run: Run, out_root: str, notebook: str, force: bool, against_previous: bool) -> BuildResult:
    return build(run.data_dir, run.year, out_root, notebook, force, against_previous)


def build_many(
    runs: list[Run], out_root: str | Path = "outputs", notebook: str | Path = DEFAULT_NOTEBOOK,
    force: bool = False, jobs: int | None = None,
) -> Iterator[tuple[Run, BuildResult | Exception]]:
    """Build every run, in parallel across `jobs` processes; yield each as it finishes.

    A failing report does not stop the others: its exception is yielded in place of a result.
    """
    notebook = Path(notebook).resolve()
    stale = []
    for run in runs:  # judged here, so that an all-unchanged batch starts no worker process at all
        if not force and up_to_date(run.data_dir.resolve(), run.year, out_root, notebook):
            yield run, BuildResult(run.data_dir.name, run.year, _destination(run.data_dir, run.year, out_root),
                                   skipped=True)
        else:
            stale.append(run)
    runs = stale
    if not runs:
        return
    rebuilt = {(run.data_dir.resolve(), run.year) for run in runs}

    def against_previous(run: Run) -> bool:
        return (run.data_dir.resolve(), run.year - 1) not in rebuilt

    jobs = max(1, min(jobs or os.cpu_count() or 1, len(runs)))
    if jobs == 1:
        for run in runs:
            try:
                yield run, build(run.data_dir, run.year, out_root, notebook, force, against_previous(run))
            except Exception as exc:  # reported per report by the caller
                yield run, exc
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(_build_one, run, str(out_root), str(notebook), force, against_previous(run)): run
            for run in runs
        }
        for future in as_completed(futures):
            try:
                yield futures[future], future.result()
            except Exception as exc:
                yield futures[future], exc
