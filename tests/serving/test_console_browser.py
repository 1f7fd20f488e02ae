"""The console in a real browser: Playwright driving Debian's chromium against uvicorn on 127.0.0.1.

Marked `browser` (not in the default run; `make test` runs them when /usr/bin/chromium exists). Install the
browser with `apt-get install chromium`: Playwright's own browser download cannot work offline.

`SARING_CONSOLE_SCREENSHOTS=docs/console .venv/bin/pytest -m browser -k screenshots` also writes the
screenshots of docs/console.md (SARING_EVAL_REPORT may name a report to show on the Model page).
"""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from serving.app import create_app
from serving.settings import Settings
from tests.model.test_claims import MERAPI, SIRSAK, TELUR, VAKSIN
from tests.serving.conftest import API_KEY, INCITE, INSULT, NEUTRAL, lexical_claims, sha

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PARENT = "dasar walikota goblok dan maling uang rakyat, mundur saja kau"
QUOTING_REPLY = "Tidak benar bahwa walikota goblok dan maling uang rakyat; laporan keuangan diaudit BPK."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no /usr/bin/chromium: install Debian's browser with "
        "`apt-get install chromium` to run the console's browser tests",
    ),
]


class Server:
    """uvicorn serving an app on 127.0.0.1 in a thread of this process."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.app = app
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def server(tiny_baseline_dir: Path, tmp_path: Path) -> Iterator[Server]:
    settings = Settings(
        model_dir=tiny_baseline_dir,
        data_dir=tmp_path / "data",
        rate_limit_per_minute=0,
        api_key_hashes=[sha(API_KEY)],
        require_api_key=True,
        # "informasi": flags no score of the tiny model reaches, for the one post the queue must show as allowed
        channel_policies={
            "pengaduan": {"slander": {"flag": 0.8, "block": 0.97}},
            "informasi": {r: {"flag": 0.99, "block": 0.995} for r in ("hoax", "slander", "incitement")},
        },
    )
    with Server(create_app(settings, claims_opener=lexical_claims)) as s:
        yield s


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def api(server: Server, method: str, path: str, **kw: Any) -> Any:
    r = httpx.request(method, server.url + path, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=30, **kw)
    assert r.status_code < 300, r.text
    return r.json()


def log_in(page: Any, server: Server, path: str = "/console/periksa") -> None:
    page.goto(server.url + path)
    assert "/console/login" in page.url
    page.fill("#key", API_KEY)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(re.escape(path)))


def test_check_then_correct_in_the_queue_then_export(server: Server, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # a wrong key is refused, the right one logs in (the Secure, HttpOnly cookie works on 127.0.0.1)
    page.goto(server.url + "/console/antrean")
    page.fill("#key", "kunci-salah")
    page.click("form.stack button[type=submit]")
    assert "tidak valid" in page.inner_text("main")
    log_in(page, server)
    cookie = next(c for c in page.context.cookies() if c["name"] == "saring_console")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"

    # Periksa: a text, its scores and highlighted words, stored for the queue
    page.fill("#text", INSULT)
    page.check("input[name=store]")
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#scores")
    expected = api(server, "POST", "/v1/score", json={"items": [{"text": INSULT}]})["results"][0]
    for risk in ("hoax", "slander", "incitement"):
        shown = page.get_attribute(f"tr[data-risk={risk}] .num", "data-score")
        assert float(shown) == pytest.approx(expected["scores"][risk], abs=1e-6)
    assert expected["decisions"]["slander"] != "allow"
    assert page.locator("#highlighted mark.hl-slander").count() >= 1
    assert "Tersimpan" in page.inner_text("#result")

    # a draft reply: the parent field appears and the repeat warning is shown
    page.check("input[name=kind][value=reply]")
    assert page.is_visible("#parent_text")
    page.fill("#parent_text", PARENT)
    page.fill("#text", QUOTING_REPLY)
    page.uncheck("input[name=store]")
    page.click("#check-form button[type=submit]")
    page.wait_for_selector(".warn-REPEATS_RISKY_PARENT")

    # Antrean: keyboard to the slander row of the first item, n corrects it
    api(
        server,
        "POST",
        "/v1/score",
        json={"items": [{"text": NEUTRAL, "id": "netral", "channel": "informasi"}], "store": True},
    )
    page.goto(server.url + "/console/antrean")
    first = page.locator(".qitem").first
    assert "selected" in (first.get_attribute("class") or "")
    assert INSULT in first.inner_text()
    page.keyboard.press("2")
    assert "active" in (first.locator(".qrisk[data-risk=slander]").get_attribute("class") or "")
    with page.expect_navigation():
        page.keyboard.press("n")
    assert "Tersimpan" in page.inner_text("#done")
    assert page.locator(".qitem").count() == 0, "the only flagged item has been reviewed"
    page.goto(server.url + "/console/antrean?status=reviewed&decision=all")
    assert INSULT in page.inner_text("#queue")

    # the correction is in `saring feedback export`
    out = tmp_path / "koreksi.csv"
    db = server.app.state.settings.database_url
    done = subprocess.run(
        [sys.executable, "-m", "model", "feedback", "export", "--db", db, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SARING_HOST": "127.0.0.1"},
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["text"], r["slander"], r["hoax"]) for r in rows] == [(INSULT, "0", "")]
    page.close()


def test_queue_buttons_work_on_a_phone(server: Server, browser: Any) -> None:
    api(server, "POST", "/v1/score", json={"items": [{"text": INSULT}], "store": True})
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, server, "/console/antrean")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    page.locator(".qitem").first.locator("button[value='slander:confirm']").tap()
    page.wait_for_selector("#done")
    rows = server.app.state.store.feedback_rows()
    assert [(r["risk"], r["label"]) for r in rows] == [("slander", 1)]
    page.close()


def test_screenshots(server: Server, browser: Any, tmp_path: Path) -> None:
    """Writes docs/console/*.png when SARING_CONSOLE_SCREENSHOTS names the folder."""
    folder = os.environ.get("SARING_CONSOLE_SCREENSHOTS")
    if not folder:
        pytest.skip("screenshots are written only when SARING_CONSOLE_SCREENSHOTS names a folder")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    vaksin = {
        "claim": VAKSIN["claimReviewed"],
        "verdict": "false",
        "rating": "SALAH",
        "url": VAKSIN["url"],
        "publisher": "turnbackhoax.id",
        "date": "2021-05-01",
    }
    flat = [vaksin, {**SIRSAK, "verdict": "false"}, {**TELUR, "verdict": "false"}, {**MERAPI, "verdict": "unproven"}]
    api(server, "POST", "/v1/claims", json={"claims": flat})
    api(
        server,
        "POST",
        "/v1/score",
        json={
            "store": True,
            "items": [
                {"text": INSULT, "id": "wa-17"},
                {"text": INCITE, "id": "fb-203", "channel": "pengaduan"},
                {"text": "SEBARKAN!! air rebusan daun sirsak menyembuhkan kanker dalam dua minggu", "id": "wa-18"},
                {"text": QUOTING_REPLY, "parent_text": PARENT, "id": "draf-4"},
                {"text": NEUTRAL, "id": "ig-5"},
            ],
        },
    )
    wide = browser.new_page(viewport={"width": 1280, "height": 860})
    wide.goto(server.url + "/console/periksa")
    wide.screenshot(path=str(out / "login.png"))
    log_in(wide, server)
    wide.fill(
        "#text", "SEBARKAN!! air rebusan daun sirsak menyembuhkan kanker dalam dua minggu, dokter menyembunyikan ini"
    )
    wide.click("#check-form button[type=submit]")
    wide.wait_for_selector("#scores")
    wide.screenshot(path=str(out / "periksa.png"), full_page=True)
    wide.goto(server.url + "/console/antrean?decision=all&sort=riskiest")
    wide.keyboard.press("j")
    wide.screenshot(path=str(out / "antrean.png"))  # the first screen: the whole queue is over 300 KB
    wide.goto(server.url + "/console/klaim?q=" + "vaksin ada chip pelacaknya")
    wide.screenshot(path=str(out / "klaim.png"), full_page=True)
    wide.goto(server.url + "/console/model")
    wide.screenshot(path=str(out / "model.png"), full_page=True)
    phone = browser.new_page(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=1
    )
    log_in(phone, server)
    phone.check("input[name=kind][value=reply]")
    phone.fill("#parent_text", PARENT)
    phone.fill("#text", QUOTING_REPLY)
    phone.click("#check-form button[type=submit]")
    phone.wait_for_selector("#scores")
    phone.screenshot(path=str(out / "periksa-phone.png"), full_page=True)
    phone.goto(server.url + "/console/antrean")
    phone.screenshot(path=str(out / "antrean-phone.png"))
    sizes = {p.name: p.stat().st_size for p in out.glob("*.png")}
    (tmp_path / "sizes.json").write_text(json.dumps(sizes))
    assert all(size < 300_000 for size in sizes.values()), sizes
