"""Build one report (agency, year): validate, execute the notebook with papermill, export HTML and PDF,
then publish the folder atomically; and build many of them in parallel, skipping unchanged ones.

A build writes into a temporary sibling folder and swaps it into `outputs/<agency>/<year>/` only when
everything succeeded, so a failed or interrupted build leaves the previous report as it was. Whether a
report is up to date is judged by a content hash of everything it depends on, never by timestamps.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import multiprocessing
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .editions import Edition, EditionContext
from .editions import chosen as chosen_editions
from .problems import InputError, Problem, year_problem
from .summary import RunSummary, find_summary

PACKAGE_DIR = Path(__file__).parent
# The report notebook ships inside the package, so that `ogi-report build` works from any folder after
# `pip install`; the project's notebooks/annual_report.ipynb is a link to this very file.
DEFAULT_NOTEBOOK = PACKAGE_DIR / "notebooks" / "annual_report.ipynb"
STAMP = ".inputs.sha256"


class BuildError(Exception):
    """A build that could not finish; the message is for the user, in Chinese."""


class NotebookError(BuildError):
    """A cell of the notebook raised `ename`."""

    def __init__(self, message: str, ename: str):
        super().__init__(message)
        self.ename = ename

    def __reduce__(self):
        # Rebuilt from both arguments when it crosses back from a worker process.
        return type(self), (str(self), self.ename)


@dataclass(frozen=True)
class BuildResult:
    agency: str
    year: int
    output: Path
    skipped: bool = False
    warnings: tuple[Problem, ...] = ()
    missing_ledgers: tuple[str, ...] = ()  # counted as zero, said in the log (spec/ledgers.md)
    empty_ledgers: tuple[str, ...] = ()  # files without a record yet, said in the log too


def data_inputs(data_dir: Path, year: int) -> list[Path]:
    """The files a report of `year` is computed from: agency.yaml, the ledgers, the year folder.

    Every .csv and .xlsx beside agency.yaml counts as a ledger (a stray one only costs a rebuild); this
    keeps the no-change check free of the pandas import that the ledger definitions need. The suffix is
    matched as the ledgers are found: ignoring case and spaces (`Requests.CSV`, `fees. csv`).
    """
    if (data_dir / "region.yaml").is_file():  # a region: its members' inputs too (region.py)
        from .region import region_inputs

        return region_inputs(data_dir, year)
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
        # relpath, not relative_to: a region's members are beside it (../某某街道), not under it
        digest.update(Path(os.path.relpath(path, root)).as_posix().encode("utf-8") + b"\0")
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
    # Resolved first: the name of `.` is empty.
    return Path(out_root).resolve() / Path(data_dir).resolve().name / str(year)


def stamp_hash(data_dir: Path, year: int, notebook: Path, editions: Sequence[str] | None) -> str:
    """The build hash and the editions asked for: `--editions` by name, or report.yaml's 版本 (which the
    build hash covers). A different choice of editions is a different build."""
    chosen = "report.yaml" if editions is None else ",".join(sorted(set(editions)))
    return hashlib.sha256(f"{build_hash(data_dir, year, notebook)} {chosen}".encode()).hexdigest()


def up_to_date(data_dir: Path, year: int, out_root: str | Path, notebook: Path,
               editions: Sequence[str] | None = None) -> bool:
    """Whether outputs/<agency>/<year>/ was built from exactly these inputs, code, notebook and choice of
    editions, and its files are still the ones that build wrote (a preview or a hand edit there is
    noticed)."""
    dest = _destination(data_dir, year, out_root)
    stamp = dest / STAMP
    if not (data_dir.is_dir() and stamp.is_file()):
        return False
    first, *files = stamp.read_text().splitlines()
    return first.strip() == stamp_hash(data_dir, year, notebook, editions) and files == _file_hashes(dest)


def _file_hashes(folder: Path) -> list[str]:
    """`<sha256>  <name>` of every file a build published in `folder` (the stamp itself aside)."""
    return [_stamp_line(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != STAMP]


def _stamp_line(path: Path) -> str:
    return f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}"


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


# A report's cells take seconds; one that runs this long is stuck (an analyst's endless loop, a huge ledger
# on a slow disk), and a batch must not wait for it forever.
CELL_TIMEOUT = 600


def execute(notebook: Path, workdir: Path, parameters: dict, km=None):
    """Run the notebook with papermill in `workdir`, on the kernel of `km` if one was started already;
    a failing or stuck cell becomes a BuildError in Chinese."""
    import papermill
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    try:
        return papermill.execute_notebook(
            str(notebook), None, parameters=parameters, cwd=str(workdir), progress_bar=False,
            kernel_name="python3", kernel_manager_class=_kernel_manager_class(), km=km, log_output=False,
            execution_timeout=CELL_TIMEOUT,
        )
    except CellTimeoutError as exc:
        raise BuildError(
            f"笔记本 {notebook.name} 的一个代码单元格运行超过 {CELL_TIMEOUT} 秒仍未结束，已停止生成；"
            "请检查笔记本中自己添加的单元格或台账是否异常庞大") from exc
    except PapermillExecutionError as exc:
        raise NotebookError(
            f"笔记本 {notebook.name} 第 {exc.exec_count} 个代码单元格执行出错：{exc.ename}: {exc.evalue}", exc.ename
        ) from exc
    except RuntimeError as exc:  # the kernel died or never answered
        raise BuildError(f"笔记本内核运行失败：{exc}") from exc


def _clean(nb, parameters: dict) -> None:
    """Drop what varies from run to run (timings, papermill's absolute paths, random cell ids) from the
    executed notebook, and show `parameters` in the injected cell instead of the ones the run used (whose
    relative path to the data folder can name a person's home folder)."""
    from papermill.translators import translate_parameters

    nb.metadata.pop("papermill", None)
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell.id = f"cell-{index}"  # papermill gives the injected cell a random one
        if "injected-parameters" in cell.metadata.get("tags", ()):
            cell.source = translate_parameters("python3", "python", parameters, "参数（data_dir 只保留机构文件夹名）")


def _output_error(exc: OSError, folder: Path) -> BuildError:
    """An output folder that cannot be written, said in Chinese with its path."""
    path = exc.filename or folder
    if isinstance(exc, PermissionError):
        why = "没有写入权限；请换一个输出文件夹（--out）或修改权限"
    elif exc.errno in (errno.EEXIST, errno.ENOTDIR):
        why = "该路径或其上级是一个文件，而不是文件夹；请换一个输出文件夹（--out）或移走该文件"
    elif exc.errno == errno.EROFS:
        why = "所在磁盘是只读的；请换一个输出文件夹（--out）"
    elif exc.errno == errno.ENOSPC:
        why = "磁盘空间已满"
    else:
        why = f"系统错误 {exc.errno}（{exc.strerror}）"
    return BuildError(f"无法写入输出文件夹 {path}：{why}")


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


def _prepare(wanted: list[Edition]) -> dict[str, object]:
    """Check the machine and prepare the editions that may be written (exporters made, templates
    compiled, a sample page printed), while the kernel runs: what every first export pays once is then
    done before the report's own export starts. Measured with bench/run.py."""
    preflight()
    return {e.name: e.prepare() for e in wanted if e.prepare}


def _lock(folder: Path, year: int, slug: str):
    """Hold the lock of one report (outputs/<agency>/.<year>.lock) for the build's duration: two builds
    of one report at once would swap folders under each other. Released when the returned file closes,
    also when the process dies; the empty lock file stays, as removing it would let a third build race."""
    import fcntl

    handle = open(folder / f".{year}.lock", "a")  # noqa: SIM115 - held open until the build ends
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BuildError(f"另一个进程正在生成 {slug} {year} 年度报告（输出到 {folder / str(year)}）；"
                         "请等它结束后再运行") from None
    return handle


def _remove_abandoned(folder: Path, year: int) -> None:
    """With the report's lock held, whatever a killed build of it left is abandoned: temporary folders are
    deleted, and a published report that a kill caught between the two renames of `_publish` (moved
    aside, the new one not yet in place) is put back."""
    dest = folder / str(year)
    for old in sorted(folder.glob(f".{year}.old-*")):
        if dest.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.rename(dest)
    for tmp in folder.glob(f".{year}.building-*-*"):
        shutil.rmtree(tmp, ignore_errors=True)


def build(
    data_dir: str | Path,
    year: int,
    out_root: str | Path = "outputs",
    notebook: str | Path = DEFAULT_NOTEBOOK,
    force: bool = False,
    against_previous: bool = True,
    republish: bool = False,
    editions: Sequence[str] | None = None,
) -> BuildResult:
    """Build outputs/<agency>/<year>/: report.ipynb, figures.csv and the editions (editions.py) named in
    `editions`, or else in report.yaml's 版本, or else all of them.

    A report whose 发布日期 has passed is public: a build that would change its figures stops and lists
    them, unless `republish` (or `force`) says the correction is meant.

    With `against_previous`, this year's carry-over must match last year's figures.csv in the outputs
    (I5); a batch that rebuilds last year too turns it off, the old file being about to be replaced.
    """
    data_dir, notebook = Path(data_dir).resolve(), Path(notebook).resolve()
    if not notebook.is_file():
        raise BuildError(f"找不到笔记本 {notebook}；请用 --notebook 指定笔记本文件")
    slug, dest = data_dir.name, _destination(data_dir, year, out_root)
    if not force and up_to_date(data_dir, year, out_root, notebook, editions):
        return BuildResult(slug, year, dest, skipped=True)
    stamp = stamp_hash(data_dir, year, notebook, editions)
    created = not dest.parent.exists()
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        lock = _lock(dest.parent, year, slug)
    except OSError as exc:
        raise _output_error(exc, dest.parent) from exc
    try:
        _remove_abandoned(dest.parent, year)
        tmp = Path(tempfile.mkdtemp(prefix=f".{year}.building-{os.getpid()}-", dir=dest.parent))
    except OSError as exc:
        lock.close()
        raise _output_error(exc, dest.parent) from exc
    tmp.chmod(0o755)  # mkdtemp makes it private; the published folder is meant to be read
    # The kernel validates the input and computes the figures; this process loads the ledgers only for
    # the editions that need the Report object (editions.py), beside the kernel.
    km = _RUNNING[tmp] = start_kernel(tmp)
    side = ThreadPoolExecutor(max_workers=1)
    try:
        # The machine check and the exporters' imports run beside the kernel, which does the real work.
        # report.yaml's 版本 is known once the kernel read it: every edition that may be written is prepared,
        # and the report loaded here too when one of them needs it (the kernel's copy stays in the kernel).
        wanted = chosen_editions(editions)
        prepared = side.submit(_prepare, wanted)
        loading = side.submit(_load_here, data_dir, year) if any(e.needs_report for e in wanted) else None
        # Relative to the output folder, so that no machine path lands in the outputs.
        parameters = {"data_dir": os.path.relpath(data_dir, dest), "year": year, "output_dir": ".",
                      "preview": False}
        try:
            nb = execute(notebook, tmp, parameters, km)
        except NotebookError as exc:
            prepared.result()  # a missing font or library is the error to report first
            if exc.ename == "InputError":
                _load_here(data_dir, year)  # raises it again, with each problem's file, row and column
            raise
        finally:
            kill_kernel(km)
        ready = prepared.result()
        if not (tmp / "figures.csv").is_file():
            raise BuildError("笔记本没有写出 figures.csv（最后一个单元格应调用 report.save_figures）")
        summary = find_summary(nb) or _load_here(data_dir, year).summary()
        if against_previous:
            summary = _check_against_published(summary, tmp / "figures.csv",
                                               dest.parent / str(year - 1) / "figures.csv")
        if not (force or republish):
            _refuse_silent_republication(summary, dest, tmp)
        import nbformat

        _clean(nb, {**parameters, "data_dir": slug})
        nb.metadata["ogi_report"] = {"title": summary.title, "inputs_sha256": inputs_hash(data_dir, year)}
        nbformat.write(nb, tmp / "report.ipynb")
        context = EditionContext(nb, summary, data_dir, year, tmp, dest.parent, ready, loading)
        for edition in chosen_editions(summary.editions if editions is None else editions):
            (tmp / edition.file).write_bytes(edition.write(context))
        (tmp / STAMP).write_text("\n".join([stamp, *_file_hashes(tmp)]) + "\n")
        try:
            _publish(tmp, dest)
        except OSError as exc:
            raise _output_error(exc, dest) from exc
    finally:
        side.shutdown()
        stop_kernel(km)
        shutil.rmtree(tmp, ignore_errors=True)
        _RUNNING.pop(tmp, None)
        lock.close()
        if created and {p.name for p in dest.parent.iterdir()} == {f".{year}.lock"}:
            # A first build that failed leaves no folder behind (another year's build may share it).
            with contextlib.suppress(OSError):
                (dest.parent / f".{year}.lock").unlink()
                dest.parent.rmdir()
    return BuildResult(slug, year, dest, warnings=summary.warnings, missing_ledgers=summary.missing_ledgers,
                       empty_ledgers=summary.empty_ledgers)


_LISTED_CHANGES = 20
_LISTED_ROWS = 5  # per changed figure


def _refuse_silent_republication(summary: RunSummary, published: Path, built: Path) -> None:
    """A published report's figures change only on purpose (--republish), and the log says which, with
    the ledger rows responsible: those counted now and not when it was published, or the reverse."""
    from datetime import date

    from .published import changed_figures
    from .rows_snapshot import MAX_TRACED_ROWS, SNAPSHOT, changed_rows, describe_row, read_snapshot

    published_csv = published / "figures.csv"
    if not (published_csv.is_file() and summary.published and summary.published <= date.today().isoformat()):
        return
    stamp = published / STAMP
    stamped = stamp.read_text().splitlines()[1:] if stamp.is_file() else []
    if _stamp_line(published_csv) not in stamped:
        return  # not the file a build published (a preview wrote there): nothing public to compare with
    changes = changed_figures(published_csv, built / "figures.csv")
    if not changes:
        return
    was = read_snapshot(published / SNAPSHOT) if (published / SNAPSHOT).is_file() and _stamp_line(
        published / SNAPSHOT) in stamped else {}
    now = read_snapshot(built / SNAPSHOT)
    lines = []
    for key, old, new in changes[:_LISTED_CHANGES]:
        table, row, column = key
        lines.append(f"  {table} ｜ {row} ｜ {column}：已发布 {old} → 现在 {new}")
        if key in was and key in now:
            rows = changed_rows(was[key], now[key])
            lines += [f"    {change}：{describe_row(r)}" for change, r in rows[:_LISTED_ROWS]]
            if len(rows) > _LISTED_ROWS:
                lines.append(f"    另有 {len(rows) - _LISTED_ROWS} 行台账记录有变化")
        elif now.get(key):
            lines.append("    （发布时未保存逐行记录，无法比较；现在计入的台账记录："
                         f"{'；'.join(describe_row(r) for r in now[key][:_LISTED_ROWS])}"
                         f"{f' 等 {len(now[key])} 行' if len(now[key]) > _LISTED_ROWS else ''}）")
    if len(changes) > _LISTED_CHANGES:
        lines.append(f"  另有 {len(changes) - _LISTED_CHANGES} 个数字不同")
    if not now and (built / SNAPSHOT).is_file():
        lines.append(f"  （台账记录超过 {MAX_TRACED_ROWS:,} 条，生成时不逐行记录每个数字计入哪些台账行，"
                     "所以没有列出引起变化的台账行；每个数字计入的记录可在审核版 review.html 中查看）")
    raise BuildError(
        f"《{summary.title}》已于 {summary.published} 发布，按现在的台账重新生成会改变其中 {len(changes)} 个数字：\n"
        + "\n".join(lines)
        + "\n已发布的报告没有改动。若台账被误改，请恢复后再生成；若确需更正已发布的报告，请加 --republish 重新生成。")


def _load_here(data_dir: Path, year: int):
    """Load and check the input in this process: for the errors' details, or when the notebook's
    problem-list cell (which carries the run's summary) was removed."""
    from .report import load_report

    return load_report(data_dir, year)


def _check_against_published(summary: RunSummary, figures_csv: Path, previous_csv: Path) -> RunSummary:
    """I5 against last year's figures.csv in the outputs, from the figures this run published: an error
    stops the build; a warning (last year's file cannot be read) joins the run's summary."""
    from dataclasses import replace

    from .formats import get_format
    from .published import carried_in, i5_published

    fmt = get_format(summary.format_id)
    found = i5_published(fmt, carried_in(fmt, figures_csv), previous_csv)
    if any(not p.warning for p in found):
        raise InputError(found)
    return replace(summary, problems=summary.problems + tuple(found))


@dataclass(frozen=True)
class Run:
    """One (agency folder, year) to build."""

    data_dir: Path
    year: int

    @property
    def label(self) -> str:
        return f"{self.data_dir.resolve().name} {self.year}"  # resolved: the name of `.` is empty


def runs_from_params(paths: Iterable[Path]) -> list[Run]:
    """Read params/<agency>/<year>.yaml files (data_dir relative to the project root, year).

    Every file is read before any error is raised, so that all problems are listed at once.
    """
    runs, problems = [], []
    for path in sorted(paths):
        run = _read_params(path, problems)
        if run:
            runs.append(run)
    if problems:
        raise InputError(problems)
    return runs


def _read_params(path: Path, problems: list[Problem]) -> Run | None:
    name = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem("参数文件不存在", name))
        return None
    except IsADirectoryError:
        problems.append(Problem("这是一个文件夹，不是参数文件", name))
        return None
    except UnicodeDecodeError:
        problems.append(Problem("参数文件不是 UTF-8 编码的文本", name))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem("不是有效的 YAML（请检查冒号、缩进和引号）", name, mark.line + 1 if mark else None))
        return None
    if not isinstance(data, dict):
        problems.append(Problem("参数文件应是“data_dir: 文件夹”和“year: 年度”两行（键: 值），而不是列表或单个值", name))
        return None
    missing = [key for key in ("data_dir", "year") if key not in data]
    if missing:
        problems.append(Problem(f"参数文件缺少 {'、'.join(missing)}；应包含 data_dir 和 year", name))
        return None
    if not isinstance(data["data_dir"], str) or not data["data_dir"].strip():
        problems.append(Problem(f"data_dir 应是机构数据文件夹的路径，如 data/naizishan，而不是“{data['data_dir']}”",
                                name))
        return None
    year = data["year"]
    if isinstance(year, str) and year.strip().isdigit():  # year: "2021", quoted
        year = int(year)
    bad_year = year_problem(year, name)
    if bad_year:
        problems.append(bad_year)
        return None
    return Run(Path(data["data_dir"]), year)


def _build_one(run: Run, out_root: str, notebook: str, force: bool, against_previous: bool,
               republish: bool = False, editions: Sequence[str] | None = None) -> BuildResult:
    try:
        return build(run.data_dir, run.year, out_root, notebook, force, against_previous, republish, editions)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            # An error that cannot cross back to the parent would break the whole pool and lose its text.
            raise BuildError(f"{type(exc).__name__}: {exc}") from None
        raise


def build_many(
    runs: list[Run], out_root: str | Path = "outputs", notebook: str | Path = DEFAULT_NOTEBOOK,
    force: bool = False, jobs: int | None = None, republish: bool = False, editions: Sequence[str] | None = None,
) -> Iterator[tuple[Run, BuildResult | Exception]]:
    """Build every run, in parallel across `jobs` processes; yield each as it finishes.

    A failing report does not stop the others: its exception is yielded in place of a result.
    """
    notebook = Path(notebook).resolve()
    # Two different folders with the same name would write the same outputs/<name>/<year>/: neither is built.
    folders: dict[tuple[Path, int], set[Path]] = {}
    for run in runs:
        folders.setdefault((_destination(run.data_dir, run.year, out_root), run.year), set()).add(
            run.data_dir.resolve())
    clashing = {dest for dest, dirs in folders.items() if len(dirs) > 1}
    stale = []
    for run in runs:  # judged here, so that an all-unchanged batch starts no worker process at all
        key = (_destination(run.data_dir, run.year, out_root), run.year)
        if key in clashing:
            others = "、".join(sorted(str(d) for d in folders[key]))
            yield run, BuildError(f"多个机构文件夹同名（{others}），报告会写到同一个输出文件夹 {key[0]}；"
                                  "请把其中一个文件夹改名后再生成")
            continue
        if not force and up_to_date(run.data_dir.resolve(), run.year, out_root, notebook, editions):
            slug = run.data_dir.resolve().name
            yield run, BuildResult(slug, run.year, _destination(run.data_dir, run.year, out_root), skipped=True)
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
                yield run, build(run.data_dir, run.year, out_root, notebook, force, against_previous(run), republish,
                                 editions)
            except Exception as exc:  # reported per report by the caller
                yield run, exc
        return
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=stop_with_parent)
    try:
        futures = {
            pool.submit(_build_one, run, str(out_root), str(notebook), force, against_previous(run), republish,
                        editions): run
            for run in runs
        }
        for future in as_completed(futures):
            try:
                yield futures[future], future.result()
            except Exception as exc:
                yield futures[future], exc
    except BaseException:
        # Stopped (Ctrl+C, SIGTERM, the caller closed the generator): the workers stop too, each cleaning
        # up its kernel and temporary folder, instead of building on for minutes with no one to report to.
        pool.shutdown(wait=False, cancel_futures=True)
        workers = multiprocessing.active_children()
        for process in workers:
            process.terminate()
        for process in workers:  # each removes its temporary folder: a moment
            process.join(timeout=30)
        raise
    pool.shutdown()


# What the builds running in this process hold, for a stop by SIGTERM: temporary folders and kernels.
_RUNNING: dict[Path, object] = {}


def stop_on_sigterm() -> None:
    """On SIGTERM (a caller stopping the build, a CI timeout), stop at once and leave nothing behind: kill
    the kernels and worker processes, remove the temporary folders, exit. The default action would leave
    the kernels running; unwinding with an exception could interrupt an import and deadlock the thread
    that prepares the exporters."""
    import signal

    def stop(signum, frame):
        workers = multiprocessing.active_children()
        for process in workers:
            process.terminate()
        for tmp, km in list(_RUNNING.items()):
            process = getattr(getattr(km, "provisioner", None), "process", None)
            with contextlib.suppress(Exception):
                process.kill()
            shutil.rmtree(tmp, ignore_errors=True)
        for process in workers:  # each removes its own temporary folder: a moment
            process.join(timeout=30)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def stop_with_parent() -> None:
    """In a worker process: get SIGTERM when the parent dies (Linux), and stop on it."""
    import signal

    stop_on_sigterm()
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
