"""Schemathesis hooks for scripts/check-contract.sh.

Cases generated as valid (positive) for POST /v1/stylize are completed with what JSON Schema
cannot say: the image fields hold real PNG images, style_weights has one weight per style
and is not all zero. Sizes are kept small so that the run stays short; they stay within the
schema. Negative cases are sent as generated.
"""
import pathlib

import schemathesis

INPUTS = pathlib.Path(__file__).resolve().parent.parent / "Reference" / "inputs"
CONTENT = (INPUTS / "content_golden_gate_64x64.png").read_bytes()
STYLE = (INPUTS / "style_composition_vii_96x96.png").read_bytes()


@schemathesis.hook
def map_case(context, case):
    if case.operation.path != "/v1/stylize" or not isinstance(case.body, dict):
        return case
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    body = dict(case.body)
    body["content"] = CONTENT
    styles = body.get("style") or [b""]
    body["style"] = [STYLE] * len(styles)
    if "style_weights" in body:
        body["style_weights"] = ",".join(["1"] * len(styles))
    for field in ("content_size", "style_size"):
        # Valid sizes are shrunk (still valid) to keep the run short; anything else is left
        # as generated, since a near-boundary invalid value is what the case is testing.
        value = body.get(field)
        if isinstance(value, int) and 32 <= value <= 2048:
            body[field] = 32 + (value - 32) % 65
    case.body = body
    return case
