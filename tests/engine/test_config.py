"""playwright.config.toml: every problem gives one message naming key, value and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitewise.config.model import ConfigError, SuiteConfig, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "playwright.config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config == SuiteConfig()
    assert [v.name for v in config.viewports] == ["desktop", "mobile"]
    assert config.a11y.tags == ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


def test_the_shipped_config_is_valid() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "playwright.config.toml")
    assert config.browser.name == "chromium"


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "[visual]\ntreshold = 0.1\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert (
        str(error.value)
        == f"{path}: unknown key 'visual.treshold'; remove it or check its spelling."
    )


def test_wrong_value_names_key_value_and_expectation(tmp_path: Path) -> None:
    path = write(tmp_path, '[browser]\nname = "chromim"\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert "browser.name = 'chromim'" in message
    assert "'chromium', 'firefox' or 'webkit'" in message


def test_out_of_range_number(tmp_path: Path) -> None:
    path = write(tmp_path, "[visual]\nthreshold = 2\n")
    with pytest.raises(ConfigError, match=r"visual\.threshold = 2: input should be less than"):
        load_config(path)


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[targets]\nweb = "http://x"\n[browser\n')
    with pytest.raises(ConfigError, match=r"not valid TOML: .*line 3"):
        load_config(path)


def test_viewport_needs_a_device_or_a_size(tmp_path: Path) -> None:
    path = write(tmp_path, '[[viewports]]\nname = "tablet"\nwidth = 800\n')
    with pytest.raises(ConfigError, match="viewport 'tablet' needs a device name, or width and"):
        load_config(path)


def test_viewport_names_must_differ(tmp_path: Path) -> None:
    text = '[[viewports]]\nname = "a"\nwidth = 800\nheight = 600\n' * 2
    with pytest.raises(ConfigError, match="viewport names that differ"):
        load_config(write(tmp_path, text))


def test_target_urls_must_be_http(tmp_path: Path) -> None:
    path = write(tmp_path, '[targets]\nweb = "example.com"\n')
    with pytest.raises(ConfigError, match=r"targets\.web\.url = 'example\.com': expected an http"):
        load_config(path)


def test_known_issue_dates_are_checked(tmp_path: Path) -> None:
    text = (
        "[[a11y.known_issues]]\n"
        'rule = "color-contrast"\ntarget = "#x"\nreason = "brand colour"\nexpires = 2026-13-01\n'
    )
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, text))


def test_page_budgets_overlay_the_default(tmp_path: Path) -> None:
    text = (
        "[[performance.pages]]\n"
        'page = "web:/settings"\nlcp_ms = 3000\n'
        "[[performance.pages]]\n"
        'page = "web:/settings"\nprofile = "mobile"\nlcp_ms = 4000\n'
    )
    config = load_config(write(tmp_path, text)).performance
    assert config.budget_for("web:/settings", "desktop").lcp_ms == 3000
    assert config.budget_for("web:/settings", "mobile").lcp_ms == 4000
    assert config.budget_for("web:/settings", "mobile").cls == 0.1
    assert config.budget_for("web:/", "mobile").lcp_ms == 2500
