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
import zlib
import urllib.error
import urllib.request

from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
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
# Keeps what the page sends to /v1/stylize: each field's value, or a file's name, and the mask files.
RECORD_FORM = """
const send = window.fetch;
window.sentForm = null;
window.fetch = (url, options) => {
  if (String(url).endsWith("/v1/stylize")) {
    window.sentForm = [...options.body.entries()].map(([key, value]) => [key, value.name ?? value]);
    window.sentMasks = options.body.getAll("mask");
  }
  return send(url, options);
};
"""
# Each sent mask's size and its coverage as the service reads it (the alpha of a PNG that has one,
# else the grey level) at the given points, as shares of its width and height.
SENT_MASKS = """
const [points, done] = arguments;
const read = async (blob) => {
  const colourType = new Uint8Array(await blob.arrayBuffer())[25];
  const bitmap = await createImageBitmap(blob, {premultiplyAlpha: "none"});
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d");
  context.drawImage(bitmap, 0, 0);
  const coverage = points.map(([x, y]) => {
    const [r, g, b, a] = context.getImageData(Math.floor(x * bitmap.width), Math.floor(y * bitmap.height), 1, 1).data;
    return (colourType & 4 ? a : 0.299 * r + 0.587 * g + 0.114 * b) / 255;
  });
  return {width: bitmap.width, height: bitmap.height, coverage};
};
Promise.all(window.sentMasks.map(read)).then(done, (error) => done(String(error)));
"""
# Keeps the result's pixels under a name, for DIFFERENCE.
KEEP_RESULT = """
const img = document.getElementById("result");
const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
const context = canvas.getContext("2d");
context.drawImage(img, 0, 0);
(window.results ??= {})[arguments[0]] = context.getImageData(0, 0, canvas.width, canvas.height);
"""
# The mean absolute difference of two kept results' RGB (0 to 255) over a region given as shares
# of the width and height, [x0, x1, y0, y1].
DIFFERENCE = """
const [a, b] = [window.results[arguments[0]], window.results[arguments[1]]];
const [x0, x1, y0, y1] = arguments[2];
let sum = 0, count = 0;
for (let y = Math.floor(y0 * a.height); y < y1 * a.height; y++) {
  for (let x = Math.floor(x0 * a.width); x < x1 * a.width; x++) {
    for (let c = 0; c < 3; c++) sum += Math.abs(a.data[(y * a.width + x) * 4 + c] - b.data[(y * a.width + x) * 4 + c]);
    count += 3;
  }
}
return sum / count;
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

    def paint(self, points, kind=interaction.POINTER_MOUSE):
        """Drags a mouse (or a finger) over the mask canvas through `points`, shares of its width and height."""
        canvas = self.element("brush-canvas")
        self.browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
        width, height = canvas.size["width"], canvas.size["height"]
        offsets = [(round((x - 0.5) * width), round((y - 0.5) * height)) for x, y in points]
        actions = ActionBuilder(self.browser, mouse=PointerInput(kind, kind))
        actions.pointer_action.move_to(canvas, *offsets[0]).pointer_down()
        for offset in offsets[1:]:
            actions.pointer_action.move_to(canvas, *offset)
        actions.pointer_action.pointer_up()
        actions.perform()

    def sent_masks(self, points):
        masks = self.browser.execute_async_script(SENT_MASKS, points)
        self.assertIsInstance(masks, list, masks)
        return masks

    def keep_result(self, name):
        self.browser.execute_script(KEEP_RESULT, name)

    def difference(self, first, second, region):
        return self.browser.execute_script(DIFFERENCE, first, second, region)

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

    def test_a_painted_area_gets_the_style_and_the_rest_stays_the_photo(self):
        self.pick("samples", "cat")
        Select(self.element("size")).select_by_value("256")
        self.stylize()
        self.keep_result("styled")
        self.element("alpha").send_keys(Keys.HOME)
        self.stylize()
        self.keep_result("photo")
        self.element("alpha").send_keys(Keys.END)
        self.assertFalse(self.element("brush-tools").is_displayed())
        self.element("brush-on").click()
        self.element("brush-size").send_keys(Keys.END)
        self.assertEqual(self.element("brush-size-value").text, "40 %")
        # A stroke 40 % of the photo wide down its left side, soft at its edge.
        self.paint([(0.2, 0.05), (0.2, 0.35), (0.2, 0.65), (0.2, 0.95)])
        self.browser.execute_script(RECORD_FORM)
        self.stylize()
        self.keep_result("masked")
        self.assertIn(["mask", "mask-1.png"], self.browser.execute_script("return window.sentForm"))
        (mask,) = self.sent_masks([(0.2, 0.5), (0.8, 0.5)])
        self.assertEqual((mask["width"], mask["height"]), (451, 300), "the photo's own size")
        self.assertGreater(mask["coverage"][0], 0.99, "painted")
        self.assertEqual(mask["coverage"][1], 0, "not painted")
        painted, unpainted = [0.1, 0.3, 0.2, 0.8], [0.65, 1, 0, 1]
        style = self.difference("styled", "photo", unpainted)
        self.assertGreater(style, 10, "the style changes the photo")
        self.assertLess(self.difference("masked", "photo", unpainted), style / 10, "the unpainted area stays the photo")
        self.assertLess(self.difference("masked", "styled", painted), self.difference("styled", "photo", painted) / 10,
                        "the painted area gets the style")
        # The mask is sent only while the mode is on, and Clear removes it.
        self.element("brush-on").click()
        self.stylize()
        self.assertNotIn("mask", [key for key, _ in self.browser.execute_script("return window.sentForm")])
        self.element("brush-on").click()
        self.element("brush-clear").click()
        self.stylize()
        self.assertNotIn("mask", [key for key, _ in self.browser.execute_script("return window.sentForm")])
        self.keep_result("cleared")
        self.assertEqual(self.difference("cleared", "styled", [0, 1, 0, 1]), 0)

    def test_with_two_paintings_the_painted_area_gets_the_first_and_the_rest_the_second(self):
        self.pick("samples", "coffee")
        self.pick("paintings", "wave")
        self.pick("paintings2", "starry")
        Select(self.element("size")).select_by_value("256")
        self.element("brush-on").click()
        self.assertTrue(self.element("mix").is_enabled(), "nothing painted yet")
        self.paint([(0.6, 0.3), (0.9, 0.3), (0.9, 0.7)], interaction.POINTER_TOUCH)
        self.assertFalse(self.element("mix").is_enabled(), "the mask, not the share, says where each painting goes")
        self.browser.execute_script(RECORD_FORM)
        self.stylize()
        self.assertEqual(self.browser.execute_script("return window.sentForm")[:5],
                         [["content", "coffee.jpg"], ["style", "wave.jpg"], ["style", "starry.jpg"],
                          ["mask", "mask-1.png"], ["mask", "mask-2.png"]])
        self.assertNotIn("style_weights", [key for key, _ in self.browser.execute_script("return window.sentForm")])
        # (0.75, 0.356) lies on the stroke's soft edge, 19 px from its middle line.
        first, second = self.sent_masks([(0.9, 0.5), (0.2, 0.5), (0.75, 0.356)])
        for mask in (first, second):
            self.assertEqual((mask["width"], mask["height"]), (512, 341), "the photo's own size")
        self.assertGreater(first["coverage"][0], 0.99, "painted: the first painting")
        self.assertEqual(first["coverage"][1], 0)
        self.assertLess(second["coverage"][0], 0.01)
        self.assertEqual(second["coverage"][1], 1, "the rest: the second painting")
        self.assertTrue(0.05 < first["coverage"][2] < 0.95, f"a soft edge blends: {first['coverage'][2]}")
        self.assertAlmostEqual(first["coverage"][2] + second["coverage"][2], 1, delta=2 / 255)
        # Erasing the stroke leaves nothing painted: the share applies again, and no mask is sent.
        self.element("brush-erase").click()
        self.element("brush-size").send_keys(Keys.END)
        self.element("brush-softness").send_keys(Keys.HOME)
        self.paint([(0.5, 0.3), (0.95, 0.3), (0.95, 0.7), (0.5, 0.7), (0.5, 0.3)])
        self.assertTrue(self.element("mix").is_enabled())
        self.stylize()
        self.assertEqual(self.browser.execute_script("return window.sentForm")[3], ["style_weights", "50,50"])

    def test_a_new_photo_starts_an_empty_mask_of_its_shape(self):
        self.pick("samples", "cat")
        self.element("brush-on").click()
        self.paint([(0.3, 0.3), (0.7, 0.7)])
        # A photo longer than 1024 px gets a mask of its shape at 1024 px, which the service takes.
        self.element("content").send_keys(self.temporary_file(".png", grey_png(2000, 1000)))
        self.wait.until(lambda b: b.execute_script("return document.getElementById('brush-canvas').width") == 1024)
        Select(self.element("size")).select_by_value("256")
        self.browser.execute_script(RECORD_FORM)
        self.stylize()
        self.assertNotIn("mask", [key for key, _ in self.browser.execute_script("return window.sentForm")],
                         "the cat's mask is not the new photo's")
        self.paint([(0.3, 0.5), (0.7, 0.5)])
        self.stylize()
        (mask,) = self.sent_masks([(0.5, 0.5), (0.5, 0.05)])
        self.assertEqual((mask["width"], mask["height"]), (1024, 512))
        self.assertGreater(mask["coverage"][0], 0.99)
        self.assertEqual(mask["coverage"][1], 0)
        self.assertEqual(self.result_size(), [256, 128])
        self.element("brush-invert").click()
        self.stylize()
        (inverted,) = self.sent_masks([(0.5, 0.5), (0.5, 0.05)])
        self.assertLess(inverted["coverage"][0], 0.01)
        self.assertEqual(inverted["coverage"][1], 1)
        # Every brush control is labelled for a screen reader.
        for control in self.element("brush-zone").find_elements(By.CSS_SELECTOR, "input"):
            self.assertTrue(self.browser.execute_script("return arguments[0].labels.length", control), control.get_attribute("id"))

    def test_the_layout_fits_a_phone_and_a_desktop_without_horizontal_scroll(self):
        self.pick("samples", "cat")
        self.pick("paintings", "wave")
        Select(self.element("size")).select_by_value("256")
        # Magenta's weights are real (SANet's here are seeded), so the screenshots show a real result.
        Select(self.element("method")).select_by_value("magenta")
        self.element("brush-on").click()
        self.paint([(0.15, 0.3), (0.5, 0.25), (0.85, 0.4)])
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


def grey_png(width, height):
    """An opaque mid-grey 8-bit RGB PNG of `width` x `height`."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = (b"\0" + b"\x80" * (3 * width)) * height
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def readiness():
    """The service's /readyz body, which is 503 while no worker or queue slot is free."""
    try:
        with urllib.request.urlopen(URL + "/readyz") as response:
            return json.load(response)
    except urllib.error.HTTPError as busy:
        return json.load(busy)


if __name__ == "__main__":
    unittest.main()
