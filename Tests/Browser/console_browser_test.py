#!/usr/bin/env python3
"""The review console in a real browser: Debian's Chromium, driven by Selenium through
chromium-driver, against a real `docmerge serve` on a demo database.

A steward signs in, opens the flagged queue from the dashboard, opens the oldest
document, marks it correct and sees it leave the queue, corrects an entry of another,
removes a third from the record. Every page is saved as a screenshot (1400x900, and the
main ones again at a laptop's 1366x768) in $BROWSER_SCREENSHOTS (default
.build/browser-screenshots). The last line says `N passed, M failed`; the exit status is
0 only when nothing failed.

Usage: python3 Tests/Browser/console_browser_test.py [path/to/docmerge]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "docmerge")
SHOTS = os.environ.get("BROWSER_SCREENSHOTS", os.path.join(ROOT, ".build", "browser-screenshots"))
PASSWORD = "browser-test-password"

passed, failed = 0, 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok    {what}")
    else:
        failed += 1
        print(f"FAIL  {what}")


def start_site(work):
    demo = os.path.join(work, "demo")
    subprocess.run([BINARY, "demo", "--dir", demo, "--quiet"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = os.path.join(demo, "docmerge.sqlite")
    subprocess.run([BINARY, "stewards", "add", "alice", "--db", db, "--iterations", "20000"],
                   input=PASSWORD + "\n", text=True, check=True, stdout=subprocess.DEVNULL)
    out = open(os.path.join(work, "serve.out"), "w+")
    serve = subprocess.Popen([BINARY, "serve", "--db", db, "--listen", "127.0.0.1:0"], stdout=out,
                             stderr=open(os.path.join(work, "serve.err"), "w"))
    deadline = time.time() + 30
    while time.time() < deadline:
        out.seek(0)
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", out.read())
        if found:
            return serve, found.group(1), db
        if serve.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit("docmerge serve did not start")


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"]:
        options.add_argument(arg)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_window_size(1400, 900)
    return driver


def shot(driver, name, laptop=False):
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))
    if laptop:
        driver.set_window_size(1366, 768)
        driver.save_screenshot(os.path.join(SHOTS, f"{name}-laptop.png"))
        driver.set_window_size(1400, 900)


def left_behind(element):
    """True once `element` no longer belongs to the current page. Chromium reports a node of a
    replaced document either as a stale element or, mid-navigation, as an inspector error
    ("Node with given id does not belong to the document"): both mean the old page is gone."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def follow(driver, element):
    """Clicks a link or submit button and waits until the next page has loaded."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 60).until(lambda d: left_behind(page))
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")


def queue_ids(driver):
    return [a.get_attribute("href").split("/documents/")[1].split("/")[0]
            for a in driver.find_elements(By.CSS_SELECTOR, "table#queue a[href*='/verify/']")]


def main():
    work = tempfile.mkdtemp(prefix="docmerge-browser-")
    serve, base, db = start_site(work)
    driver = browser()
    try:
        driver.get(base + "/")
        check("/login" in driver.current_url, "signed out, the console asks to sign in")
        shot(driver, "01-login")
        driver.find_element(By.ID, "name").send_keys("alice")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        follow(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]"))
        check(driver.find_element(By.TAG_NAME, "h1").text == "Verification dashboard", "signed in, the dashboard shows")
        flagged = int(driver.find_element(By.ID, "flagged-count").text)
        check(flagged > 0, f"the dashboard shows {flagged} flagged documents prominently")
        shot(driver, "02-dashboard", laptop=True)

        # Click 1: the flagged count opens the queue.
        follow(driver, driver.find_element(By.CSS_SELECTOR, ".card.big a"))
        check(driver.current_url.endswith("/documents/flagged/"), "the flagged count opens the queue")
        ids = queue_ids(driver)
        check(len(ids) == flagged, "the queue lists every flagged document")
        shot(driver, "03-flagged-queue", laptop=True)

        # Click 2: the oldest document.
        oldest = ids[0]
        follow(driver, driver.find_elements(By.CSS_SELECTOR, "table#queue a[href*='/verify/']")[0])
        check(f"/documents/{oldest}/verify/" in driver.current_url, "two clicks from the dashboard reach the oldest document")
        check(driver.find_element(By.ID, "reason").text.startswith("Why it was flagged"), "the reason comes first")
        shot(driver, "04-verify-oldest", laptop=True)
        follow(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Mark as correct']"))
        check(f"{oldest} was marked as correct" in driver.find_element(By.CSS_SELECTOR, ".notice").text,
              "marking correct says so")
        check(oldest not in queue_ids(driver), "the document left the queue")
        shot(driver, "05-after-mark-correct")

        # Correct an entry of the next document: change its first resource's text.
        target = queue_ids(driver)[0]
        driver.get(f"{base}/documents/{target}/verify/")
        area = driver.find_element(By.NAME, "entry-0-resource")
        text = area.get_attribute("value")
        if '"Patient"' in text and len(driver.find_elements(By.NAME, "entry-1-resource")):
            area = driver.find_element(By.NAME, "entry-1-resource")
            text = area.get_attribute("value")
        new_text = re.sub(r'"(text|display)": "([^"]*)"', r'"\1": "Corrected by the browser test"', text, count=1)
        check(new_text != text, "an entry has a text to correct")
        area.clear()
        area.send_keys(new_text)
        driver.execute_script("arguments[0].scrollIntoView()", area)
        shot(driver, "06-correct-form")
        follow(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Correct data']"))
        body = driver.find_element(By.TAG_NAME, "body").text
        check("The data was corrected" in body and "Corrected by the browser test" in body, "the correction shows on the page")
        check(driver.find_element(By.ID, "status").text == "reviewed", "a corrected document is reviewed")
        shot(driver, "07-after-correct", laptop=True)

        # Remove another document from the record, with a reason and the confirmation.
        driver.get(base + "/documents/flagged/")
        victim = queue_ids(driver)[-1]
        driver.get(f"{base}/documents/{victim}/verify/")
        driver.find_element(By.ID, "remove-reason").send_keys("wrong patient")
        driver.find_element(By.CSS_SELECTOR, "form#remove input[name=confirm]").click()
        shot(driver, "08-remove-form")
        follow(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Remove from record']"))
        check(f"{victim} was removed from the record" in driver.find_element(By.CSS_SELECTOR, ".notice").text,
              "removing says so")
        check(victim not in queue_ids(driver), "the removed document left the queue")
        shot(driver, "09-after-remove")

        driver.get(base + "/audit/?actor=alice")
        rows = driver.find_elements(By.CSS_SELECTOR, "table#audit tr")
        check(len(rows) - 1 == 3, "the audit view shows alice's three actions")
        shot(driver, "10-audit", laptop=True)
    finally:
        driver.quit()
        serve.terminate()
        serve.wait(timeout=30)
        check(serve.returncode == 0, "docmerge serve stops cleanly on SIGTERM")
        shutil.rmtree(work, ignore_errors=True)
    print(f"screenshots in {SHOTS}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
