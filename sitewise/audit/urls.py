"""URLs as an audit sees them: one spelling per page, its route pattern, and whether to go.

`normalise` drops what does not change the page (the fragment, tracking parameters, a
default port, the case of scheme and host); `route_pattern` turns the segments that are
ids into `{id}`, so `/users/1` and `/users/2` are one template; `Scope` says whether a
link may be followed: same origin, include and exclude patterns, and the deny patterns
(sign-out and destructive links), which are searched in the link's text too.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}

_ID_SEGMENT = re.compile(
    r"""^(
        \d+                                                  # 42
      | [0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}   # a uuid
      | [0-9a-fA-F]{16,}                                     # hashes, object ids
      | (?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}               # opaque tokens
    )$""",
    re.VERBOSE,
)


def origin(url: str) -> str:
    """scheme://host[:port] of a URL, normalised."""
    parts = urlsplit(normalise(url))
    return f"{parts.scheme}://{parts.netloc}"


def normalise(url: str, tracking: Sequence[str] = ()) -> str:
    """One spelling per page: no fragment, no tracking parameter, no default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not any(fnmatch.fnmatchcase(key, pattern) for pattern in tracking)
    ]
    # A fragment is dropped unless it is a client-side route (#/users, #!/users).
    fragment = parts.fragment if parts.fragment.startswith(("/", "!/")) else ""
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), fragment))


def same_origin(url: str, other: str) -> bool:
    return origin(url) == origin(other)


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    where = parts.path + (f"?{parts.query}" if parts.query else "")
    return where + (f"#{parts.fragment}" if parts.fragment else "")


def _template_matches(template: str, path: str) -> bool:
    want, got = template.strip("/").split("/"), path.strip("/").split("/")
    return len(want) == len(got) and all(
        (w.startswith("{") and w.endswith("}") and g) or w == g
        for w, g in zip(want, got, strict=True)
    )


def route_pattern(url: str, templates: Sequence[str] = ()) -> str:
    """The page's template: the first of `templates` (`/settings/{key}/history`) its path
    fits, else id-like path segments as {id}; then the query's keys without values."""
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    query = f"?{'&'.join(keys)}" if keys else ""
    for template in templates:
        if _template_matches(template, parts.path):
            return template + query
    route = parts.path + (f"#{parts.fragment}" if parts.fragment else "")
    segments = ["{id}" if _ID_SEGMENT.match(s) else s for s in route.split("/")]
    return ("/".join(segments) or "/") + query


def _search(patterns: Iterable[str], text: str) -> str | None:
    for pattern in patterns:
        if re.search(pattern, text, re.IGNORECASE):
            return pattern
    return None


@dataclass(frozen=True)
class Scope:
    """Which URLs an audit visits: the start origins, include / exclude, deny."""

    origins: frozenset[str]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()

    def reason_to_skip(self, url: str, text: str = "") -> str | None:
        """Why `url` (a link reading `text`) is not visited, or None to visit it."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return "not http"
        if origin(url) not in self.origins:
            return "other origin"
        where = path_and_query(url)
        denied = _search(self.deny, where) or _search(self.deny, text)
        if denied:
            return f"denied ({denied})"
        if self.include and not _search(self.include, where):
            return "not included"
        excluded = _search(self.exclude, where)
        if excluded:
            return f"excluded ({excluded})"
        return None
