"""The visual review's CI: e2e.yml uploads and merges the manifests and comments a summary;
approve-snapshots.yml approves a run's snapshots onto its branch."""

from __future__ import annotations

from typing import Any

import pytest

from sitewise.report.summary import MARKER
from tests.run.helpers import ROOT
from tests.run.test_workflows import load

WORKFLOWS = ROOT / ".github" / "workflows"


@pytest.fixture
def approve() -> dict[str, Any]:
    return load(WORKFLOWS / "approve-snapshots.yml")


@pytest.fixture
def e2e() -> dict[str, Any]:
    return load(WORKFLOWS / "e2e.yml")


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job["steps"]
    return found


def test_e2e_uploads_each_jobs_visual_manifest_with_its_images(e2e: dict[str, Any]) -> None:
    [upload] = [
        s
        for s in steps(e2e["jobs"]["e2e"])
        if "reports/artifacts/" in s.get("with", {}).get("path", "")
    ]
    paths = upload["with"]["path"].split()
    # Both under reports/: the artifact is a reports folder, as review and merge read it.
    assert paths == ["reports/artifacts/", "reports/visual/manifest.json"]
    assert "!cancelled()" in upload["if"]


def test_e2e_summarises_and_comments_once_on_a_pull_request(e2e: dict[str, Any]) -> None:
    report = steps(e2e["jobs"]["report"])
    [summary] = [s for s in report if "sitewise report summary" in s.get("run", "")]
    assert '>> "$GITHUB_STEP_SUMMARY"' in summary["run"]
    assert summary["env"]["REPORT_URL"] == "${{ steps.upload.outputs.artifact-url }}"
    comment = e2e["jobs"]["comment"]
    assert comment["needs"] == ["report"]
    assert comment["permissions"] == {"pull-requests": "write"}
    assert "head.repo.full_name == github.repository" in comment["if"]
    script = steps(comment)[-1]["run"]
    assert MARKER in script
    assert "--method PATCH" in script


def test_approve_runs_on_dispatch_with_a_run_id_and_on_a_pull_request_comment(
    approve: dict[str, Any],
) -> None:
    on = approve["on"]
    assert on["workflow_dispatch"]["inputs"]["run_id"]["required"] is True
    assert on["issue_comment"]["types"] == ["created"]
    job = approve["jobs"]["approve"]
    assert "startsWith(github.event.comment.body, '/approve-snapshots')" in job["if"]
    assert "github.event.issue.pull_request" in job["if"]


def test_approve_checks_write_access_before_anything_else(approve: dict[str, Any]) -> None:
    first = steps(approve["jobs"]["approve"])[0]
    assert first["if"] == "github.event_name == 'issue_comment'"
    assert "collaborators/$COMMENTER/permission" in first["run"]
    assert "admin|maintain|write)" in first["run"]


def test_approve_runs_its_own_tools_on_the_runs_artifacts_and_pushes_baselines_only(
    approve: dict[str, Any],
) -> None:
    job = approve["jobs"]["approve"]
    all_steps = steps(job)
    checkouts = [s for s in all_steps if s.get("uses", "").startswith("actions/checkout@")]
    tools, branch = checkouts
    assert "ref" not in tools["with"]
    assert tools["with"]["persist-credentials"] is False
    assert branch["with"] == {
        "ref": "${{ steps.find.outputs.sha }}",
        "path": "pr",
        "persist-credentials": True,
    }
    [download] = [
        s for s in all_steps if s.get("uses", "").startswith("actions/download-artifact@")
    ]
    assert download["with"]["run-id"] == "${{ steps.find.outputs.run_id }}"
    assert download["with"]["pattern"] == "e2e-artifacts-*"
    runs = [s.get("run", "") for s in all_steps]
    assert "python -m sitewise baselines review downloaded --root pr --approve-all" in runs
    [push] = [s for s in all_steps if "git push" in s.get("run", "")]
    assert push["working-directory"] == "pr"
    assert "git add -- baselines\n" in push["run"]
    # Untrusted values (the branch, the comment) reach scripts through the environment only.
    for step in all_steps:
        assert "${{" not in step.get("run", ""), step


def test_the_approve_workflow_says_why_it_keeps_credentials() -> None:
    text = (WORKFLOWS / "approve-snapshots.yml").read_text()
    assert "credentials are kept because the push below needs them" in text
