"""Visual regression: the `assert_snapshot` fixture, `--update-baselines`, the run's manifest.

`assert_snapshot(page_or_locator, name, **options)` stabilises the page, takes a
screenshot and compares it with its baseline (sitewise.visual.snapshot). Baselines are
written as Playwright's `--update-snapshots` modes say; a missing baseline is written
and the run goes on, so one run writes every missing baseline: the test then passes
locally with a warning, and fails in CI (CI=true) once it is done, listing them all.
Every snapshot is recorded in `<reports_dir>/visual/manifest-<worker>.json`, merged by
the controller into `manifest.json` at the end of the session, with whether the run was
partial as the run's journal decides it for every report (sitewise.report.journal;
`baselines prune` refuses a partial run). A run that is not a run of the suite
(`--collect-only`, a self-test run with pytester) leaves the manifests as they were.

A retry (pytest-rerunfailures runs the same item again) starts clean: the earlier
attempt's entries, notes and attachments are dropped, its files stay in their folder
(the retry writes to `<test>-retryN/`), and baselines it wrote are compared as they were
before it, so a baseline a failed attempt wrote is still new (and fails again in CI).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page

from sitewise.artifacts import artifact_dir, attach, attachments
from sitewise.config.plugin import RESOLVED_KEY, reports_dir_of, suite_config_of, worker_id
from sitewise.report.journal import journal_of
from sitewise.soft_checks import record_soft_failure
from sitewise.targets.resolve import targets_of
from sitewise.visual import manifest
from sitewise.visual.baselines import BaselineKey, UpdateMode, platform_name
from sitewise.visual.builds import (
    BaselineBuilds,
    BrowserBuild,
    BuildsFileError,
    build_of_page,
    record_builds,
)
from sitewise.visual.manifest import RunInfo, SnapshotEntry
from sitewise.visual.policy import snapshot_skip_reason
from sitewise.visual.snapshot import (
    AssertSnapshot,
    Earlier,
    SnapshotOptions,
    SnapshotTarget,
    take_snapshot,
)

UPDATE_ENV = "E2E_UPDATE_BASELINES"
# The `assert_aria_snapshot` fixture, on this module's settings and manifest.
pytest_plugins = ["sitewise.visual.aria"]


class NewBaselineWarning(UserWarning):
    """A baseline was written by this run (it was missing, or a mode asked to rewrite it)."""


@dataclass
class VisualState:
    """This process's settings and what its snapshots produced."""

    mode: UpdateMode
    explicit: bool
    ci: bool
    baseline_dir: Path
    config_css: str
    entries: list[SnapshotEntry] = field(default_factory=list)
    owners: dict[Path, str] = field(default_factory=dict)
    started: str = field(default_factory=manifest.now)
    # Selected tests that take snapshots: a run without any leaves the last manifest alone.
    visual_items: int = 0
    # [visual] snapshot_browsers; the builds the baselines' manifest records (run start);
    # the baselines this process (or, on the controller, its workers) wrote, by build.
    snapshot_browsers: tuple[str, ...] = ("chromium",)
    builds: BaselineBuilds | None = None
    written_builds: dict[str, BrowserBuild | None] = field(default_factory=dict)

    def skip_reason(self, browser_name: str) -> str:
        """Why this browser's snapshots are not compared ("" when they are)."""
        writing = self.explicit and self.mode is not UpdateMode.NONE
        return snapshot_skip_reason(browser_name, self.snapshot_browsers, writing=writing)

    def start_attempt(self, nodeid: str) -> None:
        """A test starts, or starts again on a retry: forget what its earlier attempt took."""
        if any(e.nodeid == nodeid for e in self.entries):
            self.entries = [e for e in self.entries if e.nodeid != nodeid]

    def claim(self, baseline: Path, nodeid: str, name: str) -> None:
        """One baseline belongs to one snapshot: two calls sharing it would overwrite it."""
        owner = self.owners.setdefault(baseline, nodeid)
        if owner != nodeid:
            raise ValueError(
                f"assert_snapshot({name!r}): the baseline {baseline} is already used by {owner};"
                " give this snapshot a distinct name (e.g. include the test's parameter)."
            )
        if any(e.nodeid == nodeid and e.baseline == str(baseline) for e in self.entries):
            raise ValueError(
                f"assert_snapshot({name!r}): this test already took a snapshot named {name!r};"
                " each snapshot of a test needs its own name."
            )


STATE_KEY = pytest.StashKey[VisualState]()
DEFERRED_KEY = pytest.StashKey[list[str]]()
NOTES_KEY = pytest.StashKey[list[str]]()
# Baselines the running test's attempts wrote, with what each held before the first write.
EARLIER_KEY = pytest.StashKey[dict[Path, Earlier]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("sitewise").addoption(
        "--update-baselines",
        default=None,
        choices=[m.value for m in UpdateMode],
        help="When to write visual baselines (env E2E_UPDATE_BASELINES): missing (default:"
        " write absent ones; in CI the test still fails), changed (also rewrite those that"
        " differ beyond the allowance), all (rewrite every one), none (never write).",
    )


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


def _update_mode(config: pytest.Config) -> tuple[UpdateMode, bool]:
    """The mode, and whether it was asked for (option or environment) or is the default."""
    given = config.getoption("--update-baselines")
    if given:
        return UpdateMode(given), True
    env = os.environ.get(UPDATE_ENV, "").strip()
    if not env:
        return UpdateMode.MISSING, False
    try:
        return UpdateMode(env), True
    except ValueError:
        choices = ", ".join(m.value for m in UpdateMode)
        raise pytest.UsageError(
            f"{UPDATE_ENV}={env!r}: unknown update mode; choose from {choices}."
        ) from None


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    journal = journal_of(config)
    suite = suite_config_of(config)
    mode, explicit = _update_mode(config)
    baseline_dir = Path(suite.visual.baseline_dir)
    if not baseline_dir.is_absolute():
        baseline_dir = config.rootpath / baseline_dir
    css = ""
    if suite.visual.css:
        css_path = Path(suite.visual.css)
        if not css_path.is_absolute():
            css_path = config.rootpath / css_path
        try:
            css = css_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise pytest.UsageError(
                f"[visual] css = {suite.visual.css!r}: cannot read {css_path} ({error})."
            ) from None
    # Also registered in pyproject.toml; here too for suites that load only this plugin.
    config.addinivalue_line("markers", "visual: screenshot comparison against baselines")
    try:
        builds = BaselineBuilds.read(baseline_dir)
    except BuildsFileError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[STATE_KEY] = VisualState(
        mode=mode,
        explicit=explicit,
        ci=_truthy(os.environ.get("CI")),
        baseline_dir=baseline_dir,
        config_css=css,
        snapshot_browsers=tuple(suite.visual.snapshot_browsers),
        builds=builds,
    )
    # A run that is not a run of the suite (--co, pytester) leaves the last run's files.
    if _is_controller(config) and not journal.keeps:
        manifest.clear_worker_manifests(reports_dir_of(config))


def pytest_report_header(config: pytest.Config) -> list[str]:
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        return []
    ci = ", CI: missing baselines fail" if state.ci and not state.explicit else ""
    return [
        f"e2e visual: baselines {state.baseline_dir}, --update-baselines {state.mode},"
        f" platform {platform_name()}{ci}; compared in"
        f" {', '.join(state.snapshot_browsers) or 'no browser'} ([visual] snapshot_browsers)"
    ]


def _takes_snapshots(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "assert_snapshot" in names or "assert_aria_snapshot" in names


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash.get(STATE_KEY, None)
    for item in items:
        if _takes_snapshots(item):
            item.add_marker("visual")
            # Skipped before any fixture (no browser is launched for a comparison not made).
            callspec = getattr(item, "callspec", None)
            browser = callspec.params.get("browser_name") if callspec is not None else None
            reason = state.skip_reason(str(browser)) if state and browser else ""
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_collection_finish(session: pytest.Session) -> None:
    state = session.config.stash.get(STATE_KEY, None)
    if state is not None:
        state.visual_items = sum(1 for item in session.items if _takes_snapshots(item))


def _is_visual_attachment(prop: tuple[str, object]) -> bool:
    return any(a.kind == "visual" for a in attachments([prop]))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    state = item.config.stash.get(STATE_KEY, None)
    if state is None or not _takes_snapshots(item):
        return
    # Each attempt (a retry runs the same item again) reports its own snapshots only.
    state.start_attempt(item.nodeid)
    item.stash[NOTES_KEY] = []
    item.stash[DEFERRED_KEY] = []
    item.user_properties[:] = [p for p in item.user_properties if not _is_visual_attachment(p)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    # Every attempt of the test runs inside this call; what they wrote is not needed after.
    try:
        return (yield)
    finally:
        if EARLIER_KEY in item.stash:
            del item.stash[EARLIER_KEY]


# Baselines of a page that is on none of the run's targets (set_content, about:blank).
NO_TARGET = "common"


def _baseline_key(item: pytest.Item, name: str, browser_name: str, url: str) -> BaselineKey:
    """Where the baseline lives: baselines/<target>/<spec>/<name>-<browser>-<platform>-<vp>.

    The target is the one whose URL the page is on, by name, so that the same spec run
    against the bundled apps on random ports and against a deployment finds one file.
    """
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    target = targets_of(item.config).name_of(url) or NO_TARGET
    return BaselineKey(
        app=target,
        spec=item.path.stem,
        name=name,
        browser=browser_name,
        platform=platform_name(),
        viewport=str(params.get("viewport", "default")),
    )


def snapshot_test(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config, browser_name: str
) -> tuple[VisualState, pytest.Item, Path, dict[Path, Earlier]]:
    """What a snapshot fixture (screenshots, aria) needs of its test: the run's visual
    state, the test, its artifacts folder (this attempt's) and its earlier snapshots.
    Skips the test where [visual] snapshot_browsers does not list the browser."""
    state = pytestconfig.stash[STATE_KEY]
    reason = state.skip_reason(browser_name)
    if reason:
        pytest.skip(reason)
    item = request.node
    assert isinstance(item, pytest.Item)
    output_dir = artifact_dir(reports_dir_of(pytestconfig), item.nodeid)
    # pytest-rerunfailures counts attempts from 1; a retry keeps the earlier files.
    retry = int(getattr(item, "execution_count", 1)) - 1
    if retry > 0:
        output_dir = output_dir.with_name(f"{output_dir.name}-retry{retry}")
    return state, item, output_dir, item.stash.setdefault(EARLIER_KEY, {})


@pytest.fixture
def assert_snapshot(
    request: pytest.FixtureRequest, browser_name: str, pytestconfig: pytest.Config
) -> AssertSnapshot:
    """A callable comparing a page or element screenshot with its baseline (AssertSnapshot).

    Each call waits for fonts, disables animations, transitions and the caret, and
    captures until two consecutive screenshots are identical (at least two screenshots,
    up to [visual] stabilise_timeout_ms), then compares with pixelmatch: cheap for an
    element, a few hundred milliseconds for a full page.
    """
    state, item, output_dir, earlier = snapshot_test(request, pytestconfig, browser_name)
    suite = suite_config_of(pytestconfig)

    def check(
        target: Page | Locator,
        name: str,
        *,
        threshold: float | None = None,
        max_diff_pixels: int | None = None,
        max_diff_pixel_ratio: float | None = None,
        mask: Sequence[Locator] = (),
        style: str = "",
        full_page: bool = False,
        stabilise_timeout_ms: int | None = None,
        soft: bool = False,
    ) -> SnapshotEntry:
        __tracebackhide__ = True
        options = SnapshotOptions.resolve(
            suite.visual,
            config_css=state.config_css,
            threshold=threshold,
            max_diff_pixels=max_diff_pixels,
            max_diff_pixel_ratio=max_diff_pixel_ratio,
            mask=mask,
            style=style,
            full_page=full_page,
            stabilise_timeout_ms=stabilise_timeout_ms,
        )
        page = target if isinstance(target, Page) else target.page
        key = _baseline_key(item, name, browser_name, page.url)
        where = SnapshotTarget(
            nodeid=item.nodeid,
            key=key,
            baseline_dir=state.baseline_dir,
            output_dir=output_dir,
            mode=state.mode,
            # In CI a baseline must come from review, unless the run was asked to write.
            fail_new=state.ci and not state.explicit,
            earlier=earlier.get(key.path(state.baseline_dir)),
            build=build_of_page(page, browser_name),
            baseline_build=state.builds.build_of(key.path(state.baseline_dir))
            if state.builds
            else None,
        )
        state.claim(where.baseline, item.nodeid, name)
        outcome = take_snapshot(target, name, options, where)
        if outcome.replaced is not None:
            earlier.setdefault(where.baseline, outcome.replaced)
        entry = outcome.entry
        state.entries.append(entry)
        if entry.written:
            state.written_builds[entry.baseline] = where.build
        if entry.status != "passed" or entry.written:
            attach(item, "visual", name, data=_attachment_data(entry))
        for note in outcome.notes:
            item.stash.setdefault(NOTES_KEY, []).append(note)
            warnings.warn(NewBaselineWarning(note), stacklevel=2)
        if outcome.deferred:
            item.stash.setdefault(DEFERRED_KEY, []).append(outcome.deferred)
        if outcome.failure:
            if soft:  # sitewise.soft_checks: the test fails at its end, with every soft failure
                record_soft_failure(item, outcome.failure, kind="snapshot", title=name)
                return entry
            raise AssertionError(outcome.failure)
        return entry

    return check


def _attachment_data(entry: SnapshotEntry) -> dict[str, object]:
    keys = (
        "status", "baseline", "expected", "actual", "diff", "diff_pixels", "total_pixels",
        "ratio", "allowed", "expected_size", "actual_size", "written",
    )  # fmt: skip
    data = entry.to_dict()
    return {k: data[k] for k in keys}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if call.when != "call":
        return report
    notes = item.stash.get(NOTES_KEY, [])
    if notes:
        report.sections.append(("visual", "\n".join(notes)))
    deferred = item.stash.get(DEFERRED_KEY, [])
    if deferred:
        # Every missing baseline of the test was written before this failure, so one run
        # writes them all; CI fails because a baseline must be reviewed, not self-made.
        text = (
            f"{len(deferred)} baseline(s) were missing and have been written; in CI (CI=true)"
            " a missing baseline fails the test: review and commit them.\n" + "\n".join(deferred)
        )
        if report.passed:
            report.outcome = "failed"
            report.longrepr = text
        else:
            report.sections.append(("visual: missing baselines", text))
    return report


# What a worker sends back at its end (pytest-xdist's workeroutput): the builds of the
# baselines it wrote, recorded by the controller alone so that no two processes write them.
_BUILDS_OUTPUT = "sitewise_visual_written_builds"


def _record_written_builds(config: pytest.Config, state: VisualState) -> None:
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[_BUILDS_OUTPUT] = {
            path: build.to_dict() if build else None for path, build in state.written_builds.items()
        }
        return
    record_builds(state.baseline_dir, state.written_builds)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object | None) -> None:
    state = node.config.stash.get(STATE_KEY, None)
    written = getattr(node, "workeroutput", {}).get(_BUILDS_OUTPUT) or {}
    if state is not None:
        for path, build in written.items():
            state.written_builds[path] = BrowserBuild.from_dict(build)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(STATE_KEY, None)
    journal = journal_of(config)
    if state is not None:
        # Baselines written are committed files whatever kind of run wrote them.
        _record_written_builds(config, state)
    if state is None or journal.keeps:
        return
    reports = reports_dir_of(config)
    worker = worker_id(config, "main")
    if not _is_controller(config):
        if state.visual_items:
            manifest.write_worker_manifest(reports, worker, state.entries)
        return
    if state.visual_items:
        # Without xdist the controller ran the tests itself (with xdist it collects none).
        manifest.write_worker_manifest(reports, worker, state.entries)
    if not manifest.worker_manifests(reports):
        # Not a visual run (e.g. only API tests): the last visual run stays reviewable.
        return
    resolved = config.stash.get(RESOLVED_KEY, None)
    browsers = config.getoption("--browser", default=None) or ["chromium"]
    run = RunInfo(
        root=str(config.rootpath),
        baseline_dir=str(state.baseline_dir),
        update_mode=str(state.mode),
        ci=state.ci,
        started=state.started,
        args=list(config.invocation_params.args),
        browsers=list(browsers),
        platforms=[platform_name(sys.platform)],
        viewports=list(resolved.viewports) if resolved else [],
        # The run's own verdict, which a11y.json and results.json give too.
        partial=journal.partial_reasons(session, exitstatus),
        exitstatus=int(exitstatus),
    )
    manifest.merge_worker_manifests(reports, run)
