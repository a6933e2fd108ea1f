#!/usr/bin/python3
"""Drives the cmsd dashboard in headless Chromium (Debian's chromium + chromium-driver, python3-selenium).

Run by Tests/CMSDaemonTests/E2E/DashboardBrowserTests.swift against a live cmsd and nxr-sim fleet. Prints one
JSON object per check on stdout ("check" lines) and a handshake line "WAIT-DOWN <device>" when the test should make
a device go down; it then reads one line from stdin ("DOWN") and watches the page. Exits 0 when it ran to the end
(the Swift test judges the checks).

usage: dashboard_browser.py BASE TENANT TOKEN READONLY_TOKEN ALL_TOKEN SCREENSHOT_DIR DOWN_DEVICE
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

BASE, TENANT, TOKEN, RO_TOKEN, ALL_TOKEN, SHOTS, DOWN = sys.argv[1:8]


def check(name, ok, **details):
    print(json.dumps({"check": name, "ok": bool(ok), **details}, ensure_ascii=False), flush=True)


def api(path):
    request = urllib.request.Request(BASE + "/api/v1/tenants/" + TENANT + path,
                                     headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post(path, fields, cookie=None):
    data = urllib.parse.urlencode(fields).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = "cms_session=" + cookie
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(BASE + path, data=data, headers=headers), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def texts(driver, selector):
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, selector)]


def navigate(driver, element_id):
    """Clicks a link or a form's button and waits until the answer has replaced the page."""
    element = driver.find_element(By.ID, element_id)
    element.click()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(element))


def login(driver, token):
    driver.get(BASE + "/login")
    driver.find_element(By.ID, "token").send_keys(token)
    button = driver.find_element(By.ID, "login-submit")
    button.click()
    # click() returns before the POST's answer replaces the page: wait for it, or a check reads the old page.
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(button))


def main():
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=en-US"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    try:
        run(driver)
    finally:
        driver.quit()


def run(driver):
    # Not logged in: every page leads to the login page.
    driver.get(BASE + "/devices")
    check("redirected-to-login", driver.current_url.endswith("/login"), url=driver.current_url)
    shot(driver, "login")
    login(driver, "not-a-token")
    check("bad-token-refused", driver.find_elements(By.ID, "login-error") != [])

    login(driver, TOKEN)
    check("logged-in", driver.current_url.rstrip("/") == BASE, url=driver.current_url)
    cookie = driver.get_cookie("cms_session")
    check("cookie-flags", cookie is not None and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict",
          cookie={k: cookie.get(k) for k in ["httpOnly", "sameSite", "secure", "path"]} if cookie else None)

    # Overview: the 7 state counters match the API's device list.
    page_counts = {e.get_attribute("data-count-state"): int(e.find_element(By.CSS_SELECTOR, ".n").text)
                   for e in driver.find_elements(By.CSS_SELECTOR, "[data-count-state]")}
    api_counts = {}
    for state in ["awaiting-address", "identifying", "connected", "rebooting", "disconnected", "communicating",
                  "suspended"]:
        api_counts[state] = api("/devices?state=" + state + "&pageSize=16")["total"]
    check("overview-counts-match-api", page_counts == api_counts and len(page_counts) == 7,
          page=page_counts, api=api_counts)
    status = api("/status")
    revision = driver.find_element(By.ID, "revision-in-force").text
    check("overview-revision", revision == (status.get("lastAppliedRevision") or "—"), page=revision)
    shot(driver, "overview")

    # Device list: paging and search.
    total = api("/devices")["total"]
    driver.get(BASE + "/devices?pageSize=16")
    rows1 = texts(driver, "#device-table tbody tr td:first-child")
    pages = int(driver.find_element(By.ID, "pages").text)
    navigate(driver, "next")
    rows2 = texts(driver, "#device-table tbody tr td:first-child")
    check("paging", len(rows1) == 16 and pages == (total + 15) // 16 and len(rows2) == min(16, total - 16)
          and not set(rows1) & set(rows2), total=total, pages=pages, first=len(rows1), second=len(rows2))
    driver.get(BASE + "/devices?pageSize=all")
    shot(driver, "devices")
    driver.find_element(By.ID, "value").send_keys("nxr0")
    navigate(driver, "search")
    partial = texts(driver, "#device-table tbody tr td:first-child")
    expected = sorted(d["code"] for d in api("/devices?field=code&value=nxr0&match=partial")["devices"])
    check("search-partial", sorted(partial) == expected and len(partial) > 1, page=partial, api=expected)
    driver.get(BASE + "/devices?field=code&value=nxr01&match=exact&pageSize=all")
    exact = texts(driver, "#device-table tbody tr td:first-child")
    check("search-exact", exact == ["nxr01"], page=exact)
    driver.get(BASE + "/devices?field=name&value=%E5%B8%82&pageSize=all")
    by_name = texts(driver, "#device-table tbody tr td:first-child")
    check("search-other-field", "ichigaya" in by_name, page=by_name)
    csv = driver.execute_async_script(
        "var done = arguments[0]; fetch('/devices.csv').then(r => r.text()).then(done);")
    lines = [l for l in csv.split("\r\n") if l]
    check("device-csv", lines[0].startswith("code,name,product,state") and len(lines) == total + 1, lines=len(lines))

    # Device detail.
    driver.get(BASE + "/devices/nxr01")
    check("device-detail", driver.find_element(By.ID, "identity").get_attribute("data-code") == "nxr01"
          and len(driver.find_elements(By.CSS_SELECTOR, "#event-table tbody tr")) > 0)
    shot(driver, "device")

    # Events: the search and its CSV.
    driver.get(BASE + "/events?device=nxr01")
    devices = set(texts(driver, "#event-table tbody tr td:nth-child(4)"))
    check("events-search", devices == {"nxr01"}, devices=sorted(devices))
    csv = driver.execute_async_script(
        "var done = arguments[0]; fetch('/events.csv?device=nxr01').then(r => r.text()).then(done);")
    check("events-csv", csv.startswith("id,time,tenant,type") or csv.startswith("\ufeffid,time"))
    driver.get(BASE + "/events")
    shot(driver, "events")

    # Groups and IPsec: the pictures of the guide's mesh and star.
    def topology(group):
        driver.get(BASE + "/groups/" + group + "?refresh=1")
        nodes = {n.get_attribute("data-device"): n.get_attribute("data-role")
                 for n in driver.find_elements(By.CSS_SELECTOR, "#topology g.node")}
        edges = sorted(tuple(sorted([e.get_attribute("data-from"), e.get_attribute("data-to")]))
                       + (e.get_attribute("data-backup"), e.get_attribute("data-state"))
                       for e in driver.find_elements(By.CSS_SELECTOR, "#topology line.edge"))
        return nodes, edges
    nodes, edges = topology("IPsec-mesh")
    check("ipsec-mesh-svg", set(nodes) == {"nxr01", "nxr02", "nxr03"}
          and [e[:2] for e in edges] == [("nxr01", "nxr02"), ("nxr01", "nxr03"), ("nxr02", "nxr03")],
          nodes=nodes, edges=edges)
    shot(driver, "ipsec-mesh")
    nodes, edges = topology("IPsec-star")
    spokes = ["star_nxr01", "star_nxr02", "star_nxr03", "star_nxr04"]
    want = sorted([tuple(sorted(["star_center", s])) + ("false",) for s in spokes]
                  + [tuple(sorted(["star_backup", s])) + ("true",) for s in spokes])
    check("ipsec-star-svg", nodes.get("star_center") == "center" and nodes.get("star_backup") == "backup-center"
          and set(nodes) == {"star_center", "star_backup", *spokes} and [e[:3] for e in edges] == want,
          nodes=nodes, edges=edges)
    check("ipsec-edge-colours", all(e[3] in ["up", "down", "partial", "not-fetched"] for e in edges),
          states=sorted({e[3] for e in edges}))
    shot(driver, "ipsec-star")

    # Operations: the schedules of the example repository, read through their control protocol.
    driver.get(BASE + "/operations")
    names = texts(driver, "#schedules tbody tr td:first-child")
    expected = sorted(s["name"] for s in api("/schedules")["schedules"])
    check("operations-schedules", sorted(names) == expected and len(names) > 0, page=names, api=expected)
    shot(driver, "operations")

    # Config archive: nxr01's config pulled now from the page; the history is the API's.
    driver.get(BASE + "/archive?device=nxr01")
    navigate(driver, "config-pull")
    rows = [e.get_attribute("data-revision") for e in driver.find_elements(By.CSS_SELECTOR, "#archive-log tbody tr")]
    log = [e["revision"] for e in api("/devices/nxr01/config/log?limit=50")["entries"]]
    check("archive-history", rows == log and len(rows) >= 1 and driver.find_elements(By.ID, "error-message") == [],
          page=rows, api=log)
    shot(driver, "archive")

    # Backups: one written now from the page; its contents shown.
    driver.get(BASE + "/backups")
    navigate(driver, "backup-now")
    location = driver.find_elements(By.ID, "backup-location")
    members = driver.find_elements(By.CSS_SELECTOR, "#backup-members tbody tr")
    check("backup-written", location != [] and location[0].text.endswith(".tgz") and len(members) > 0,
          location=location[0].text if location else None, members=len(members))
    name = location[0].text.rsplit("/", 1)[-1] if location else "none.tgz"
    driver.get(BASE + "/backups")
    driver.find_element(By.NAME, "source").send_keys(name)
    navigate(driver, "backup-check")
    check("backup-checked", driver.find_elements(By.ID, "backup-result") != []
          and driver.find_elements(By.ID, "error-message") == [])
    shot(driver, "backups")

    # A phone (390 x 844, touch, device pixels 3): every page fits the width — no sideways scrolling of the page
    # (wide tables scroll in their own box), every menu entry on screen, text not shrunk.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
    layout = {}
    for path in ["/", "/devices?pageSize=all", "/devices/nxr01", "/events", "/groups/IPsec-star", "/operations",
                 "/archive?device=nxr01", "/backups"]:
        driver.get(BASE + path)
        layout[path] = driver.execute_script("""
            const nav = Array.from(document.querySelectorAll('header a, header button'));
            return {inner: window.innerWidth, width: document.documentElement.scrollWidth,
                    offscreen: nav.filter(e => { const r = e.getBoundingClientRect();
                                                 return r.width === 0 || r.left < 0 || r.right > window.innerWidth + 0.5; })
                              .map(e => e.id || e.textContent),
                    font: parseFloat(getComputedStyle(document.body).fontSize)};""")
        if path in ["/", "/devices?pageSize=all", "/groups/IPsec-star"]:
            shot(driver, "phone-" + (path.strip("/").split("?")[0].replace("/", "-") or "overview"))
    bad = {p: v for p, v in layout.items()
           if v["inner"] != 390 or v["width"] > v["inner"] or v["offscreen"] or v["font"] < 12}
    check("phone-layout", bad == {}, bad=bad)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})

    # Language switch.
    driver.get(BASE + "/devices")
    english = driver.find_element(By.ID, "nav-devices").text
    navigate(driver, "lang-switch")
    japanese = driver.find_element(By.ID, "nav-devices").text
    check("language-switch", english == "Devices" and japanese == "機器一覧" and driver.current_url.endswith("/devices"),
          english=english, japanese=japanese)
    shot(driver, "devices-ja")
    navigate(driver, "lang-switch")

    # Live: a device goes down in the simulator; its row changes without a reload.
    driver.get(BASE + "/devices?pageSize=all")
    driver.execute_script("window.__marker = 'no-reload';")
    deadline = time.time() + 10
    while time.time() < deadline and "on" not in (driver.find_element(By.ID, "live-status").get_attribute("class")):
        time.sleep(0.05)
    print("WAIT-DOWN " + DOWN, flush=True)
    line = sys.stdin.readline().strip()
    start = time.time()
    seen = None
    while time.time() - start < 2.0:
        cell = driver.find_element(By.CSS_SELECTOR, 'tr[data-code="%s"] td[data-state]' % DOWN)
        if cell.get_attribute("data-state") == "disconnected":
            seen = time.time() - start
            break
        time.sleep(0.05)
    check("live-down-within-2s", line == "DOWN" and seen is not None
          and driver.execute_script("return window.__marker;") == "no-reload", seconds=seen, handshake=line)
    driver.get(BASE + "/")
    time.sleep(0.5)
    shot(driver, "overview-live")

    # Actions: CSRF and cookie checks, then a real reconcile recorded with the token's name.
    session = driver.get_cookie("cms_session")["value"]
    csrf = driver.find_element(By.NAME, "csrf").get_attribute("value")
    check("no-cookie-refused", post("/actions/reconcile", {"csrf": csrf}) == 401)
    check("forged-csrf-refused", post("/actions/reconcile", {"csrf": "0" * 64}, cookie=session) == 403)
    check("missing-csrf-refused", post("/actions/reconcile", {}, cookie=session) == 403)
    navigate(driver, "reconcile")
    check("reconcile-accepted", driver.current_url.rstrip("/") == BASE
          and driver.find_elements(By.ID, "error-message") == [], url=driver.current_url)
    navigate(driver, "refresh")
    check("refresh-accepted", driver.current_url.rstrip("/") == BASE
          and driver.find_elements(By.ID, "error-message") == [], url=driver.current_url)
    navigate(driver, "logout")
    check("logged-out", driver.current_url.endswith("/login"))
    check("old-cookie-refused-after-logout", post("/actions/reconcile", {"csrf": csrf}, cookie=session) == 401)

    # A read-only token: no action buttons, and its actions are refused.
    login(driver, RO_TOKEN)
    check("read-only-no-buttons", driver.find_elements(By.ID, "reconcile") == [])
    ro_session = driver.get_cookie("cms_session")["value"]
    ro_csrf = driver.find_element(By.NAME, "csrf").get_attribute("value")
    check("read-only-refused", post("/actions/reconcile", {"csrf": ro_csrf}, cookie=ro_session) == 403)
    navigate(driver, "logout")

    # An all-tenant token logs in to the first tenant and may switch.
    login(driver, ALL_TOKEN)
    check("all-tenant-login", driver.find_element(By.ID, "user").text.startswith("ops"))
    navigate(driver, "logout")
    print("END", flush=True)


if __name__ == "__main__":
    main()
