"""Widgets shared by many pages: shell (header, navigation, menus), dialogs, pagination."""
