"""The smallest Django project that serves Django's admin: settings and URLs only."""
