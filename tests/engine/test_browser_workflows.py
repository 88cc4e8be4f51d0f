"""The baselines workflow makes each browser's baselines where e2e.yml checks them.

For each browser, update-baselines.yml (run with that browser as its input) and e2e.yml's
job for that browser run in the same container (Chromium: the pinned Debian image) or on
the runner (Firefox, WebKit), and install the browser with the same commands: Debian's
chromium-headless-shell at one pinned version, or Playwright's own build. The
workflows' other checks (pins, linters, commands) are in tests/run/test_workflows.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.run.test_workflows import E2E, _images, expanded, load

UPDATE = E2E.with_name("update-baselines.yml")
BROWSERS = ("chromium", "firefox", "webkit")
_EXPRESSION = re.compile(r"^\$\{\{\s*(.*?)\s*\}\}$", re.DOTALL)
_DEB_PIN = re.compile(r"^\d+(\.\d+)+-\S+$")


def evaluate(expression: str, values: dict[str, str]) -> Any:
    """A GitHub expression of ==, !=, &&, ||, ! over `values` and string literals."""
    text = _EXPRESSION.sub(r"\1", str(expression).strip())
    for name, value in values.items():
        text = re.sub(rf"\b{re.escape(name)}\b", repr(value), text)
    unknown = re.findall(r"\b(?:matrix|inputs|github|steps|env)\.[\w.-]+", text)
    assert not unknown, f"{expression!r}: no sample value for {unknown}"
    python = text.replace("&&", " and ").replace("||", " or ")
    python = re.sub(r"!(?!=)", " not ", python)
    return eval(python, {"__builtins__": {}}, {})  # literals and operators only


def _e2e_values(workflow: dict[str, Any], browser: str) -> dict[str, str]:
    matrix = workflow["jobs"]["e2e"]["strategy"]["matrix"]
    extra = [e for e in matrix.get("include", []) if e.get("browser") == browser]
    container = str(extra[0].get("container", "")) if extra else ""
    return {"matrix.browser": browser, "matrix.shard": "1", "matrix.container": container}


def environment(path_name: str, browser: str) -> tuple[str, list[str]]:
    """The container (or "" for the runner) and the install commands, for one browser."""
    if path_name == "e2e":
        workflow, job_name = load(E2E), "e2e"
        values = _e2e_values(workflow, browser)
    else:
        workflow, job_name = load(UPDATE), "update"
        values = {"inputs.browser": browser, "inputs.mode": "changed"}
    job = workflow["jobs"][job_name]
    container = str(evaluate(str(job.get("container") or "''"), values) or "")
    installs: list[str] = []
    for step in job["steps"]:
        setup = str(step.get("uses", "")).startswith("actions/setup-python")
        script = " ".join(expanded(step, job, workflow).split())
        installs_something = re.search(r"apt-get install|playwright install|pip install", script)
        if not (setup or installs_something):
            continue
        if "if" in step and not evaluate(str(step["if"]), values):
            continue
        if setup:
            installs.append(f"setup-python {step['with']['python-version']}")
        else:
            script = re.sub(r"\$\{\{\s*(matrix|inputs)\.browser\s*\}\}", browser, script)
            installs.append(script.replace("$BROWSER", browser))
    return container, installs


@pytest.mark.parametrize("engine", BROWSERS)
def test_baselines_are_made_where_the_e2e_job_checks_them(engine: str) -> None:
    e2e_container, e2e_installs = environment("e2e", engine)
    update_container, update_installs = environment("update", engine)
    assert update_container == e2e_container
    assert update_installs == e2e_installs
    if engine == "chromium":
        assert e2e_container, "Chromium's baselines come from the pinned Debian container"
        assert any("chromium-headless-shell=" in i for i in e2e_installs), e2e_installs
    else:
        assert e2e_container == "", f"{engine} runs on the runner with Playwright's build"
        assert f'python -m playwright install --with-deps "{engine}"' in e2e_installs
        assert "setup-python 3.11" in e2e_installs


def test_the_chromium_package_is_pinned_to_one_version_in_both_workflows() -> None:
    versions = {
        load(E2E)["env"].get("CHROMIUM_DEB_VERSION"),
        load(UPDATE)["jobs"]["update"]["env"].get("CHROMIUM_DEB_VERSION"),
    }
    assert len(versions) == 1, versions
    (version,) = versions
    assert _DEB_PIN.match(str(version)), f"{version!r} is not an exact Debian version"
    for path in (E2E, UPDATE):
        text = path.read_text()
        assert 'chromium-headless-shell="$CHROMIUM_DEB_VERSION"' in text, path.name
        # The package's own dependency is pinned to its version too: apt would otherwise
        # take the newest chromium-common, which the pinned shell refuses.
        assert 'chromium-common="$CHROMIUM_DEB_VERSION"' in text, path.name


def test_update_baselines_offers_every_browser_and_names_it_to_discovery() -> None:
    workflow = load(UPDATE)
    options = workflow["on"]["workflow_dispatch"]["inputs"]["browser"]["options"]
    assert tuple(options) == BROWSERS
    job = workflow["jobs"]["update"]
    scripts = " ".join(expanded(s, job, workflow) for s in job["steps"])
    assert 'sitewise.browsers.discovery "${{ inputs.browser }}"' in scripts
    assert '--browser "${{ inputs.browser }}"' in scripts
    assert '--update-baselines "${{ inputs.mode }}"' in scripts
    # Only the Chromium run has a container: the images the pin checks see are e2e.yml's.
    assert set(_images(job)) == set(_images(load(E2E)["jobs"]["e2e"]))


def test_the_expression_check_reads_the_shapes_the_workflows_use() -> None:
    choice = "inputs.browser == 'chromium' && 'img:1' || ''"
    assert evaluate(f"${{{{ {choice} }}}}", {"inputs.browser": "chromium"}) == "img:1"
    assert evaluate(choice, {"inputs.browser": "webkit"}) == ""
    assert evaluate("${{ !matrix.container }}", {"matrix.container": ""}) is True
    assert evaluate("matrix.browser != 'chromium'", {"matrix.browser": "firefox"}) is True
    with pytest.raises(AssertionError, match="no sample value"):
        evaluate("github.event_name == 'push'", {})
