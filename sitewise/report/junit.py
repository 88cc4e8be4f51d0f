"""JUnit XML: one test case per test after retries, and many runs' files merged into one.

pytest's --junitxml writes one <testcase> per attempt when pytest-rerunfailures retries a
test, and the failed attempts come out as empty, passing test cases. `collapse_retries`
keeps the final attempt and records the earlier failures in it the way Maven Surefire
does (<flakyFailure> when the test passed in the end, <rerunFailure> when it did not),
which CI test reporters understand.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path

from sitewise.report.model import TestResult

_COUNTED = ("tests", "failures", "errors", "skipped")


class JUnitError(Exception):
    """A file that should be JUnit XML is not."""


def junit_address(nodeid: str) -> tuple[str, str]:
    """(classname, name) pytest's junitxml gives a node id (its `mangle_test_address`)."""
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    return ".".join(names[:-1]), names[-1]


def _suites(root: ET.Element) -> list[ET.Element]:
    if root.tag == "testsuite":
        return [root]
    if root.tag == "testsuites":
        return list(root.iter("testsuite"))
    raise JUnitError(f"root element <{root.tag}>, expected <testsuites> or <testsuite>")


def read(path: Path) -> ET.Element:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        raise JUnitError(f"{path}: not readable JUnit XML: {error}") from None
    try:
        _suites(root)
    except JUnitError as error:
        raise JUnitError(f"{path}: {error}") from None
    return root


def is_junit(path: Path) -> bool:
    try:
        for _, element in ET.iterparse(path, events=("start",)):
            return element.tag in ("testsuites", "testsuite")
    except (ET.ParseError, OSError):
        return False
    return False


def _recount(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))


def _earlier_failure(tag: str, message: str, text: str) -> ET.Element:
    element = ET.Element(tag, {"message": message or "failed", "type": "failure"})
    trace = ET.SubElement(element, "stackTrace")
    trace.text = text or message
    return element


def collapse_retries(path: Path, tests: Iterable[TestResult]) -> int:
    """Rewrite pytest's JUnit file at `path` with one test case per test; returns how many
    test cases were folded into another."""
    root = read(path)
    by_address: dict[tuple[str, str], TestResult] = {}
    for result in tests:
        by_address[junit_address(result.nodeid)] = result
    folded = 0
    for suite in _suites(root):
        cases = suite.findall("testcase")
        groups: dict[tuple[str, str], list[ET.Element]] = {}
        for case in cases:
            key = (case.get("classname", ""), case.get("name", ""))
            groups.setdefault(key, []).append(case)
        for (classname, name), group in groups.items():
            if len(group) < 2:
                continue
            kept = group[-1]
            test = _find(by_address, classname, name)
            passed = all(kept.find(tag) is None for tag in ("failure", "error", "skipped"))
            tag = "flakyFailure" if passed else "rerunFailure"
            earlier = test.attempts[:-1] if test is not None else []
            position = _first_output_index(kept)
            for index, case in enumerate(group[:-1]):
                attempt = earlier[index] if index < len(earlier) else None
                message = attempt.message if attempt else "failed on an earlier attempt"
                text = attempt.error if attempt else ""
                kept.insert(position, _earlier_failure(tag, message, text))
                position += 1
                suite.remove(case)
                folded += 1
            total = sum(float(c.get("time", "0") or 0) for c in group)
            kept.set("time", f"{total:.3f}")
        _recount(suite)
    if root.tag == "testsuites":
        _sum_into(root, _suites(root))
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return folded


def _first_output_index(case: ET.Element) -> int:
    for index, child in enumerate(case):
        if child.tag in ("system-out", "system-err"):
            return index
    return len(case)


def _find(
    by_address: dict[tuple[str, str], TestResult], classname: str, name: str
) -> TestResult | None:
    found = by_address.get((classname, name))
    if found is not None:
        return found
    # junit_prefix puts a prefix before the class name.
    for (known_class, known_name), test in by_address.items():
        if known_name == name and classname.endswith("." + known_class):
            return test
    return None


def _sum_into(root: ET.Element, suites: Sequence[ET.Element]) -> None:
    for attribute in _COUNTED:
        root.set(attribute, str(sum(int(s.get(attribute, "0") or 0) for s in suites)))
    root.set("time", f"{sum(float(s.get('time', '0') or 0) for s in suites):.3f}")


def merge(files: Sequence[tuple[str, Path]], out: Path, name: str = "e2e") -> ET.Element:
    """Write one JUnit file holding every suite of `files` ((label, path) pairs), each
    suite named after its label; the totals are on the root."""
    root = ET.Element("testsuites", {"name": name})
    for label, path in files:
        for suite in _suites(read(path)):
            suite.set("name", label)
            root.append(suite)
    _sum_into(root, list(root))
    out.parent.mkdir(parents=True, exist_ok=True)
    ET.indent(root)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return root
