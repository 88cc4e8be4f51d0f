"""The reference system: a web app and an admin app over one JSON API and one SQLite file.

Start it with ``python -m apps``; the contract it keeps is docs/reference-system.md.
"""
