"""The fixture sites of the audit's self-tests (tests/audit/sites.py serves them)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.audit.sites import HANG, Handler, Request, Route, Site, page, redirect, serve

NAV = (
    '<nav><a href="/">Home</a> <a href="/a">A</a> <a href="/b">B</a>'
    ' <a href="/logout">Sign out</a> <a href="/items/7/delete">Remove item</a></nav>'
)

# A menu rendered by script from an API answer, its links client-side routes.
MENU_SCRIPT = """<script type="module">
const items = await (await fetch('/menu.json')).json();
const nav = document.createElement('nav');
nav.setAttribute('aria-label', 'App');
for (const item of items) {
  const a = document.createElement('a');
  a.href = item.href; a.textContent = item.label;
  a.addEventListener('click', (e) => {
    e.preventDefault(); history.pushState({}, '', item.href); render();
  });
  nav.append(a, ' ');
}
document.querySelector('main').append(nav);
function render() {
  document.querySelector('h1').textContent = 'App ' + location.pathname;
}
render();
</script>"""


def site_routes() -> dict[str, Route | Handler]:
    """A small site with a link loop, a redirect chain, a 404 image, a page that throws,
    sign-out and destructive links, a known violation, a sitemap and a script menu."""
    app = page("App", "<p>Loading</p>", MENU_SCRIPT)
    return {
        "/": page("Home", NAV + '<p><a href="/old">Old page</a> <a href="/app">App</a></p>'),
        "/a": page(
            "A",
            NAV + '<p><a href="/b#top">B again</a> <a href="/a?utm_source=mail">A</a></p>'
            '<img src="/missing.png" alt="A missing picture">',
        ),
        "/b": page(
            "B",
            NAV + '<p><a href="/users/1">One</a> <a href="/users/2">Two</a>'
            ' <a href="/throws">Throws</a> <a href="/violation">Violation</a>'
            ' <a href="/session/end">Log out</a></p>',
        ),
        "/users/1": page("User 1", NAV),
        "/users/2": page("User 2", NAV),
        "/throws": page("Throws", NAV, "<script>throw new Error('boom from the page')</script>"),
        "/violation": page("Violation", NAV + '<img src="/pixel.gif">'),
        "/pixel.gif": Route("GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"),
        "/old": redirect("/older"),
        "/older": redirect("/new", 301),
        "/new": page("New", NAV),
        "/logout": page("Signed out", "<p>You are signed out</p>"),
        "/session/end": page("Signed out", "<p>You are signed out</p>"),
        "/items/7/delete": page("Deleted", "<p>Gone</p>"),
        "/app": app,
        "/app/settings": app,
        "/app/profile": app,
        "/menu.json": Route(
            '[{"href": "/app/settings", "label": "Settings"},'
            ' {"href": "/app/profile", "label": "Profile"}]',
            content_type="application/json",
        ),
        "/sitemap.xml": Route(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>{base}/from-sitemap</loc></url></urlset>",
            content_type="application/xml",
        ),
        "/from-sitemap": page("From the sitemap", NAV),
        # Another origin: the same server by another host name.
        "/away": lambda r: redirect(f"http://localhost:{r.headers['Host'].rsplit(':', 1)[1]}/"),
    }


@pytest.fixture
def site() -> Iterator[Site]:
    """The fixture site of site_routes(), on a free loopback port."""
    routes = site_routes()
    with serve(routes) as running:
        sitemap = routes["/sitemap.xml"]
        assert isinstance(sitemap, Route)
        routes["/sitemap.xml"] = Route(
            sitemap.body.replace("{base}", running.url), content_type=sitemap.content_type
        )
        yield running


def _signed_in(request: Request) -> bool:
    return request.cookies().get("session") == "ok"


def members_routes() -> dict[str, Route | Handler]:
    """A site with a sign-in form and a page only a signed-in member reaches."""

    def home(request: Request) -> Route:
        extra = '<a href="/members">Members</a>' if _signed_in(request) else ""
        return page(
            "Home", f'<nav><a href="/">Home</a> {extra} <a href="/logout">Sign out</a></nav>'
        )

    def members(request: Request) -> Route:
        return page("Members", "<p>Welcome</p>") if _signed_in(request) else redirect("/login")

    def login(request: Request) -> Route:
        if request.command == "POST":
            length = int(request.headers.get("Content-Length", 0))
            form = request.rfile.read(length).decode()
            if "password=right" in form:
                return Route(status=303, headers={"Location": "/", "Set-Cookie": "session=ok"})
            return page("Sign in", '<p role="alert">Wrong password</p>' + LOGIN_FORM)
        return page("Sign in", LOGIN_FORM)

    return {"/": home, "/members": members, "/login": login, "/hang": lambda _: HANG}


LOGIN_FORM = (
    '<form method="post" action="/login"><label>Email <input name="email"></label>'
    '<label>Password <input name="password" type="password"></label>'
    "<button>Sign in</button></form>"
)


@pytest.fixture
def unused_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def members_site() -> Iterator[Site]:
    """A site with a sign-in form (password `right`) and a members-only page."""
    with serve(members_routes()) as running:
        yield running
