"""`ogi-report build|check|names|init|overview`: the command line for analysts, nox and other offices' tooling.

Messages are in Chinese; exit status 0 means success, 1 means the input or the build has an error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .build import DEFAULT_NOTEBOOK, BuildError, Run, build_many, inputs_hash, runs_from_params, stop_on_sigterm
from .cli_parser import ChineseArgumentParser, year
from .editions import known as known_editions
from .editions import parse as parse_editions
from .problems import InputError, year_problem


def _parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="ogi-report", description="政府信息公开工作年度报告：从台账生成 HTML 与 PDF")
    sub = parser.add_subparsers(dest="command", required=True, title="命令", metavar="命令")

    b = sub.add_parser("build", help="生成报告（网页、PDF、Word 等版本，figures.csv 与执行后的笔记本）")
    b.add_argument("data_dirs", nargs="*", type=Path, help="机构数据文件夹，如 data/naizishan")
    b.add_argument("--year", type=year, action="append", help="报告年度，可重复")
    b.add_argument("--params", type=Path, nargs="+", help="params/<机构>/<年度>.yaml 文件（代替文件夹和年度）")
    b.add_argument("--out", type=Path, default=Path("outputs"), help="输出根文件夹（默认 outputs）")
    b.add_argument("--notebook", type=Path, default=DEFAULT_NOTEBOOK, help="报告笔记本")
    b.add_argument("--force", action="store_true", help="即使输入未变也重新生成（也允许改变已发布报告的数字）")
    b.add_argument("--republish", action="store_true",
                   help="确认更正已发布的报告：发布日期已过的报告，数字改变时必须加此选项才会重新生成")
    b.add_argument("--jobs", type=int, default=None, help="并行数（默认：全部 CPU 核）")
    b.add_argument("--editions", type=edition_names, default=None,
                   help=f"只生成这些版本，用逗号分隔（可选：{known_editions()}；"
                        "默认按 report.yaml 的「版本」，未写则全部）")

    c = sub.add_parser("check", help="只校验台账和计算结果，列出全部问题")
    c.add_argument("data_dir", type=Path)
    c.add_argument("--year", type=year, required=True)
    c.add_argument("--out", type=Path, default=Path("outputs"),
                   help="输出根文件夹：与上一年已发布的 figures.csv 核对结转数（默认 outputs）")

    n = sub.add_parser("names", help="列出正文中可以引用的数字名称及其本年数值")
    n.add_argument("data_dir", type=Path)
    n.add_argument("--year", type=year, required=True)

    i = sub.add_parser("init", help="新建一个待填写的机构数据文件夹（台账模板、正文初稿）")
    i.add_argument("folder", type=Path)
    i.add_argument("--name", required=True, help="机构全称")
    i.add_argument("--short", required=True, help="机构简称")
    i.add_argument("--year", type=year, required=True, help="报告年度")
    a = sub.add_parser("audit", help="审核已发布的年度报告（网页、Word、PDF），写出 findings.csv 和 audit.html")
    a.add_argument("paths", nargs="+", type=Path, help="报告文件或文件夹（文件夹中的 .html/.htm/.docx/.pdf 全部审核）")
    a.add_argument("--previous", type=Path, nargs="+", default=[], help="上一年度的报告文件或文件夹（按机构名称配对）")
    a.add_argument("--out", type=Path, required=True, help="输出文件夹")
    a.add_argument("--year", type=year, default=None, help="报告年度（报告中读不出年度时使用）")
    a.add_argument("--jobs", type=int, default=None, help="并行数（默认：全部 CPU 核）")

    o = sub.add_parser("overview", help="区域概览：全部成员的检查结果、主要数字和逐年变化（单个离线网页）")
    o.add_argument("region_dir", type=Path, help="区域文件夹（含 region.yaml）")
    o.add_argument("--year", type=year, required=True, help="年度")
    o.add_argument("--out", type=Path, default=Path("outputs"), help="输出根文件夹（默认 outputs）")
    o.add_argument("--jobs", type=int, default=None, help="同时读取成员台账的进程数（默认：全部 CPU 核）")
    return parser


def edition_names(text: str) -> tuple[str, ...]:
    """An `--editions` value: names known to the registry, said in Chinese when one is not."""
    names, problems = parse_editions(text, "--editions")
    if problems:
        raise argparse.ArgumentTypeError("；".join(p.message for p in problems))
    return names


def _check_years(years: list[int]) -> None:
    problems = [p for p in map(year_problem, years) if p]
    if problems:
        raise InputError(problems)


def _runs(args: argparse.Namespace) -> list[Run]:
    _check_years(args.year or [])
    runs = runs_from_params(args.params) if args.params else []
    if args.data_dirs and not args.year:
        raise SystemExit("错误：请用 --year 指定报告年度")
    runs += [Run(d, y) for d in args.data_dirs for y in args.year or ()]
    if not runs:
        raise SystemExit("错误：请指定机构数据文件夹和 --year，或用 --params 指定参数文件")
    return runs


_EMPTY_HINT = "提示：以下台账还没有任何记录，相应数字为 0："


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total)
    return f"[{'█' * filled}{'░' * (width - filled)}] {done}/{total}"


def cmd_build(args: argparse.Namespace) -> int:
    try:
        runs = _runs(args)
    except InputError as exc:
        print(exc.text(), file=sys.stderr)
        return 1
    failures = []
    for done, (run, result) in enumerate(
        build_many(runs, args.out, args.notebook, args.force, args.jobs, args.republish, args.editions), start=1
    ):
        progress = _bar(done, len(runs))
        if isinstance(result, Exception):
            failures.append((run, result))
            print(f"{progress} 失败  {run.label}", flush=True)
            continue
        state = "未变化，跳过" if result.skipped else "已生成"
        print(f"{progress} {state}  {run.label} → {result.output}", flush=True)
        if result.missing_ledgers:
            names = "、".join(f"{stem}.csv" for stem in result.missing_ledgers)
            print(f"    提示：以下台账不存在，相应数字按 0 计：{names}", flush=True)
        if result.empty_ledgers:
            print(f"    {_EMPTY_HINT}{'、'.join(result.empty_ledgers)}", flush=True)
        for warning in result.warnings:
            print(f"    {warning}", flush=True)
    if failures:
        print(f"\n{len(failures)} 份报告生成失败（原有输出保持不变）：", file=sys.stderr)
        for run, exc in failures:
            text = exc.text() if isinstance(exc, InputError) else str(exc)
            if not isinstance(exc, (InputError, BuildError)):
                text = f"{type(exc).__name__}: {exc}"
            print(f"\n■ {run.label}\n{text}", file=sys.stderr)
        return 1
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .published import CARRIED_IN, i5_published
    from .report import Report, load_checked

    try:
        _check_years([args.year])
        data = load_checked(args.data_dir, args.year)
    except InputError as exc:
        print(exc.text(building=False), file=sys.stderr)
        return 1
    missing = data.missing_ledgers()
    if missing:
        print(f"提示：以下台账不存在，相应数字按 0 计：{'、'.join(f'{stem}.csv' for stem in missing)}")
    if data.empty_ledgers():
        print(f"{_EMPTY_HINT}{'、'.join(data.empty_ledgers())}")
    report = Report(data)
    previous = args.out / args.data_dir.resolve().name / str(args.year - 1) / "figures.csv"
    fmt, f = report.format, report.figures
    carried = {c.label: f[f"{CARRIED_IN}.{c.key}"] for c in fmt.requests.column_leaves()} if fmt.requests else {}
    problems = report.problems + i5_published(fmt, carried, previous)
    for problem in problems:
        print(problem)
    errors = sum(not p.warning for p in problems)
    print(f"输入哈希（报告 HTML 中 ogi-report-inputs-sha256 的值）：{inputs_hash(args.data_dir, args.year)}")
    print(f"{data.agency.name} {args.year}年：{errors} 个错误，{len(problems) - errors} 个警告")
    return 1 if errors else 0


def cmd_names(args: argparse.Namespace) -> int:
    """Works while the prose still has errors: that is when the analyst needs the names."""
    from .narrative import format_number
    from .report import Report, load_data

    try:
        _check_years([args.year])
        report = Report(load_data(args.data_dir, args.year))
    except InputError as exc:
        print(exc.text(building=False), file=sys.stderr)
        return 1
    for name, value in report.names.items():
        unit = report.format.unit(name) or ("年" if name.endswith("年度") else "")
        print(f"{{{{ {name} }}}}\t{format_number(value)}\t{unit}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from .scaffold import init_folder

    if args.folder.exists():
        print(f"错误：文件夹 {args.folder} 已存在，不会覆盖；请换一个文件夹名", file=sys.stderr)
        return 1
    for path in init_folder(args.folder, args.name, args.short, args.year):
        print(f"已创建 {path}")
    print(f"请填写台账和正文后运行：ogi-report check {args.folder} --year {args.year}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """Exit 0 when the audit ran, whatever it found: findings are the output, not an error of the command."""
    from .audit.batch import run, write
    from .audit.rules import FAIL, UNKNOWN

    missing = [p for p in [*args.paths, *args.previous] if not p.exists()]
    if missing:
        print(f"错误：找不到 {'、'.join(str(p) for p in missing)}", file=sys.stderr)
        return 1

    def progress(done: int, total: int, name: str) -> None:
        end = "\n" if done == total else ""
        print(f"\r读取 {_bar(done, total)} {name[:40]:<40}", end=end, file=sys.stderr, flush=True)

    audited, skipped = run(args.paths, args.previous, args.year, args.jobs, progress)
    if not audited:
        print("错误：没有找到可审核的报告文件（.html、.htm、.docx、.pdf）", file=sys.stderr)
        return 1
    try:
        write(audited, args.out)
    except OSError as exc:
        from .build import _output_error

        print(f"错误：{_output_error(exc, args.out)}", file=sys.stderr)
        return 1
    if skipped:
        print(f"提示：跳过 {len(skipped)} 个不是报告的文件（如 {skipped[0]}）")
    failed = sum(any(f.state == FAIL for f in a.findings) for a in audited)
    unknown = sum(any(f.state == UNKNOWN for f in a.findings) for a in audited)
    print(f"审核 {len(audited)} 份报告：{failed} 份有不通过项，{unknown} 份有无法判断项；"
          f"结果见 {args.out / 'audit.html'} 和 {args.out / 'findings.csv'}")
    return 0


def cmd_overview(args: argparse.Namespace) -> int:
    from .overview_build import build_overview

    try:
        _check_years([args.year])
        page = build_overview(args.region_dir, args.year, args.out, jobs=args.jobs or os.cpu_count() or 1)
    except InputError as exc:
        print(exc.text(building=False), file=sys.stderr)
        return 1
    except (BuildError, OSError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"已生成 {page}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    stop_on_sigterm()
    try:
        commands = {"build": cmd_build, "check": cmd_check, "names": cmd_names, "init": cmd_init,
                    "audit": cmd_audit, "overview": cmd_overview}
        status = commands[args.command](args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left early (`ogi-report names … | head`): nothing is wrong, and nothing more to say.
        # Point stdout at /dev/null so that Python's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
