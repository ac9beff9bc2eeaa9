"""Screenshots at a phone's size (390x844) of two easy-read pages, for README.

    .venv/bin/python -m bench.screenshots      # writes docs/screenshots/*.png

The claim's "Your time" page and the interest form's "What would help" page, easy read on, in
English, Arabic and Welsh, on the browser suite's seeded data (tests/a11y/conftest.py) in
headless Chromium: what someone on a phone sees first, without scrolling.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from selenium.webdriver.common.by import By

from tests.a11y.conftest import LiveServer, _use_link, chrome, seeded_app

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PAGES = {"claim-your-time": "/claims/a11y-empty/time", "interest-what-would-help": "/roles/2/interest/access"}
LOCALES = ("en", "ar", "cy")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = seeded_app(Path(tmp), "screenshots")
        with LiveServer(app) as server:
            driver = chrome()
            try:
                _use_link(driver, server.url, "a11y-contributor")
                for name, path in PAGES.items():
                    for locale in LOCALES:
                        driver.get(f"{server.url}{path}?lang={locale}&easy-read=on")
                        top = driver.find_element(By.TAG_NAME, "h1").rect["y"]
                        file = OUT / f"{name}-{locale}-easy-read.png"
                        driver.save_screenshot(str(file))
                        print(f"{file.relative_to(OUT.parent.parent)}  h1 top {top:.0f} px of 844")
            finally:
                driver.quit()
        app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
