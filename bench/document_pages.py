"""Page images of three printable documents (app/documents.py), for README.

    .venv/bin/python -m bench.document_pages      # writes docs/screenshots/document-*.png

The role description in easy read (English), the same role in Arabic (right to left), and a
meeting pack in Welsh easy read, drawn from the browser suite's seeded data
(tests/a11y/conftest.py) exactly as a reader downloads them, and their first page rendered with
poppler's ``pdftoppm`` 1170 pixels wide: a phone's 390 CSS pixels at 3x, so the 14-16 pt type of
the page reads as it would on paper when the image fills a phone's screen.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from tests.a11y.conftest import seeded_app

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DOCUMENTS = {
    "document-role-en-easy-read": "/roles/2/role.pdf?lang=en&easy-read=on",
    "document-role-ar": "/roles/2/role.pdf?lang=ar&easy-read=off",
    "document-meeting-pack-cy-easy-read": "/m/a11ysoon/pack.pdf?lang=cy&easy-read=on",
}
WIDTH = 1170


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = seeded_app(Path(tmp), "documents")
        client = app.test_client()
        for name, path in DOCUMENTS.items():
            response = client.get(path)
            assert response.status_code == 200 and response.mimetype == "application/pdf", (path, response.status)
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(response.get_data())
            subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", "1", "-l", "1", "-scale-to-x", str(WIDTH),
                            "-scale-to-y", "-1", str(pdf), str(OUT / name)], check=True)
            pages = next(line.split()[-1] for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
                if line.startswith("Pages:"))
            print(f"docs/screenshots/{name}.png  (page 1 of {pages}) from {path}")


if __name__ == "__main__":
    main()
