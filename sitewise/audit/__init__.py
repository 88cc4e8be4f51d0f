"""sitewise.audit: audit a site without writing a spec.

Discovery (`discovery`, over `urls`) finds the pages breadth-first from start URLs and
the sitemap, as a visitor and as each role; the plugin (`plugin`) collects one test per
page and role, which runs the engine's checks on it (`checks`); `report` draws the
site section of the HTML report; `cli` is `sitewise audit URL`. `config` is `[audit]`.
Nothing is imported here: the config model imports `config` alone.
"""
