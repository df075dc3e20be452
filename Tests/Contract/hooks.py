"""Schemathesis hooks for scripts/check-contract.sh.

Cases generated as valid (positive) for POST /v1/stylize are sent completed with what JSON
Schema cannot say: the image fields hold real PNG images (a mask is the content image itself,
which has the content's shape). Sizes are kept small so that the run
stays short (64 when the case leaves them out, shrunk when it gives them); they stay within the
schema. Negative cases are sent as generated.

The completed form is passed to the transport as the request body rather than written into the
case: schemathesis judges a case whose body holds bytes to be schema-violating, which would turn
every completed positive case into a negative one.
"""
import pathlib
import uuid

import schemathesis

INPUTS = pathlib.Path(__file__).resolve().parent.parent / "Reference" / "inputs"
CONTENT = (INPUTS / "content_golden_gate_64x64.png").read_bytes()
STYLE = (INPUTS / "style_composition_vii_96x96.png").read_bytes()


def completed_fields(body):
    """The generated fields with small sizes, as text."""
    styles = body.get("style") or [None]
    fields = {"content_size": 64, "style_size": 64}
    for name, value in body.items():
        if name in ("content", "style", "mask"):
            continue
        if name in ("content_size", "style_size") and isinstance(value, int) and 32 <= value <= 4096:
            # Shrunk, still valid; anything else is what the case tests and is left as generated.
            value = 32 + (value - 32) % 65
        fields[name] = value
    texts = {name: str(value).lower() if isinstance(value, bool) else str(value) for name, value in fields.items()}
    return texts, len(styles), "mask" in body


def multipart(fields, styles, masked, boundary):
    parts = [(f'name="{name}"', None, value.encode()) for name, value in fields.items()]
    parts.append(('name="content"; filename="content.png"', "image/png", CONTENT))
    parts += [('name="style"; filename="style.png"', "image/png", STYLE)] * styles
    if masked:
        parts += [('name="mask"; filename="mask.png"', "image/png", CONTENT)] * styles
    body = b""
    for disposition, media_type, data in parts:
        body += f"--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n".encode()
        if media_type:
            body += f"Content-Type: {media_type}\r\n".encode()
        body += b"\r\n" + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.operation.path != "/v1/stylize" or not isinstance(case.body, dict):
        return
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    fields, styles, masked = completed_fields(case.body)
    boundary = uuid.uuid4().hex
    case.headers = {**(case.headers or {}), "Content-Type": f"multipart/form-data; boundary={boundary}"}
    kwargs["data"] = multipart(fields, styles, masked, boundary)
