"""The web page in a real headless browser (Chromium through Selenium).

Run by scripts/check-web.sh with SANET_URL pointing at a running service:
    python -m unittest discover -s Tests/Web
"""
import base64
import os
import pathlib
import tempfile
import unittest

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

INPUTS = pathlib.Path(__file__).resolve().parent.parent / "Reference" / "inputs"
URL = os.environ.get("SANET_URL", "http://127.0.0.1:8080")
TIMEOUT = 120


class PageTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=390,844"):
            options.add_argument(argument)
        service = webdriver.ChromeService(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
        cls.browser = webdriver.Chrome(options=options, service=service)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()

    def setUp(self):
        self.browser.get(URL + "/")
        self.wait = WebDriverWait(self.browser, TIMEOUT)
        # The page lists the bundled paintings and the methods the service reports.
        self.wait.until(lambda b: len(Select(b.find_element(By.ID, "style-painting")).options) > 1)
        self.wait.until(lambda b: len(Select(b.find_element(By.ID, "method")).options) > 1)

    def element(self, id):
        return self.browser.find_element(By.ID, id)

    def test_lists_the_bundled_paintings_and_the_loaded_methods(self):
        paintings = [o.get_attribute("value") for o in Select(self.element("style-painting")).options]
        self.assertEqual(paintings, ["starry", "wave", "composition_vii", "udnie", "wreck", ""])
        methods = [o.get_attribute("value") for o in Select(self.element("method")).options]
        self.assertEqual(methods[0], "")
        self.assertIn("sanet", methods)
        self.assertIn("adain", methods)

    def test_two_uploaded_images_give_a_png_of_the_chosen_size(self):
        self.element("content").send_keys(str(INPUTS / "content_golden_gate_64x64.png"))
        self.element("style-file").send_keys(str(INPUTS / "style_udnie_80x64.png"))
        self.assertEqual(self.element("style-painting").get_attribute("value"), "")
        Select(self.element("size")).select_by_value("256")
        self.element("submit").click()
        self.wait.until(EC.visibility_of_element_located((By.ID, "progress")))
        self.wait.until(lambda b: b.find_element(By.ID, "result-figure").get_attribute("data-ready") == "true")
        self.assertFalse(self.element("progress").is_displayed())
        self.assertFalse(self.element("error").is_displayed())
        size = self.browser.execute_script(
            "const img = document.getElementById('result'); return [img.naturalWidth, img.naturalHeight];")
        self.assertEqual(size, [256, 256])
        self.assertIn("256 × 256 PNG", self.element("result-caption").text)
        head = self.browser.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(document.getElementById('download').href).then((r) => r.arrayBuffer())
              .then((b) => done(btoa(String.fromCharCode(...new Uint8Array(b).slice(0, 8)))))
              .catch((e) => done(String(e)));""")
        self.assertEqual(base64.b64decode(head), b"\x89PNG\r\n\x1a\n")
        self.assertEqual(self.element("download").get_attribute("download"), "stylized.png")

    def test_a_bundled_painting_mixed_with_a_second(self):
        self.element("content").send_keys(str(INPUTS / "content_seaport_128x96.png"))
        Select(self.element("style-painting")).select_by_value("wave")
        Select(self.element("style2-painting")).select_by_value("starry")
        self.assertTrue(self.element("mix").is_enabled())
        Select(self.element("size")).select_by_value("0")
        Select(self.element("method")).select_by_value("adain")
        self.element("preserve-color").click()
        self.element("submit").click()
        self.wait.until(lambda b: b.find_element(By.ID, "result-figure").get_attribute("data-ready") == "true")
        self.assertIn("128 × 96 PNG", self.element("result-caption").text)

    def test_a_bad_upload_shows_the_services_detail(self):
        with tempfile.NamedTemporaryFile("w", suffix=".png", delete=False) as text:
            text.write("this is not an image\n")
        self.addCleanup(os.unlink, text.name)
        self.element("content").send_keys(text.name)
        self.element("submit").click()
        error = self.wait.until(EC.visibility_of_element_located((By.ID, "error")))
        self.assertIn("Unsupported Media Type", error.text)
        self.assertIn("content", error.text)
        self.assertEqual(error.get_attribute("role"), "alert")
        self.assertFalse(self.element("result-figure").is_displayed())
        self.assertTrue(self.element("submit").is_enabled())


if __name__ == "__main__":
    unittest.main()
