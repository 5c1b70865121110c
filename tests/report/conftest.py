"""Fixtures of the report tests: headless Chromium (selenium + Debian's chromium and
chromium-driver).

``chromium`` yields a WebDriver (with ``.console_errors()`` returning the SEVERE browser-log
entries) or skips with the reason when Chromium cannot be found or installed.  It installs
the Debian packages itself when running as root with apt (CI); elsewhere it only uses what is
installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
)
INSTALL = "apt-get update && apt-get install -y chromium chromium-driver"


def _ensure_chromium() -> tuple[str, str]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    if os.geteuid() == 0 and shutil.which("apt-get"):
        import fcntl

        # pytest-xdist workers may get here together: one installs, the others wait for it
        with open(os.path.join(tempfile.gettempdir(), "goschedlab-chromium.lock"), "w") as lk:
            fcntl.flock(lk, fcntl.LOCK_EX)
            chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
            if chromium and driver:
                return chromium, driver
            r = subprocess.run(["sh", "-c", INSTALL], capture_output=True, text=True,
                               env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                               timeout=900)
        chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
        if chromium and driver:
            return chromium, driver
        pytest.skip(f"chromium could not be installed ({INSTALL!r} exit {r.returncode})")
    pytest.skip(f"chromium/chromedriver not installed and not root to run {INSTALL!r}")


def chrome() -> Any:
    """A headless Chromium WebDriver with browser-log capture; the caller quits it."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed "
                                    "(pip install -e '.[test]')")
    from selenium.webdriver.chrome.service import Service

    chromium, driver = _ensure_chromium()
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for f in CHROMIUM_FLAGS:
        opts.add_argument(f)
    opts.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='goschedlab-chromium-')}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=opts)


def console_errors(drv: Any) -> list[str]:
    """SEVERE browser console entries (JS errors, failed resources)."""
    return [e["message"] for e in drv.get_log("browser") if e.get("level") == "SEVERE"]


@pytest.fixture
def chromium() -> Iterator[Any]:
    drv = chrome()
    drv.console_errors = lambda: console_errors(drv)
    try:
        yield drv
    finally:
        drv.quit()
