"""In a real browser: Debian's chromium driven by selenium, with the network switched off.

The interactive network must open from a file with no request to any server, show the
panel when a reader clicks an actor or a link, and fit a 390 px phone and a 1280 px screen.
Screenshots are kept under ``$IMPT_ARTEFACTS`` (default ``tmp/artefacts`` in the work tree)
for a person to look at.

Skipped, saying why, when chromium, its driver or selenium is missing, except in CI
(``CI`` set), where ``.ci/run`` installs them and a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = Path(os.environ.get("IMPT_ARTEFACTS", ROOT / "tmp" / "artefacts"))
WIDTHS = (1280, 390)


def _missing() -> str:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    for exe in ("chromium", "chromedriver"):
        if shutil.which(exe) is None:
            return f"{exe} is not on PATH (apt-get install -y chromium chromium-driver)"
    return ""


@pytest.fixture(scope="module")
def browser():
    why = _missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests need chromium in CI: {why}")
        pytest.skip(f"browser tests skipped: {why}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1280,900",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(60)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def open_page(driver, path: Path, width: int, height: int = 900):
    """Open a file at a window width (CSS pixels) and wait for the network to be drawn."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.get_log("performance")  # drop earlier entries
    driver.get_log("browser")
    driver.get(path.as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.body.dataset.ready === '1'"))


def requests_made(driver) -> list[str]:
    """Every URL the page asked for, other than itself and data: URLs."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if not url.startswith(("file:", "data:", "about:", "blob:")):
                urls.append(url)
    return urls


def severe_console(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def click_at(driver, x: float, y: float):
    """A real mouse click at a point of the network's canvas (CSS pixels from its top left)."""
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = driver.find_element("css selector", "#net canvas")
    size = canvas.size
    ActionChains(driver).move_to_element_with_offset(
        canvas, x - size["width"] / 2, y - size["height"] / 2
    ).pause(0.2).click().perform()


def node_point(driver, node: str):
    return driver.execute_script(
        "var n = window.imptNetwork; var p = n.getPositions([arguments[0]])[arguments[0]];"
        "return n.canvasToDOM(p);",
        node,
    )


def edge_point(driver, edge: str):
    return driver.execute_script(
        "var n = window.imptNetwork; var e = n.body.edges[arguments[0]];"
        "var p = e.edgeType.getPoint(0.5); return n.canvasToDOM(p);",
        edge,
    )


@pytest.fixture(scope="module")
def network_page(tmp_path_factory):
    from impt_analysis import load_study
    from impt_analysis.reporting.network_view import network_html

    path = tmp_path_factory.mktemp("network") / "network_DK.html"
    path.write_text(network_html(load_study(), "DK"), encoding="utf-8")
    return path


def test_the_network_opens_offline_and_a_click_shows_the_panel(browser, network_page):
    open_page(browser, network_page, 1280)
    assert requests_made(browser) == []
    assert severe_console(browser) == []
    browser.execute_script("window.imptNetwork.fit({animation: false})")
    x, y = node_point(browser, "DK-A001").values()
    click_at(browser, x, y)
    panel = browser.find_element("id", "panel").text
    assert "National coordination unit on trafficking, ministry" in panel
    assert "What it knows" in panel and "Whom it tells" in panel and "Who tells it" in panel
    assert "national_coordinator" not in panel and "Government · National · National co-ordination" in panel
    browser.save_screenshot(str(ARTEFACTS / "network_DK_node_1280.png"))

    x, y = edge_point(browser, "DK-A003->DK-A001").values()
    click_at(browser, x, y)
    panel = browser.find_element("id", "panel").text
    assert "National police anti-trafficking unit → National coordination unit" in panel, panel
    assert "The flow" in panel and "Formal report, regular" in panel
    browser.save_screenshot(str(ARTEFACTS / "network_DK_edge_1280.png"))


def test_the_filters_hide_links_and_the_reach_lights_up(browser, network_page):
    open_page(browser, network_page, 1280)
    shown = (
        "return window.imptNetwork.body.data.edges.get().filter(function (e) { return !e.hidden; }).length"
    )
    before = browser.execute_script(shown)
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "f-frequency")).select_by_value("regular")
    regular = browser.execute_script(shown)
    assert 0 < regular < before
    browser.find_element("id", "f-cross").click()
    assert browser.execute_script(shown) < regular
    Select(browser.find_element("id", "f-reach")).select_by_value("DK-A011")
    panel = browser.find_element("id", "panel").text
    assert "Regional police district, region A" in panel and "every way passes through" in panel


@pytest.mark.parametrize("width", WIDTHS)
def test_the_network_fits_the_screen(browser, network_page, width):
    open_page(browser, network_page, width)
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than a {width} px screen"
    canvas = browser.find_element("css selector", "#net canvas").size
    assert canvas["width"] >= 0.7 * width, f"the network is only {canvas['width']} px wide"
    x, y = node_point(browser, "DK-A001").values()
    browser.execute_script("window.imptShowNode('DK-A001')")
    browser.save_screenshot(str(ARTEFACTS / f"network_DK_{width}.png"))


# --- the explorer in a JupyterLab this test starts on 127.0.0.1 ---------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A JupyterLab serving a copy of notebooks/explore.ipynb, its settings and state in a temporary folder."""
    if _missing():
        pytest.skip(f"browser tests skipped: {_missing()}")
    import secrets
    import subprocess
    import sys
    import time
    import urllib.request

    root = tmp_path_factory.mktemp("lab")
    (root / "work").mkdir()
    shutil.copy(ROOT / "notebooks" / "explore.ipynb", root / "work" / "explore.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
        "IPYTHONDIR": str(root / "ipython"),
    }
    news = root / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    jupyter = Path(sys.executable).parent / "jupyter"
    log = open(root / "lab.log", "w")
    proc = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root / 'work'}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--ServerApp.open_browser=False",
            "--allow-root",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("JupyterLab did not start in 60 s: " + (root / "lab.log").read_text()[-2000:])
    if proc.poll() is not None:
        pytest.fail("JupyterLab stopped: " + (root / "lab.log").read_text()[-2000:])
    yield url, token
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _wait(driver, condition, seconds=90, what="the condition"):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.25).until(condition)
    except TimeoutException:
        driver.save_screenshot(str(ARTEFACTS / "explorer_timeout.png"))
        raise AssertionError(f"timed out waiting for {what} (screenshot explorer_timeout.png)") from None


def _dropdowns(driver):
    """Each dropdown of the explorer: (its description, the text it shows)."""
    return driver.execute_script("""
        return Array.from(document.querySelectorAll('.widget-dropdown')).map(function (d) {
            var s = d.querySelector('select'); var l = d.querySelector('label');
            var t = s.selectedIndex >= 0 ? s.options[s.selectedIndex].text : '';
            return [l ? l.textContent : '', t.replace(/\u00a0/g, ' ')];
        });""")


def _choose(select, start: str) -> str:
    """Choose the first option whose text (ipywidgets writes non-breaking spaces) starts with ``start``."""
    texts = [o.text.replace("\xa0", " ") for o in select.options]
    index = next(i for i, text in enumerate(texts) if text.startswith(start))
    select.select_by_index(index)
    return texts[index]


def _summary(driver) -> str:
    return driver.execute_script("""
        var ps = Array.from(document.querySelectorAll('.widget-html-content p b'));
        return ps.length ? ps.map(function (b) { return b.textContent; }).join(' | ') : '';""")


def test_the_explorer_in_jupyterlab_answers_a_change_of_country_and_filter(browser, jupyterlab):
    from selenium.webdriver.support.ui import Select

    url, token = jupyterlab
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    try:
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
        )
        browser.get(f"{url}/lab/tree/explore.ipynb?token={token}")
        _wait(
            browser,
            lambda d: d.execute_script(
                "var a = window.jupyterapp; return !!(a && a.shell && a.shell.currentWidget"
                " && a.shell.currentWidget.sessionContext && a.shell.currentWidget.sessionContext.session"
                " && a.shell.currentWidget.sessionContext.session.kernel);"
            ),
            what="the notebook and its kernel",
        )
        browser.execute_script(
            "var c = window.jupyterapp.commands; c.execute('application:toggle-left-area');"
            "c.execute('notebook:run-all-cells');"
        )
        _wait(
            browser,
            lambda d: len(d.find_elements("css selector", ".widget-dropdown select")) >= 3,
            seconds=180,
            what="the explorer's widgets",
        )
        _wait(browser, lambda d: "All interviews" in _summary(d), what="the first summary")
        assert all(shown for _, shown in _dropdowns(browser)), _dropdowns(browser)

        countries = Select(browser.find_element("css selector", ".widget-select-multiple select"))
        _choose(countries, "Denmark")
        _wait(browser, lambda d: _summary(d).startswith("Denmark"), what="the summary of Denmark")
        sector = Select(
            browser.find_element(
                "xpath", "//div[contains(@class,'widget-dropdown')][.//label[contains(., 'Sector')]]//select"
            )
        )
        police = _choose(sector, "Police")
        _wait(browser, lambda d: "sector Police" in _summary(d), what="the summary of Danish police")
        rows = browser.execute_script(
            "return document.querySelectorAll('table.impt-explorer tbody tr').length"
        )
        assert rows == 1, f"{rows} interview rows for the Danish police (expected 1, DK-I02)"
        shown = dict(_dropdowns(browser))
        assert shown["Sector"] == police and all(shown.values()), shown
        browser.execute_script("document.querySelector('.widget-select-multiple').scrollIntoView(true)")
        browser.save_screenshot(str(ARTEFACTS / "explorer_filter_1280.png"))

        _choose(sector, "All sectors")
        _wait(
            browser,
            lambda d: (
                _summary(d) == "Denmark" or _summary(d).startswith("Denmark:") or "sector" not in _summary(d)
            ),
            what="all sectors again",
        )
        assert dict(_dropdowns(browser))["Sector"] == "All sectors"

        tab = browser.find_element(
            "xpath", "//li[contains(@class,'lm-TabBar-tab')][.//div[text()='Network']]"
        )
        tab.click()
        frame = _wait(
            browser,
            lambda d: d.find_elements("css selector", "iframe.impt-network"),
            what="the network's frame",
        )[0]
        browser.execute_script("arguments[0].scrollIntoView(true)", frame)
        browser.switch_to.frame(frame)
        _wait(
            browser,
            lambda d: d.execute_script("return document.body.dataset.ready === '1'"),
            what="the network drawn inside JupyterLab",
        )
        browser.execute_script("window.imptShowNode('DK-A001')")
        assert "What it knows" in browser.find_element("id", "panel").text
        browser.switch_to.default_content()
        browser.save_screenshot(str(ARTEFACTS / "explorer_network_1280.png"))
    finally:
        browser.switch_to.default_content()
        browser.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
        )


# --- the report pages -----------------------------------------------------------------------------

#: A figure shrunk below this share of its own width has labels too small to read (7 pt at 100 dpi).
READABLE_SCALE = 0.6


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo report, built once (or the folder ``$IMPT_SITE`` names, already built)."""
    if _missing():
        pytest.skip(f"browser tests skipped: {_missing()}")
    if os.environ.get("IMPT_SITE"):
        return Path(os.environ["IMPT_SITE"])
    from impt_analysis.reporting.report import run_report

    out = tmp_path_factory.mktemp("site") / "reports"
    run_report(out=out, jobs=2, progress=False)
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("*.html"))


def _page_problems(driver, width: int) -> list[str]:
    problems = []
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        wide = driver.execute_script("""
            var w = window.innerWidth; return Array.from(document.querySelectorAll('body *')).filter(function (e) {
              var r = e.getBoundingClientRect(); return r.right > w + 1 && getComputedStyle(e).position !== 'fixed'
              && !e.closest('.table-scroll, .impt-scroll, [style*="overflow"]'); }).slice(0, 3).map(function (e) {
              return e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + 'px'; });""")
        problems.append(f"{overflow} px wider than the {width} px screen ({', '.join(wide)})")
    small = driver.execute_script("""
        return Array.from(document.images).filter(function (i) { return i.naturalWidth > 0; }).map(function (i) {
          return [i.alt || i.src.slice(0, 40), i.getBoundingClientRect().width / i.naturalWidth]; });""")
    for alt, scale in small:
        if scale < READABLE_SCALE:
            problems.append(f"figure {alt!r} shown at {scale:.0%} of its width: its labels cannot be read")
    broken = driver.execute_script("""
        return Array.from(document.querySelectorAll('a[href]')).map(function (a) { return a.getAttribute('href'); })
          .filter(function (h) { return /^[^:#?]+[.]html$/.test(h); });""")
    here = Path(driver.current_url.replace("file://", "")).parent
    missing = sorted({h for h in broken if not (here / h).exists()})
    if missing:
        problems.append("links to pages the site lacks: " + ", ".join(missing))
    errors = severe_console(driver)
    if errors:
        problems.append("console errors: " + " | ".join(e[:160] for e in errors[:3]))
    asked = requests_made(driver)
    if asked:
        problems.append("requests to servers: " + ", ".join(asked[:3]))
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_every_report_page_reads_offline_on_the_screen(browser, site, width):
    from selenium.webdriver.support.ui import WebDriverWait

    found = {}
    for page in _pages(site):
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        browser.get_log("performance")
        browser.get_log("browser")
        browser.get(page.as_uri())
        WebDriverWait(browser, 30).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )
        problems = _page_problems(browser, width)
        if problems:
            found[page.name] = problems
        if page.name in (
            "index.html",
            "country_mapping_DK.html",
            "barrier_analysis_DK.html",
            "regional_overview.html",
        ):
            browser.save_screenshot(str(ARTEFACTS / f"page_{page.stem}_{width}.png"))
    assert not found, "\n".join(f"{name}: {'; '.join(p)}" for name, p in found.items())


def test_the_pages_link_to_each_other_and_to_the_methods(browser, site):
    browser.get((site / "country_mapping_DK.html").as_uri())
    hrefs = browser.execute_script(
        "return Array.from(document.querySelectorAll('nav a')).map(function (a) {"
        " return a.getAttribute('href'); })"
    )
    assert {"index.html", "barrier_analysis_DK.html", "regional_overview.html", "methods.html"} <= set(hrefs)
    browser.get((site / "index.html").as_uri())
    assert browser.find_elements("css selector", 'a[href="methods.html"]'), (
        "the index does not link the methods"
    )
    browser.get((site / "methods.html").as_uri())
    assert browser.find_element("tag name", "h1").text.startswith("Methods")


def test_a_country_page_holds_the_network_and_a_click_shows_the_panel(browser, site):
    page = site / "country_mapping_DK.html"
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    browser.get_log("performance")
    browser.get(page.as_uri())
    frames = browser.find_elements("css selector", "iframe.impt-network")
    assert frames, "the country page has no interactive network"
    browser.execute_script("arguments[0].scrollIntoView(true)", frames[0])
    browser.switch_to.frame(frames[0])
    try:
        _wait(
            browser,
            lambda d: d.execute_script("return document.body.dataset.ready === '1'"),
            seconds=30,
            what="the network drawn on the country page",
        )
        browser.execute_script("window.imptNetwork.fit({animation: false})")
        x, y = node_point(browser, "DK-A001").values()
        click_at(browser, x, y)
        assert "What it knows" in browser.find_element("id", "panel").text
        x, y = edge_point(browser, "DK-A003->DK-A001").values()
        click_at(browser, x, y)
        panel = browser.find_element("id", "panel").text
        assert "National police anti-trafficking unit → National coordination unit" in panel, panel
        assert "The flow" in panel
    finally:
        browser.switch_to.default_content()
    assert requests_made(browser) == []
    browser.save_screenshot(str(ARTEFACTS / "page_country_mapping_DK_network_edge_1280.png"))
