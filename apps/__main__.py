"""``python -m apps``: serve the web and admin origins from one process."""

from apps.server import main

raise SystemExit(main())
