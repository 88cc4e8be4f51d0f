"""Named targets and sign-in seen from a pytest run of a tiny project that has no suite.

Only the engine (its entry point) is loaded: targets come from the config, --target,
E2E_<NAME>_URL or --base-url, a conftest's pytest_sitewise_start_targets starts the rest,
and [roles.NAME] signs in through a form.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import serve_directory

ENV_CLEARED = ("E2E_WEB_URL", "E2E_ADMIN_URL", "E2E_SHOP_URL", "E2E_CONFIG", "CI", "PYTEST_ADDOPTS")

SHOW_TARGETS = """
    def test_shows_targets(target_urls):
        print("TARGETS", dict(target_urls))
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for name in ENV_CLEARED:
        monkeypatch.delenv(name, raising=False)
    return pytester


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("site")
    (folder / "index.html").write_text("<h1>Shop</h1>")
    (folder / "health").write_text('{"service": "shop"}')
    url, stop = serve_directory(folder)
    yield url
    stop()


def write_config(project: pytest.Pytester, text: str) -> None:
    (project.path / "playwright.config.toml").write_text(textwrap.dedent(text))


def run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    return project.runpytest_subprocess("-p", "no:cacheprovider", "-s", *args, timeout=120)


def test_any_number_of_named_targets_with_their_health_checks(
    project: pytest.Pytester, site: str
) -> None:
    write_config(
        project,
        f"""
            [targets.shop]
            url = "{site}"
            health = "/health"
            expect = {{ service = "shop" }}
            [targets.docs]
            url = "{site}"
            [targets.status]
            url = "{site}"
            """,
    )
    project.makepyfile(SHOW_TARGETS)
    result = run(project)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [f"e2e targets: shop {site}, docs {site}, status {site}", f"*TARGETS *'status': '{site}'*"]
    )


def test_a_wrong_app_behind_a_target_stops_the_run_once(
    project: pytest.Pytester, site: str
) -> None:
    write_config(
        project,
        f"""
            [targets.shop]
            url = "{site}"
            health = "/health"
            expect = {{ service = "blog" }}
            """,
    )
    project.makepyfile(SHOW_TARGETS)
    result = run(project)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    stdout = result.stdout.str()
    assert stdout.count("The shop target") == 1
    assert 'should answer JSON with "service": "blog"' in stdout


def test_base_url_is_the_one_target_case(project: pytest.Pytester, site: str) -> None:
    project.makepyfile(SHOW_TARGETS)
    result = run(project, "--base-url", site)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"e2e targets: site {site}", f"*TARGETS {{'site': '{site}'}}"])


def test_base_url_with_several_targets_asks_for_names(project: pytest.Pytester) -> None:
    write_config(project, "[targets.a]\n[targets.b]\n")
    project.makepyfile(SHOW_TARGETS)
    result = run(project, "--base-url", "http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--base-url sets a single target*(a, b)*--target NAME=URL*"])


def test_command_line_beats_environment_beats_config(
    project: pytest.Pytester, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(project, '[targets.shop]\nurl = "http://127.0.0.1:9"\n')
    project.makepyfile(SHOW_TARGETS)
    monkeypatch.setenv("E2E_SHOP_URL", site)
    run(project).stdout.fnmatch_lines([f"*TARGETS {{'shop': '{site}'}}"])
    monkeypatch.setenv("E2E_SHOP_URL", "http://127.0.0.1:9")
    run(project, "--target", f"shop={site}").stdout.fnmatch_lines(
        [f"*TARGETS {{'shop': '{site}'}}"]
    )


def test_a_target_without_url_is_started_by_the_suites_hook_per_worker(
    project: pytest.Pytester, site: str
) -> None:
    write_config(project, "[targets.shop]\n")
    project.makeconftest(
        f"""
        from sitewise.targets import StartedTargets

        def pytest_sitewise_start_targets(config, names, workdir, log_dir):
            assert workdir.is_dir()
            print("STARTING", names)
            return StartedTargets({{"shop": "{site}"}}, lambda: print("STOPPED"))
        """
    )
    project.makepyfile(SHOW_TARGETS)
    result = run(project)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "e2e targets: shop (started per worker by *conftest.py)",
            "*STARTING ('shop',)",
            f"*TARGETS {{'shop': '{site}'}}*",
            "*STOPPED*",
        ]
    )


def test_a_target_nobody_starts_says_how_to_give_its_url(project: pytest.Pytester) -> None:
    write_config(project, "[targets.shop]\n")
    project.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(5))
        def test_needs_target(target_urls, n):
            pass
        """
    )
    result = run(project)
    output = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert output.count("No URL for the target(s) shop, and nothing starts them") == 1
    assert "E2E_SHOP_URL" in output


LOGIN_PAGE = """<!doctype html><title>Sign in</title>
<form action="/signed-in.html" method="get">
  <label>Username: <input name="u"></label>
  <label>Password <input name="p" type="password"></label>
  <button>Log in</button>
</form>
<script>
  document.querySelector("form").addEventListener("submit", (event) => {
    document.cookie = "session=" + document.querySelector("[name=p]").value;
    if (document.querySelector("[name=p]").value !== "right") {
      event.preventDefault();
      document.body.insertAdjacentHTML("beforeend", '<p role="alert">Wrong password</p>');
    }
  });
</script>"""


@pytest.fixture
def login_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("login")
    (folder / "login.html").write_text(LOGIN_PAGE)
    (folder / "signed-in.html").write_text("<h1>Welcome</h1>")
    url, stop = serve_directory(folder)
    yield url
    stop()


def _role_config(url: str) -> str:
    return f"""
        [targets.shop]
        url = "{url}"
        [roles.owner]
        target = "shop"
        login = "/login.html"
        fields = {{ Username = "ann", Password = "${{SHOP_PASSWORD}}" }}
        submit = "Log in"
        success_url = "/signed-in.html"
        """


def test_a_role_signs_in_through_the_form_its_config_describes(
    project: pytest.Pytester, login_site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(project, _role_config(login_site))
    project.makepyfile(
        """
        def test_signed_in(page_as):
            page = page_as("owner", "/signed-in.html")
            cookies = page.context.cookies()
            assert [c["value"] for c in cookies if c["name"] == "session"] == ["right"]
        """
    )
    monkeypatch.setenv("SHOP_PASSWORD", "right")
    # Under both default viewports: the second one reuses the worker's storage state.
    run(project).assert_outcomes(passed=2)


def test_a_failed_sign_in_stops_the_run_once_with_what_the_page_said(
    project: pytest.Pytester, login_site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(project, _role_config(login_site))
    project.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(3))
        def test_signed_in(page_as, n):
            page_as("owner")
        """
    )
    monkeypatch.setenv("SHOP_PASSWORD", "wrong")
    result = run(project)
    output = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert output.count("Role owner did not sign in") == 1
    assert "the page says: 'Wrong password'" in output


def test_a_suite_adds_a_config_section_of_its_own(project: pytest.Pytester) -> None:
    project.makeconftest(
        """
        from pydantic import BaseModel

        class Shop(BaseModel):
            currency: str

        def pytest_sitewise_config_sections():
            return {"shop": Shop}
        """
    )
    write_config(project, "[shop]\ncurrency = 3\n")
    project.makepyfile(
        """
        def test_reads_section(suite_config):
            assert suite_config.section("shop").currency == "EUR"
        """
    )
    result = run(project)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*shop.currency = 3: input should be a valid string*"])
    (project.path / "playwright.config.toml").write_text('[shop]\ncurrency = "EUR"\n')
    run(project).assert_outcomes(passed=1)


def test_unknown_roles_target_is_named(project: pytest.Pytester, tmp_path: Path) -> None:
    write_config(
        project,
        """
            [roles.owner]
            target = "shop"
            fields = { Username = "ann" }
            success_url = "/"
            """,
    )
    project.makepyfile(SHOW_TARGETS)
    result = run(project)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "[roles.owner] target 'shop' is not a [targets.NAME] entry" in result.stderr.str()
