"""The audit's one test, collected by sitewise.audit.plugin when a run is given `--audit`.

It is parametrized with every page discovery found, per role: one test per page and
role (and viewport), so -n, shards, retries, -k, markers and the report all apply.
"""

from __future__ import annotations

from sitewise.audit.plugin import PageAuditor
from sitewise.audit.run import AuditPage


def test_page(audit_page: AuditPage, page_auditor: PageAuditor) -> None:
    """The page passes every check [audit.checks] switches on."""
    __tracebackhide__ = True
    page_auditor(audit_page)
