"""The JSON API under ``/api``, shared by the web and the admin origin."""
