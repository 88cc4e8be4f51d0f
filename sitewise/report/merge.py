"""Merges the reports of several runs (CI shards and browsers) into one.

Each input folder is searched for results.json files (one per run) and JUnit files. The
artifacts a run's results name are looked up next to its results.json first, then, by the
end of their path, anywhere under the inputs: in CI the traces and screenshots of a job
may come in a download of their own, and every test's artifact folder is named after its
node id, browser included, so the end of the path finds it. Found files are copied under
the output folder (or linked to where they are with `copy=False`).

Each run's a11y.json and vitals.json (next to its results.json) are merged too, into one
of each over the whole CI run: the accessibility counts, pages, rules and known issues of
every run, and every run's Web Vitals measurements, with the API latency judged again
over all their calls (sitewise.report.runwide). The merged report draws its Accessibility
and Performance sections from them. Each run's load.json is merged into one load judged
as one run (sitewise.load.merge: counts summed, percentiles from the summed histograms),
which the merged report's Load section draws.

Each run's visual manifest (visual/manifest.json, which CI uploads with the artifacts) is
merged into the output's visual/manifest.json, with its images copied along, so
`sitewise baselines review` opens the merged report like a local run's reports folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sitewise.load.merge import merge_load_files
from sitewise.load.results import LOAD_FILE
from sitewise.report import junit
from sitewise.report.html import write_html
from sitewise.report.model import (
    A11Y_FILE,
    JUNIT_FILE,
    RESULTS_FILE,
    VITALS_FILE,
    Artifact,
    Results,
    ResultsError,
    TestResult,
    map_files,
)
from sitewise.report.runwide import (
    PERFORMANCE_MARKER,
    RunFiles,
    api_latency_failures,
    latency_endpoints,
    load_run_files,
    merge_a11y,
    merge_vitals,
    read_document,
)
from sitewise.visual import manifest as visual_manifest


class MergeError(Exception):
    """Nothing to merge, or an input that cannot be read."""


@dataclass
class MergeSummary:
    out: Path
    runs: int = 0
    tests: int = 0
    junit_files: int = 0
    copied: int = 0
    missing: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    a11y_files: int = 0
    vitals_files: int = 0
    problems: list[str] = field(default_factory=list)
    results: Results | None = None
    files: RunFiles = field(default_factory=RunFiles)
    visual_manifests: int = 0
    load_files: int = 0
    visual: visual_manifest.Manifest | None = None


def _within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _files_under(inputs: Sequence[Path], out: Path) -> list[Path]:
    found = []
    for root in inputs:
        if root.is_file():
            found.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not _within(here / d, out))
            found.extend(here / name for name in sorted(filenames))
    return found


def _label(source: Path, taken: set[str]) -> str:
    """A short unique name for a run: its folder's name (the CI artifact's name), or for
    a folder named reports, the name of the project it is in."""
    folder = source.parent.resolve()
    if folder.name == "reports" and folder.parent.name:
        folder = folder.parent
    base = folder.name
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-") or "run"
    label, number = base, 2
    while label in taken:
        label, number = f"{base}-{number}", number + 1
    taken.add(label)
    return label


class _Resolver:
    """Finds the files a run's results name, and moves them under the output folder."""

    def __init__(self, files: Sequence[Path], out: Path, copy: bool) -> None:
        self.files = files
        self.out = out
        self.copy = copy
        self.copied = 0
        self.missing: list[str] = []

    def find(self, source_dir: Path, path: str) -> Path | None:
        direct = Path(path) if Path(path).is_absolute() else source_dir / path
        if direct.is_file():
            return direct
        parts = PurePosixPath(path.replace("\\", "/")).parts
        if parts and parts[0] == "artifacts":
            parts = parts[1:]
        # The test's folder and the file name at least, so a bare "trace.zip" never matches
        # another test's trace.
        if len(parts) < 2:
            return None
        matches = [f for f in self.files if f.parts[-len(parts) :] == parts]
        if not matches:
            return None
        # Several matches (a job's results downloaded twice): prefer the one whose folder
        # name ends like the run's (e2e-artifacts-chromium-1 for e2e-results-chromium-1).
        tail = source_dir.name.split("-")[-2:]
        matches.sort(key=lambda f: -sum(1 for part in f.parts if part.split("-")[-2:] == tail))
        return matches[0]

    def move(self, source_dir: Path, label: str, path: str) -> str | None:
        found = self.find(source_dir, path)
        if found is None:
            # Only files inside a run's reports folder travel with it; others (a baseline
            # in the checkout) keep the path they had.
            if not path.startswith("../") and not Path(path).is_absolute():
                self.missing.append(f"{label}: {path}")
            return None
        if not self.copy:
            return Path(os.path.relpath(found.resolve(), self.out.resolve())).as_posix()
        relative = PurePosixPath(path.replace("\\", "/"))
        if relative.is_absolute() or ".." in relative.parts:
            relative = PurePosixPath(found.name)
        if relative.parts and relative.parts[0] == "artifacts":
            relative = PurePosixPath(*relative.parts[1:])
        target = self.out / "artifacts" / label / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(found, target)
            self.copied += 1
        return target.relative_to(self.out).as_posix()


def merge_reports(
    inputs: Sequence[Path],
    out: Path,
    *,
    copy: bool = True,
    title: str = "End-to-end report",
) -> MergeSummary:
    """Merge every run found under `inputs` into `out` (results.json, junit.xml,
    report.html and, when copying, artifacts/)."""
    missing_inputs = [str(p) for p in inputs if not p.exists()]
    if missing_inputs:
        raise MergeError(f"no such file or folder: {', '.join(missing_inputs)}")
    out.mkdir(parents=True, exist_ok=True)
    files = _files_under(inputs, out)
    sources = [f for f in files if f.name == RESULTS_FILE]
    junit_files = [f for f in files if f.suffix == ".xml" and junit.is_junit(f)]
    if not sources and not junit_files:
        raise MergeError(
            f"no {RESULTS_FILE} or JUnit XML file under {', '.join(str(p) for p in inputs)};"
            " give the folders a pytest run wrote its reports to (default reports/)."
        )
    summary = MergeSummary(out=out)
    resolver = _Resolver(files, out, copy)
    merged = Results(title=title)
    labels: dict[Path, str] = {}
    taken: set[str] = set()
    by_nodeid: dict[str, int] = {}
    for source in sources:
        try:
            results = Results.load(source)
        except ResultsError as error:
            raise MergeError(str(error)) from None
        label = _label(source, taken)
        labels[source.parent] = label
        for run in results.runs:
            merged.runs.append(run.model_copy(update={"label": _run_label(label, run.label)}))
        for test in results.tests:
            moved = _move_test(test, source.parent, label, resolver)
            if test.nodeid in by_nodeid:
                # The same test from two runs (a job re-run): the later file wins.
                summary.duplicates.append(test.nodeid)
                merged.tests[by_nodeid[test.nodeid]] = moved
            else:
                by_nodeid[test.nodeid] = len(merged.tests)
                merged.tests.append(moved)
    run_files = [f for f in files if f.name in (A11Y_FILE, VITALS_FILE)]
    specs = {t.nodeid for t in merged.tests if PERFORMANCE_MARKER in t.markers}
    known = {t.nodeid for t in merged.tests}

    def judged(entry: Mapping[str, object]) -> bool:
        # As sitewise/vitals/plugin.py judges: the calls of tests marked `performance`.
        nodeid = str(entry.get("nodeid", ""))
        return nodeid in specs or nodeid not in known

    # Before the run files are read back for the report, whose Load section draws it.
    summary.load_files, load_problems = merge_load_files(
        [f for f in files if f.name == LOAD_FILE], out
    )
    summary.problems += load_problems
    _merge_run_files(run_files, labels, taken, out, summary, judged)
    _merge_visual(files, labels, taken, out, resolver, summary)
    merged.failures = api_latency_failures(summary.files.vitals, " over all runs")
    merged.save(out)
    write_html(merged, out)
    if junit_files:
        pairs = [(_junit_label(f, labels, taken), f) for f in junit_files]
        junit.merge(pairs, out / JUNIT_FILE)
    summary.runs = len(merged.runs)
    summary.tests = len(merged.tests)
    summary.junit_files = len(junit_files)
    summary.copied = resolver.copied
    summary.missing = resolver.missing
    summary.results = merged
    return summary


def _merge_run_files(
    paths: Sequence[Path],
    labels: dict[Path, str],
    taken: set[str],
    out: Path,
    summary: MergeSummary,
    judged: Callable[[Mapping[str, object]], bool],
) -> None:
    """Merge the runs' a11y.json and vitals.json files into `out` (removing a merged one an
    earlier merge left there when no run has one now)."""
    found: dict[str, list[tuple[str, dict[str, object]]]] = {A11Y_FILE: [], VITALS_FILE: []}
    for path in paths:
        document, problem = read_document(path)
        if document is None:
            summary.problems.append(problem or f"{path}: missing")
            continue
        if path.parent not in labels:
            labels[path.parent] = _label(path, taken)
        found[path.name].append((labels[path.parent], document))
    merged = {
        A11Y_FILE: merge_a11y(found[A11Y_FILE]) if found[A11Y_FILE] else None,
        VITALS_FILE: merge_vitals(found[VITALS_FILE], judged) if found[VITALS_FILE] else None,
    }
    for name, document in merged.items():
        target = out / name
        if document is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    summary.a11y_files = len(found[A11Y_FILE])
    summary.vitals_files = len(found[VITALS_FILE])
    summary.files = load_run_files(out)


def _merge_visual(
    files: Sequence[Path],
    labels: dict[Path, str],
    taken: set[str],
    out: Path,
    resolver: _Resolver,
    summary: MergeSummary,
) -> None:
    """Merge the runs' visual manifests into `out`'s, their images moved like artifacts."""
    folders = [
        f.parent.parent
        for f in files
        if f.name == visual_manifest.MANIFEST and f.parent.name == "visual"
    ]
    sources: list[tuple[str, Path]] = []
    for folder in folders:
        if folder not in labels:
            # A CI job's images come in its own download (e2e-artifacts-chromium-1 beside
            # e2e-results-chromium-1): under that run's label they are the files its
            # results named, copied once.
            tail = folder.name.split("-")[-2:]
            same = [label for f, label in labels.items() if f.name.split("-")[-2:] == tail]
            labels[folder] = same[0] if len(tail) == 2 and len(same) == 1 else ""
            labels[folder] = labels[folder] or _label(folder / "visual", taken)
        sources.append((labels[folder], folder))
    by_folder = dict((folder, label) for label, folder in sources)
    try:
        merged = visual_manifest.merge_manifests(
            sources, out, lambda folder, path: resolver.move(folder, by_folder[folder], path)
        )
    except visual_manifest.ManifestError as error:
        summary.problems.append(str(error))
        return
    if merged is None:
        (visual_manifest.visual_dir(out) / visual_manifest.MANIFEST).unlink(missing_ok=True)
    summary.visual_manifests = len(sources)
    summary.visual = merged


def _run_label(folder_label: str, run_label: str) -> str:
    return folder_label if run_label in ("", "local") else f"{folder_label} ({run_label})"


def _junit_label(path: Path, labels: dict[Path, str], taken: set[str]) -> str:
    if path.parent in labels:
        return labels[path.parent]
    return _label(path, taken)


def _move_test(test: TestResult, source_dir: Path, label: str, resolver: _Resolver) -> TestResult:
    attempts = []
    for attempt in test.attempts:
        artifacts: list[Artifact] = [
            map_files(a, lambda p: resolver.move(source_dir, label, p)) for a in attempt.artifacts
        ]
        attempts.append(attempt.model_copy(update={"artifacts": artifacts}))
    return test.model_copy(update={"attempts": attempts, "run": test.run or label})


def markdown_summary(results: Results, limit: int = 50, files: RunFiles | None = None) -> str:
    """A short Markdown summary (for a CI job summary): counts, why the run failed when no
    test explains it, accessibility and API latency in a line each, then failing and flaky
    tests."""
    counts = results.counts()
    lines = [f"### {results.title}", ""]
    lines.append(" · ".join(f"**{n}** {o}" for o, n in counts.items() if n) or "No tests ran.")
    lines.append("")
    reasons = results.failure_reasons()
    if reasons:
        lines.append(
            "**The run failed**" + ("" if results.tests_failed() else " (no test failed):")
        )
        lines += [f"- {reason}" for reason in reasons[:limit]]
        lines.append("")
    files = files or RunFiles()
    if files.a11y is not None:
        a11y = files.a11y
        lines.append(
            f"Accessibility: {a11y.get('checks', 0)} check(s) on {len(a11y.get('pages') or [])}"
            f" page(s), {a11y.get('checks_failed', 0)} failed,"
            f" {a11y.get('nodes_failing', 0)} failing node(s)."
        )
    endpoints = latency_endpoints(files.vitals)
    if endpoints:
        over = [e for e in endpoints if e.status == "fail"]
        lines.append(
            f"API latency: {len(endpoints)} endpoint(s), {len(over)} over the p95 budget of"
            f" {endpoints[0].budget_ms:g} ms."
        )
    if files.a11y is not None or endpoints:
        lines.append("")
    listed: Iterable[TestResult] = [
        t for t in results.tests if t.outcome in ("failed", "error", "flaky", "xpassed")
    ]
    rows = list(listed)
    if rows:
        lines += ["| outcome | test | message |", "|---|---|---|"]
        for test in rows[:limit]:
            message = next((a.message for a in reversed(test.attempts) if a.message), "")
            message = message.replace("|", "\\|")[:200]
            lines.append(f"| {test.outcome} | `{test.nodeid}` | {message} |")
        if len(rows) > limit:
            lines.append(f"| … | {len(rows) - limit} more | |")
    return "\n".join(lines) + "\n"
