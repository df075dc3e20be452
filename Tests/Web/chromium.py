"""Headless Chromium through Selenium, as the page's tests drive it."""
import base64
import contextlib
import os

from selenium import webdriver


def start_chromium(width, height):
    """A headless Chromium whose viewport is `width` x `height` CSS pixels."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                     "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    service = webdriver.ChromeService(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(options=options, service=service)


@contextlib.contextmanager
def viewport(browser, width, height=800):
    """Lays the page out at `width` x `height` CSS pixels until the block ends."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    try:
        yield
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def full_page_png(browser):
    """The PNG bytes of the whole page at its current layout width, however long it is."""
    width, height = browser.execute_script(
        "return [window.innerWidth, document.documentElement.scrollHeight]")
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {
        "captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    return base64.b64decode(shot["data"])
