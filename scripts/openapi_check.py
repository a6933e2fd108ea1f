#!/usr/bin/env python3
"""Checks cmsd's HTTP answers against schemas/openapi.yaml (the API contract, docs/api.md).

The JSON Schema work is done by the `jsonschema` library (Draft 2020-12, the dialect of OpenAPI 3.1) with the
whole document as the `$ref` base; this file only finds the operation, the response and the media type that an
answer must match.

  openapi_check.py serve PORT
      Serves POST / on 127.0.0.1:PORT for the Swift test harness (Tests/CMSServerTests/ContractCheck.swift):
      the body is {"method", "path", "status", "contentType", "body" (base64)}, the answer {"errors": [...]}.
      Runs until its standard input closes (the test process ends) or it is killed.
  openapi_check.py routes
      Prints "METHOD /path/{template}" per operation, sorted.
  openapi_check.py examples
      Checks every example of a JSON request or response body against its schema; prints one line per example
      checked, and the violations (exit 1 when there are any).
"""
import base64
import http.server
import json
import os
import re
import sys
import threading
import urllib.parse

import jsonschema
import referencing
import referencing.jsonschema
import yaml

DOCUMENT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas", "openapi.yaml")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class Contract:
    def __init__(self, path=DOCUMENT_PATH):
        with open(path, encoding="utf-8") as handle:
            self.document = yaml.safe_load(handle)
        root = dict(self.document, **{"$id": "urn:cms:openapi"})
        resource = referencing.Resource.from_contents(root, default_specification=referencing.jsonschema.DRAFT202012)
        self.registry = referencing.Registry().with_resource("urn:cms:openapi", resource)
        self.templates = []
        for template in self.document["paths"]:
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            self.templates.append((template, re.compile(pattern)))

    def routes(self):
        return sorted(
            f"{method.upper()} {template}"
            for template, item in self.document["paths"].items()
            for method in METHODS if method in item)

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = self.registry.resolver("urn:cms:openapi").lookup("urn:cms:openapi" + node["$ref"]).contents
        return node

    def check(self, method, path, status, content_type, body):
        """The contract violations of one answer (empty when it keeps the contract)."""
        path = urllib.parse.urlsplit(path).path
        what = f"{method} {path} → {status}"
        matches = [template for template, pattern in self.templates if pattern.match(path)]
        # The most specific template wins (fewest parameters), as the router's literal segments do.
        matches.sort(key=lambda template: template.count("{"))
        operation = None
        for template in matches:
            operation = self.document["paths"][template].get(method.lower())
            if operation:
                what = f"{method} {template} → {status}"
                break
        if operation is None:
            # Not in the contract: the server must say so as an APIError, 405 method-not-allowed when the path is
            # the contract's (another method), 404 route-not-found otherwise.
            errors = self.check_error_body(what, status, content_type, body)
            expected = 405 if matches else 404
            if status != expected:
                errors.append(f"{what}: a route not in schemas/openapi.yaml answered {status}, not {expected}")
            return errors
        responses = operation["responses"]
        response = responses.get(str(status)) or responses.get("default")
        if response is None:
            return [f"{what}: status {status} is not documented"]
        response = self.resolve(response)
        content = response.get("content", {})
        media = (content_type or "").split(";")[0].strip().lower()
        if not content:
            return [] if not body else [f"{what}: a body where the contract has none"]
        if media not in content:
            return [f"{what}: content type '{content_type}' is not one of {sorted(content)}"]
        schema = content[media].get("schema", {})
        if media != "application/json":
            return []
        try:
            instance = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return [f"{what}: the body is not JSON: {error}"]
        return self.validate_against(schema, instance, what)

    def validate_against(self, schema, instance, what):
        # References ("#/components/...") resolve against the whole document.
        probe = json.loads(json.dumps(schema).replace('"$ref": "#/', '"$ref": "urn:cms:openapi#/'))
        validator = jsonschema.Draft202012Validator(probe, registry=self.registry)
        return [f"{what}: {'/'.join(str(p) for p in error.absolute_path) or '(body)'}: {error.message}"
                for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))]

    def examples(self):
        """(checked, violations) over every JSON media-type example of the document."""
        checked, errors = [], []
        def media_types(operation):
            body = self.resolve(operation.get("requestBody", {}))
            yield "request", body.get("content", {})
            for status, response in operation["responses"].items():
                yield status, self.resolve(response).get("content", {})
        for template, item in self.document["paths"].items():
            for method in METHODS:
                if method not in item:
                    continue
                for where, content in media_types(item[method]):
                    media = content.get("application/json")
                    if media and "example" in media:
                        what = f"{method.upper()} {template} {where} example"
                        checked.append(what)
                        errors += self.validate_against(media.get("schema", {}), media["example"], what)
        return checked, errors

    def check_error_body(self, what, status, content_type, body):
        if not (content_type or "").lower().startswith("application/json"):
            return [f"{what}: an error answer of type '{content_type}', not APIError JSON"]
        try:
            instance = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return [f"{what}: the body is not JSON: {error}"]
        return self.validate_against({"$ref": "#/components/schemas/APIError"}, instance, what)


def serve(port):
    contract = Contract()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            request = json.loads(self.rfile.read(length))
            try:
                errors = contract.check(
                    request["method"], request["path"], int(request["status"]), request.get("contentType"),
                    base64.b64decode(request.get("body", "")))
            except Exception as error:  # a bug here must fail the test, not hang it
                errors = [f"openapi_check: {type(error).__name__}: {error}"]
            answer = json.dumps({"errors": errors}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 256  # the suite's parallel tests; the default backlog of 5 resets connections

    server = Server(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the test process holds our standard input: when it ends, so do we


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    elif len(sys.argv) == 2 and sys.argv[1] == "examples":
        checked, errors = Contract().examples()
        print("\n".join(["checked: " + what for what in checked] + errors))
        sys.exit(1 if errors else 0)
    elif len(sys.argv) == 2 and sys.argv[1] == "routes":
        print("\n".join(Contract().routes()))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
