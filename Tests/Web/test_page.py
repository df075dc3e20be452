"""The web page in a real headless browser (Chromium through Selenium) against a real service.

Run by scripts/check-web.sh with SANET_URL pointing at a running service:
    python -m unittest discover -s Tests/Web
With SANET_SCREENSHOTS set to a folder (docs), the layout test writes web-narrow.png and
web-wide.png there.
"""
import base64
import json
import os
import pathlib
import struct
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from chromium import full_page_png, start_chromium, viewport

INPUTS = pathlib.Path(__file__).resolve().parent.parent / "Reference" / "inputs"
URL = os.environ.get("SANET_URL", "http://127.0.0.1:8080")
TIMEOUT = 120
PHONE_WIDTH, DESKTOP_WIDTH = 390, 1280

# Puts the file at the hidden input's path into a DataTransfer and drops it on a zone, as a
# visitor's drag from the desktop does (WebDriver cannot drag from outside the browser).
DROP = """
const [zone, input] = arguments;
const transfer = new DataTransfer();
transfer.items.add(input.files[0]);
input.remove();
zone.dispatchEvent(new DragEvent("dragenter", {bubbles: true, cancelable: true, dataTransfer: transfer}));
const marked = zone.classList.contains("dragging");
zone.dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: transfer}));
zone.dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: transfer}));
return marked;
"""
# Keeps what the page sends to /v1/stylize: each field's value, or a file's name.
RECORD_FORM = """
const send = window.fetch;
window.sentForm = null;
window.fetch = (url, options) => {
  if (String(url).endsWith("/v1/stylize")) {
    window.sentForm = [...options.body.entries()].map(([key, value]) => [key, value.name ?? value]);
  }
  return send(url, options);
};
"""
PASTE = """
const input = arguments[0];
const transfer = new DataTransfer();
transfer.items.add(input.files[0]);
input.remove();
document.body.dispatchEvent(new ClipboardEvent("paste", {bubbles: true, cancelable: true, clipboardData: transfer}));
"""


class PageTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = start_chromium(PHONE_WIDTH, 844)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()

    def setUp(self):
        self.browser.get_log("browser")  # drops what earlier tests logged
        self.browser.get(URL + "/")
        self.wait = WebDriverWait(self.browser, TIMEOUT)
        # The page shows the bundled samples and paintings and the methods the service reports.
        self.wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#paintings input:checked"))
        self.wait.until(lambda b: len(Select(b.find_element(By.ID, "method")).options) > 1)

    def element(self, id):
        return self.browser.find_element(By.ID, id)

    def gallery(self, id):
        return [radio.get_attribute("value") for radio in self.browser.find_elements(By.CSS_SELECTOR, f"#{id} input")]

    def pick(self, gallery, value):
        """Clicks the thumbnail, as a visitor does."""
        radio = self.browser.find_element(By.CSS_SELECTOR, f"#{gallery} input[value='{value}']")
        radio.find_element(By.XPATH, "..").click()
        self.assertTrue(radio.is_selected())

    def file_input(self, path):
        """A hidden file input holding the file at `path`, for a drop or a paste."""
        input = self.browser.execute_script(
            "const i = document.createElement('input'); i.type = 'file'; i.hidden = true;"
            "document.body.append(i); return i;")
        input.send_keys(str(path))
        return input

    def stylize(self):
        self.element("submit").click()
        self.wait.until(lambda b: b.find_element(By.ID, "result-section").get_attribute("data-ready") == "true")
        self.assertFalse(self.element("error").is_displayed(), self.element("error").text)
        self.assertFalse(self.element("progress").is_displayed())
        self.assertTrue(self.element("submit").is_enabled())

    def result_size(self):
        return self.browser.execute_script(
            "const img = document.getElementById('result'); return [img.naturalWidth, img.naturalHeight];")

    def downloaded_head(self):
        """The first 8 bytes of what the Download link saves."""
        head = self.browser.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(document.getElementById('download').href).then((r) => r.arrayBuffer())
              .then((b) => done(btoa(String.fromCharCode(...new Uint8Array(b).slice(0, 8)))))
              .catch((e) => done(String(e)));""")
        return base64.b64decode(head)

    def stylize_requests(self):
        return self.browser.execute_script(
            "return performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/v1/stylize')).length")

    def temporary_file(self, suffix, data):
        with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as file:
            file.write(data)
        self.addCleanup(os.unlink, file.name)
        return file.name

    def test_galleries_offer_the_bundled_samples_and_paintings_and_the_loaded_methods(self):
        self.assertEqual(self.gallery("samples"), ["cat", "coffee", "rocket"])
        self.assertEqual(self.gallery("paintings"), ["starry", "wave", "composition_vii", "udnie", "wreck"])
        self.assertEqual(self.gallery("paintings2"), ["none", "starry", "wave", "composition_vii", "udnie", "wreck"])
        self.assertTrue(self.browser.find_element(By.CSS_SELECTOR, "#paintings input[value=starry]").is_selected())
        self.assertTrue(self.browser.find_element(By.CSS_SELECTOR, "#paintings2 input[value=none]").is_selected())
        self.assertFalse(self.element("mix").is_enabled())
        credits = self.element("samples").text
        self.assertIn("Chelsea the cat (Stéfan van der Walt, CC0)", credits)
        methods = [o.get_attribute("value") for o in Select(self.element("method")).options]
        self.assertEqual(methods[0], "")
        self.assertIn("sanet", methods)
        self.assertIn("adain", methods)
        # No script error, and nothing the Content-Security-Policy blocked.
        self.assertEqual([entry for entry in self.browser.get_log("browser") if entry["level"] == "SEVERE"], [])

    def test_a_sample_photo_is_stylized_in_two_clicks_and_compared_with_the_photo(self):
        self.pick("samples", "coffee")
        self.assertEqual(self.element("content-preview").get_attribute("src"), URL + "/samples/coffee.jpg")
        self.stylize()
        self.assertEqual(self.result_size(), [512, 341])
        self.assertIn("512 × 341 PNG", self.element("result-caption").text)
        self.assertEqual(self.element("compare-photo").get_attribute("src"), URL + "/samples/coffee.jpg")
        self.assertEqual(self.downloaded_head(), b"\x89PNG\r\n\x1a\n")
        self.assertEqual(self.element("download").get_attribute("download"), "stylized.png")
        # The divider follows the slider, from the keyboard too.
        clip = "return getComputedStyle(document.getElementById('result')).clipPath"
        self.assertEqual(self.browser.execute_script(clip), "inset(0px 0px 0px 50%)")
        self.element("compare-slider").send_keys(Keys.END)
        self.assertEqual(self.browser.execute_script(clip), "inset(0px 0px 0px 100%)")
        self.element("compare-slider").send_keys(Keys.HOME)
        self.assertEqual(self.browser.execute_script(clip), "inset(0px 0px 0px 0%)")

    def test_an_uploaded_photo_and_painting_give_a_jpeg_of_the_chosen_size(self):
        self.element("content").send_keys(str(INPUTS / "content_golden_gate_64x64.png"))
        self.element("style-file").send_keys(str(INPUTS / "style_udnie_80x64.png"))
        self.assertEqual(self.browser.find_elements(By.CSS_SELECTOR, "#paintings input:checked"), [])
        self.assertIn("style_udnie_80x64.png", self.element("style-caption").text)
        Select(self.element("size")).select_by_value("256")
        Select(self.element("format")).select_by_value("jpeg")
        self.assertTrue(self.element("quality").is_enabled())
        self.stylize()
        self.assertEqual(self.result_size(), [256, 256])
        self.assertIn("256 × 256 JPEG", self.element("result-caption").text)
        self.assertEqual(self.downloaded_head()[:3], b"\xff\xd8\xff")
        self.assertEqual(self.element("download").get_attribute("download"), "stylized.jpg")
        self.assertEqual(self.element("download").text, "Download JPEG")

    def test_a_bundled_painting_mixed_with_a_second_as_webp(self):
        self.element("content").send_keys(str(INPUTS / "content_seaport_128x96.png"))
        self.pick("paintings", "wave")
        self.pick("paintings2", "starry")
        self.assertTrue(self.element("mix").is_enabled())
        self.element("mix").send_keys(Keys.ARROW_RIGHT)
        self.assertEqual(self.element("mix-value").text, "55 %")
        Select(self.element("size")).select_by_value("0")
        Select(self.element("method")).select_by_value("adain")
        Select(self.element("format")).select_by_value("webp")
        self.element("preserve-color").click()
        self.browser.execute_script(RECORD_FORM)
        self.stylize()
        self.assertIn("128 × 96 WebP", self.element("result-caption").text)
        self.assertEqual(self.downloaded_head()[:4], b"RIFF")
        sent = self.browser.execute_script("return window.sentForm")
        self.assertEqual(sent, [["content", "content_seaport_128x96.png"], ["style", "wave.jpg"], ["style", "starry.jpg"],
                                ["style_weights", "45,55"], ["alpha", "1"], ["preserve_color", "true"],
                                ["content_size", "0"], ["method", "adain"], ["format", "webp"], ["quality", "90"]])

    def test_a_dropped_photo_is_taken_and_stylized(self):
        zone = self.element("photo-zone")
        marked = self.browser.execute_script(DROP, zone, self.file_input(INPUTS / "content_chicago_75x50.png"))
        self.assertTrue(marked, "the zone shows that it takes the drop")
        self.assertNotIn("dragging", zone.get_attribute("class"))
        self.assertEqual(self.element("content-caption").text, "content_chicago_75x50.png")
        Select(self.element("size")).select_by_value("0")
        self.stylize()
        self.assertEqual(self.result_size(), [75, 50])

    def test_a_pasted_photo_is_taken(self):
        self.pick("samples", "cat")
        self.browser.execute_script(PASTE, self.file_input(INPUTS / "content_towers_32x32.png"))
        self.wait.until(lambda b: b.find_element(By.ID, "content-caption").text == "content_towers_32x32.png")
        self.assertEqual(self.browser.find_elements(By.CSS_SELECTOR, "#samples input:checked"), [])

    def test_a_file_that_is_not_png_or_jpeg_is_refused_before_anything_is_sent(self):
        self.pick("samples", "cat")
        self.element("content").send_keys(self.temporary_file(".png", b"this is not an image\n"))
        error = self.wait.until(EC.visibility_of_element_located((By.ID, "error")))
        self.assertRegex(error.text, r"“tmp\w+\.png” is not a PNG or JPEG image")
        self.assertEqual(error.get_attribute("role"), "alert")
        # The sample stays the photo, and the refused file is not sent.
        self.assertEqual(self.element("content").get_attribute("value"), "")
        self.stylize()
        self.assertEqual(self.stylize_requests(), 1)

    def test_a_refused_drop_is_never_sent(self):
        zone = self.element("style-zone")
        self.browser.execute_script(DROP, zone, self.file_input(self.temporary_file(".jpg", b"GIF89a")))
        error = self.wait.until(EC.visibility_of_element_located((By.ID, "error")))
        self.assertIn("is not a PNG or JPEG image", error.text)
        self.assertTrue(self.browser.find_element(By.CSS_SELECTOR, "#paintings input[value=starry]").is_selected())
        self.assertEqual(self.stylize_requests(), 0)

    def test_the_services_problem_is_shown(self):
        # A PNG signature with no image behind it passes the page's check; the service refuses it.
        self.element("content").send_keys(self.temporary_file(".png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64))
        self.element("submit").click()
        error = self.wait.until(EC.visibility_of_element_located((By.ID, "error")))
        self.assertRegex(error.text, r"^(Unsupported Media Type|Unprocessable Content|Bad Request): .*content")
        self.assertFalse(self.element("result-section").is_displayed())
        self.assertTrue(self.element("submit").is_enabled())
        self.assertEqual(self.stylize_requests(), 1)

    def test_a_photo_is_asked_for_before_anything_is_sent(self):
        self.element("submit").click()
        self.assertEqual(self.element("error").text, "Choose a photo: a sample, or your own.")
        self.assertEqual(self.stylize_requests(), 0)

    def test_a_running_stylization_shows_its_time_and_can_be_cancelled(self):
        self.pick("samples", "rocket")
        Select(self.element("size")).select_by_value("1024")
        Select(self.element("method")).select_by_value("sanet")
        self.element("submit").click()
        self.wait.until(lambda b: "Stylizing… 1 s" in b.find_element(By.ID, "progress-text").text)
        self.assertFalse(self.element("submit").is_enabled())
        self.assertEqual(self.element("form").get_attribute("aria-busy"), "")
        self.assertEqual(self.browser.switch_to.active_element, self.element("cancel"))
        self.assertEqual(readiness()["workers"]["busy"], 1)
        # From the keyboard: the Cancel button has the focus while the request runs.
        self.browser.switch_to.active_element.send_keys(Keys.ENTER)
        notice = self.wait.until(EC.visibility_of_element_located((By.ID, "notice")))
        self.assertIn("Cancelled", notice.text)
        self.assertTrue(self.element("submit").is_enabled())
        self.assertFalse(self.element("cancel").is_displayed())
        self.assertFalse(self.element("progress").is_displayed())
        self.assertFalse(self.element("result-section").is_displayed())
        # The service drops the request whose client left and frees its worker.
        deadline = time.monotonic() + 10
        while readiness()["workers"]["busy"] and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(readiness()["workers"]["busy"], 0)

    def test_escape_cancels_a_running_stylization(self):
        self.pick("samples", "rocket")
        Select(self.element("size")).select_by_value("1024")
        self.element("submit").click()
        self.wait.until(EC.visibility_of_element_located((By.ID, "cancel")))
        self.browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
        notice = self.wait.until(EC.visibility_of_element_located((By.ID, "notice")))
        self.assertIn("Cancelled", notice.text)
        self.assertTrue(self.element("submit").is_enabled())

    def test_the_layout_fits_a_phone_and_a_desktop_without_horizontal_scroll(self):
        self.pick("samples", "cat")
        self.pick("paintings", "wave")
        Select(self.element("size")).select_by_value("256")
        self.stylize()
        folder = os.environ.get("SANET_SCREENSHOTS") or tempfile.mkdtemp()
        for name, width in (("narrow", PHONE_WIDTH), ("wide", DESKTOP_WIDTH)):
            with viewport(self.browser, width):
                scroll_width, viewport_width = self.browser.execute_script(
                    "return [document.documentElement.scrollWidth, window.innerWidth]")
                self.assertEqual(viewport_width, width)
                self.assertLessEqual(scroll_width, viewport_width, name)
                png = full_page_png(self.browser)
            self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
            self.assertEqual(struct.unpack(">I", png[16:20])[0], width, name)
            pathlib.Path(folder, f"web-{name}.png").write_bytes(png)


def readiness():
    """The service's /readyz body, which is 503 while no worker or queue slot is free."""
    try:
        with urllib.request.urlopen(URL + "/readyz") as response:
            return json.load(response)
    except urllib.error.HTTPError as busy:
        return json.load(busy)


if __name__ == "__main__":
    unittest.main()
