"""Schemathesis hooks for the contract fuzz of a live cmsd (Tests/CMSDaemonTests/E2E/SchemathesisTests.swift).

Every request carries the token of one tenant (CMS_ST_TENANT); another tenant (whose data is marked by the
strings in CMS_ST_FOREIGN, comma-separated) is served by the same cmsd. The check `tenant_isolation` fails a
response that answers for any tenant but the token's with anything but 403, or that shows a foreign marker.
`map_path_parameters` aims most cases at the token's tenant and a real device, so the fuzzer reaches the
control plane instead of being refused at the door every time (the rest stay random: the door is tested too).
"""
import json
import os
import random

import schemathesis

OWN = os.environ["CMS_ST_TENANT"]
DEVICE = os.environ.get("CMS_ST_DEVICE", "")
FOREIGN_TENANT = os.environ.get("CMS_ST_FOREIGN_TENANT", "")
FOREIGN = [marker for marker in os.environ.get("CMS_ST_FOREIGN", "").split(",") if marker]


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    if not path_parameters:
        return path_parameters
    if "tenant" in path_parameters:
        roll = random.random()
        if roll < 0.75:
            path_parameters["tenant"] = OWN
        elif roll < 0.85 and FOREIGN_TENANT:
            path_parameters["tenant"] = FOREIGN_TENANT
    if "code" in path_parameters and DEVICE and random.random() < 0.6:
        path_parameters["code"] = DEVICE
    return path_parameters


@schemathesis.check
def tenant_isolation(ctx, response, case):
    """No tenant's data with another tenant's token: for any tenant but the token's, only 401 (no token), 403, or
    the answers that do not depend on the tenant (404 route-not-found, 405 method-not-allowed)."""
    tenant = (case.path_parameters or {}).get("tenant")
    text = response.content.decode("utf-8", "replace")
    if tenant is not None and tenant != OWN and response.status_code not in (401, 403):
        code = ""
        try:
            code = json.loads(text).get("code", "")
        except (ValueError, AttributeError):
            pass
        if code not in ("route-not-found", "method-not-allowed"):
            raise AssertionError(
                f"{case.method} {case.formatted_path}: tenant {tenant!r} answered {response.status_code} {code} "
                f"to a token of {OWN!r}; expected 403 forbidden")
    for marker in FOREIGN:
        if marker in text:
            raise AssertionError(f"{case.method} {case.formatted_path}: the answer shows {marker!r} of another tenant")
