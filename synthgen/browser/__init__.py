"""Chromium discovery and launch, and the driver that sends planned input to a page."""

from synthgen.browser.discovery import find_chromium

__all__ = ["find_chromium"]
