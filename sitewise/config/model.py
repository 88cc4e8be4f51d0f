"""playwright.config.toml: the suite's one configuration file, validated at start-up.

Every section is a pydantic model that forbids unknown keys, so a typo stops the run
with one message naming the key, the value and what was expected, instead of being
ignored. `load_config` is the only entry point.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from sitewise.audit.config import AuditConfig
from sitewise.load.config import LoadConfig

CONFIG_FILE = "playwright.config.toml"

BrowserName = Literal["chromium", "firefox", "webkit"]
WCAG_TAGS = (
    "wcag2a",
    "wcag2aa",
    "wcag2aaa",
    "wcag21a",
    "wcag21aa",
    "wcag21aaa",
    "wcag22a",
    "wcag22aa",
    "wcag22aaa",
    "best-practice",
    "section508",
    "EN-301-549",
)


class ConfigError(Exception):
    """The configuration file is missing a value, has a wrong one, or is not TOML."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


NAME_PATTERN = r"^[a-z][a-z0-9_-]*$"


class TargetConfig(_Section):
    """One system under test: its base URL, and how to tell it is up and is the right one.

    An empty URL means a suite's `pytest_sitewise_start_targets` hook starts it.
    """

    url: str = ""
    health: Annotated[str, Field(pattern=r"^(/.*)?$")] = ""
    expect: dict[str, str] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("an http:// or https:// URL, or an empty string for a started target")
        return value.rstrip("/")


def _target_entries(value: Any) -> Any:
    # `[targets] web = "https://..."` is short for `[targets.web] url = "https://..."`.
    if isinstance(value, dict):
        return {k: {"url": v} if isinstance(v, str) else v for k, v in value.items()}
    return value


class RoleConfig(_Section):
    """How a role signs in through a form: the engine makes its storage state once per
    worker. Values may name environment variables as ${NAME}."""

    target: Annotated[str, Field(pattern=NAME_PATTERN)]
    login: Annotated[str, Field(pattern=r"^/")] = "/login"
    # Field label (or placeholder) -> value typed into it.
    fields: dict[str, str] = Field(default_factory=dict)
    # The submit button's accessible name.
    submit: Annotated[str, Field(min_length=1)] = "Sign in"
    # Signed in once the URL's path matches this glob (e.g. "/" or "/admin/**") ...
    success_url: str = ""
    # ... or once an element matching this selector is visible.
    success_selector: str = ""

    @model_validator(mode="after")
    def _some_success(self) -> RoleConfig:
        if not self.fields:
            raise ValueError('fields: the form\'s fields, e.g. {Email = "${E2E_EMAIL}"}')
        if not (self.success_url or self.success_selector):
            raise ValueError("success_url or success_selector, to know the sign-in worked")
        return self


class BrowserConfig(_Section):
    """Which browser runs the specs and how it is launched."""

    name: BrowserName = "chromium"
    executable: str = ""
    headless: bool = True
    args: tuple[str, ...] = ()
    connect: str = Field(default="", description="ws:// endpoint of a Playwright browser server")

    @field_validator("connect")
    @classmethod
    def _ws_url(cls, value: str) -> str:
        if value and not value.startswith(("ws://", "wss://")):
            raise ValueError("a ws:// or wss:// endpoint of a Playwright browser server")
        return value


class ViewportConfig(_Section):
    """One viewport every spec runs under: a Playwright device, or a width and height."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    device: str = ""
    width: Annotated[int, Field(ge=200, le=4000)] | None = None
    height: Annotated[int, Field(ge=200, le=4000)] | None = None
    device_scale_factor: Annotated[float, Field(gt=0, le=4)] | None = None
    mobile: bool = False

    @model_validator(mode="after")
    def _device_or_size(self) -> ViewportConfig:
        if not self.device and (self.width is None or self.height is None):
            raise ValueError(f"viewport {self.name!r} needs a device name, or width and height")
        return self


class TimeoutsConfig(_Section):
    """Timeouts in milliseconds (target_check in seconds)."""

    action_ms: Annotated[int, Field(ge=100)] = 5_000
    navigation_ms: Annotated[int, Field(ge=100)] = 10_000
    expect_ms: Annotated[int, Field(ge=100)] = 5_000
    target_check_s: Annotated[float, Field(gt=0, le=60)] = 10.0
    app_start_s: Annotated[float, Field(gt=0, le=120)] = 20.0
    # A test's time limit (pytest-timeout's default: --timeout and @pytest.mark.timeout win)
    # and the run's (--max-duration wins); none when unset (sitewise.run.timeouts).
    test_s: Annotated[float, Field(gt=0)] | None = None
    run_s: Annotated[float, Field(gt=0)] | None = None


class ReportConfig(_Section):
    """Where a run writes everything: JUnit XML, HTML report, JSON results, artifacts."""

    dir: str = "reports"
    # Retries of a failed test when CI=true and no --reruns is given (pytest-rerunfailures).
    ci_retries: Annotated[int, Field(ge=0, le=5)] = 2


class VisualConfig(_Section):
    """Screenshot comparison defaults; each `assert_snapshot` call may override them."""

    threshold: Annotated[float, Field(ge=0, le=1)] = 0.2
    max_diff_pixels: Annotated[int, Field(ge=0)] | None = None
    max_diff_pixel_ratio: Annotated[float, Field(ge=0, le=1)] | None = None
    baseline_dir: str = "baselines"
    stabilise_timeout_ms: Annotated[int, Field(ge=100)] = 5_000
    mask_color: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] = "#FF00FF"
    css: str = ""
    frozen_time: dt.datetime = dt.datetime(2026, 1, 15, 10, 30, tzinfo=dt.UTC)
    # The browsers whose screenshots are compared with baselines; in the others
    # assert_snapshot skips with why (sitewise.visual.policy).
    snapshot_browsers: tuple[BrowserName, ...] = ("chromium",)


class KnownIssue(_Section):
    """An accepted accessibility violation: matched by rule and target, never by a count."""

    rule: Annotated[str, Field(min_length=1)]
    target: Annotated[str, Field(min_length=1)]
    reason: Annotated[str, Field(min_length=1)]
    expires: dt.date


class A11yConfig(_Section):
    """The accessibility standard (axe tags), the known issues accepted for now, and
    whether nodes that need review fail."""

    tags: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
    known_issues: tuple[KnownIssue, ...] = ()
    max_nodes_shown: Annotated[int, Field(ge=1)] = 3
    # How long axe in the top frame waits for each frame's axe to answer (axe's 500 ms
    # default drops busy cross-process frames on a loaded machine).
    frame_wait_ms: Annotated[int, Field(ge=100, le=60_000)] = 10_000
    # How long a check waits for running animations and transitions to end (a dialog
    # fading in has mid-blend colours that fail contrast).
    settle_ms: Annotated[int, Field(ge=0, le=60_000)] = 5_000
    # Nodes axe could not decide on (its "incomplete" results) are listed as needing
    # review; they fail the check only when this asks, since many need a person's eye.
    fail_on_needs_review: bool = False

    @field_validator("tags")
    @classmethod
    def _known_tags(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [t for t in tags if t not in WCAG_TAGS]
        if unknown:
            raise ValueError(f"axe tags among {', '.join(WCAG_TAGS)}; unknown: {unknown}")
        return tags

    @field_validator("known_issues")
    @classmethod
    def _one_entry_per_node(cls, issues: tuple[KnownIssue, ...]) -> tuple[KnownIssue, ...]:
        # A node matches one entry: two with the same rule and target would hide each other.
        keys = [(i.rule, i.target) for i in issues]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"one entry per rule and target; repeated: {twice}")
        return issues


class Budget(_Section):
    """Web Vitals budgets; an unset metric is not budgeted."""

    lcp_ms: Annotated[float, Field(gt=0)] | None = None
    cls: Annotated[float, Field(ge=0)] | None = None
    inp_ms: Annotated[float, Field(gt=0)] | None = None
    fcp_ms: Annotated[float, Field(gt=0)] | None = None
    ttfb_ms: Annotated[float, Field(gt=0)] | None = None


class PageBudget(Budget):
    """A budget for one page, "target:/route" (e.g. "web:/settings"), and optionally one
    profile."""

    page: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*:/")]
    profile: str = ""


class ThrottlingProfile(_Section):
    """Network and CPU throttling applied through CDP (Chromium only)."""

    latency_ms: Annotated[float, Field(ge=0)] = 0
    download_kbps: Annotated[float, Field(ge=0)] = 0
    upload_kbps: Annotated[float, Field(ge=0)] = 0
    cpu_slowdown: Annotated[float, Field(ge=1)] = 1
    # The device to emulate, by Lighthouse's BenchmarkIndex: each run's slowdown is then
    # the host's index / this one (sitewise/vitals/calibration.py), not cpu_slowdown.
    device_benchmark_index: Annotated[float, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _one_cpu_setting(self) -> ThrottlingProfile:
        if self.device_benchmark_index is not None and self.cpu_slowdown != 1:
            raise ValueError(
                "set cpu_slowdown (a fixed slowdown) or device_benchmark_index (a slowdown"
                " calibrated to the host each run), not both"
            )
        return self


def _default_profiles() -> dict[str, ThrottlingProfile]:
    return {
        "desktop": ThrottlingProfile(),
        # Lighthouse's mobile preset: 150 ms RTT applied as 562.5 ms request latency.
        "mobile": ThrottlingProfile(
            latency_ms=562.5, download_kbps=1474.56, upload_kbps=675, cpu_slowdown=4
        ),
    }


class PerformanceConfig(_Section):
    """Web Vitals budgets per page and profile, runs per page, API latency budget."""

    runs: Annotated[int, Field(ge=1, le=15)] = 3
    profiles: dict[str, ThrottlingProfile] = Field(default_factory=_default_profiles)
    budget: Budget = Budget(lcp_ms=2500, cls=0.1, inp_ms=200, fcp_ms=1800, ttfb_ms=800)
    pages: tuple[PageBudget, ...] = ()
    api_p95_ms: Annotated[float, Field(gt=0)] = 200
    # What part of a request's URL marks it as an API call for the latency report.
    api_prefix: Annotated[str, Field(min_length=1)] = "/api/"
    api_routes: tuple[Annotated[str, Field(pattern=r"^/")], ...] = Field(
        default=(), description="path templates such as /api/settings/{key} for the API report"
    )
    settle_ms: Annotated[int, Field(ge=0)] = 1_000
    settle_timeout_ms: Annotated[int, Field(ge=1_000)] = 20_000

    @field_validator("profiles")
    @classmethod
    def _some_profile(cls, profiles: dict[str, ThrottlingProfile]) -> dict[str, ThrottlingProfile]:
        if not profiles:
            raise ValueError("at least one [performance.profiles] entry, e.g. desktop")
        return profiles

    @model_validator(mode="after")
    def _known_profiles(self) -> PerformanceConfig:
        for entry in self.pages:
            if entry.profile and entry.profile not in self.profiles:
                raise ValueError(
                    f"[[performance.pages]] {entry.page}: profile {entry.profile!r} is not one"
                    f" of {', '.join(self.profiles)}"
                )
        return self

    def budget_for(self, page: str, profile: str) -> Budget:
        """The default budget overlaid with the matching page entries (profile-specific last)."""
        merged = self.budget.model_dump()
        for entry in sorted(self.pages, key=lambda e: bool(e.profile)):
            if entry.page == page and entry.profile in ("", profile):
                # `is not None`: a budget of 0 (no layout shift at all) is a real budget.
                overrides = entry.model_dump(exclude={"page", "profile"})
                merged.update({k: v for k, v in overrides.items() if v is not None})
        return Budget(**merged)


def _default_viewports() -> tuple[ViewportConfig, ...]:
    return (
        ViewportConfig(name="desktop", width=1280, height=720),
        ViewportConfig(name="mobile", device="iPhone 13", width=390, height=844, mobile=True),
    )


class SuiteConfig(_Section):
    """The whole of playwright.config.toml."""

    targets: Annotated[
        dict[Annotated[str, Field(pattern=NAME_PATTERN)], TargetConfig],
        BeforeValidator(_target_entries),
    ] = Field(default_factory=dict)
    roles: dict[Annotated[str, Field(pattern=NAME_PATTERN)], RoleConfig] = Field(
        default_factory=dict
    )
    browser: BrowserConfig = BrowserConfig()
    viewports: tuple[ViewportConfig, ...] = Field(default_factory=_default_viewports)
    timeouts: TimeoutsConfig = TimeoutsConfig()
    report: ReportConfig = ReportConfig()
    visual: VisualConfig = VisualConfig()
    a11y: A11yConfig = A11yConfig()
    performance: PerformanceConfig = PerformanceConfig()
    load: LoadConfig = LoadConfig()
    audit: AuditConfig = AuditConfig()

    @field_validator("viewports")
    @classmethod
    def _unique_names(cls, viewports: tuple[ViewportConfig, ...]) -> tuple[ViewportConfig, ...]:
        if not viewports:
            raise ValueError("at least one [[viewports]] entry")
        names = [v.name for v in viewports]
        if len(set(names)) != len(names):
            raise ValueError(f"viewport names that differ; got {names}")
        return viewports

    @model_validator(mode="after")
    def _roles_name_targets(self) -> SuiteConfig:
        for name, role in self.roles.items():
            if role.target not in self.targets:
                known = ", ".join(self.targets) or "none"
                raise ValueError(
                    f"[roles.{name}] target {role.target!r} is not a [targets.NAME] entry"
                    f" (targets: {known})"
                )
        return self

    # The suite's own sections (pytest_sitewise_config_sections), validated.
    extra: dict[str, BaseModel] = Field(default_factory=dict, exclude=True)

    def section(self, name: str) -> BaseModel:
        """A suite's own section, as its model validated it."""
        try:
            return self.extra[name]
        except KeyError:
            raise KeyError(f"no config section {name!r} was registered") from None

    def viewport(self, name: str) -> ViewportConfig:
        for viewport in self.viewports:
            if viewport.name == name:
                return viewport
        raise KeyError(name)


def _key_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        elif part.startswith(("function-after", "function-before", "constrained", "union")):
            continue
        else:
            parts.append(part)
    return ".".join(parts) or "(top level)"


def _value_at(data: Any, loc: tuple[int | str, ...]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def format_validation_error(path: Path, data: dict[str, Any], error: ValidationError) -> str:
    """One message for the first problem, naming the key, the value and the expectation."""
    lines = []
    for problem in error.errors(include_url=False):
        loc = tuple(problem["loc"])
        key = _key_path(loc)
        if problem["type"] == "extra_forbidden":
            lines.append(f"{path}: unknown key {key!r}; remove it or check its spelling.")
            continue
        if not loc:
            message = str(problem["msg"]).removeprefix("Value error, ")
            lines.append(f"{path}: {message}.")
            continue
        value = _value_at(data, loc)
        shown = "(missing)" if value is None and problem["type"] == "missing" else repr(value)
        message = str(problem["msg"])
        if message.startswith("Value error, "):
            message = "expected " + message.removeprefix("Value error, ")
        else:
            message = message[:1].lower() + message[1:]
        lines.append(f"{path}: {key} = {shown}: {message}.")
    return "\n".join(lines)


def load_config(path: Path, sections: Mapping[str, type[BaseModel]] | None = None) -> SuiteConfig:
    """Read and validate the config file; a missing file means every default.

    `sections` are a suite's own sections: each `[name]` is validated by its model.
    """
    sections = dict(sections or {})
    taken = sorted(set(sections) & set(SuiteConfig.model_fields))
    if taken:
        raise ConfigError(f"config sections {taken} are the engine's own; name yours otherwise.")
    if not path.exists():
        return _with_sections(path, SuiteConfig(), {}, sections)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read: {error}.") from None
    own = {name: data.pop(name) for name in list(data) if name in sections}
    if "targets" in data:
        data["targets"] = _target_entries(data["targets"])
    try:
        suite = SuiteConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(format_validation_error(path, data, error)) from None
    return _with_sections(path, suite, own, sections)


def _with_sections(
    path: Path,
    suite: SuiteConfig,
    data: dict[str, Any],
    sections: Mapping[str, type[BaseModel]],
) -> SuiteConfig:
    extra: dict[str, BaseModel] = {}
    for name, model in sections.items():
        value = data.get(name, {})
        try:
            extra[name] = model.model_validate(value)
        except ValidationError as error:
            message = format_validation_error(path, {name: value}, _prefixed(error, name))
            raise ConfigError(message) from None
    return suite.model_copy(update={"extra": extra})


def _prefixed(error: ValidationError, name: str) -> ValidationError:
    # The suite's section errors name the key from the file's top: "shop.currency".
    return ValidationError.from_exception_data(
        error.title,
        [
            {**problem, "loc": (name, *problem["loc"])}  # type: ignore[typeddict-unknown-key]
            for problem in error.errors(include_url=False)
        ],
    )
