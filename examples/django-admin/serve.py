"""Serve the example's Django admin for a test run, then say where on one JSON line.

    python serve.py --db /tmp/somewhere/admin.sqlite3 [--port 0]

Makes a fresh SQLite database at --db, migrates it, creates the superuser that Django's
`createsuperuser --noinput` reads from DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_PASSWORD
and DJANGO_SUPERUSER_EMAIL, binds 127.0.0.1 (a free port unless --port is given), prints
`{"admin": "http://127.0.0.1:PORT"}` and serves with Django's threaded development
server, static files included, until SIGTERM. The engine's
`sitewise.targets.process.start_server` (conftest.py) waits for that line.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="SQLite file to create")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    args = parser.parse_args(argv)
    if args.db.exists():
        parser.error(f"--db {args.db}: the file exists; give a fresh path")
    os.environ["ADMIN_EXAMPLE_DB"] = str(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adminsite.settings")

    import django

    django.setup()

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createsuperuser", interactive=False, verbosity=0)

    # Bound here rather than by `runserver`, which cannot report the port it was given
    # as 0: the URL printed below is the one that listens.
    server = ThreadedWSGIServer(("127.0.0.1", args.port), WSGIRequestHandler)
    # With DEBUG off, the admin's CSS and JS come from staticfiles' handler, as
    # `runserver` serves them.
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    print(json.dumps({"admin": f"http://127.0.0.1:{server.server_port}"}), flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
