#!/usr/bin/python3
"""Validate every YAML document under a folder against the JSON Schema of its `kind`.

An independent check of the tenant-repository format: Python's `jsonschema` reads the same
`schemas/*.schema.json` that editors use, so the schemas, the examples and the Swift linter
cannot drift apart unnoticed.

    /usr/bin/python3 scripts/check-schemas.py examples/tenant-repo [--schemas schemas]

Prints `file: doc N: path: message` per error (N counts from 1 within the file) and exits 1
when there is any error, 0 when every document is valid, 2 on a usage problem.
Files under `configs/` and hidden folders are skipped, as `cms-lint` skips them.
"""
import argparse
import json
import os
import re
import sys

import jsonschema
import yaml

KINDS = {
    "Tenant": "tenant",
    "Device": "device",
    "Group": "group",
    "Schedule": "schedule",
    "Mail": "mail",
    "Firmware": "firmware",
}


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as strings (JSON has no dates) and rejects duplicate keys."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# YAML 1.2 core schema, as editors (yaml-language-server) and cms-lint read YAML: `yes`, `on`, `0755` and
# `1_000` are text, not the booleans and numbers of PyYAML's YAML 1.1 resolvers.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def _construct_core_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_core_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def yaml_files(root):
    for folder, dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        dirs[:] = sorted(d for d in dirs
                         if not d.startswith(".") and not (rel == "." and d == "configs"))
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                yield os.path.join(folder, name)


def json_path(error):
    parts = ["$"]
    for p in error.absolute_path:
        parts.append(f"[{p}]" if isinstance(p, int) else f".{p}")
    return "".join(parts)


def best_message(error):
    # For oneOf/anyOf failures the most specific sub-error says more than "is not valid under any".
    if error.context:
        deepest = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.message)))
        if len(deepest.absolute_path) > len(error.absolute_path):
            return json_path(deepest), deepest.message
    return json_path(error), error.message


def _mark(error):
    return getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)


def doc_number(path, error):
    """The 1-based document holding a YAML syntax error, counted from the `---` markers before it."""
    mark = _mark(error)
    if mark is None:
        return 1
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")[: mark.line + 1]
    number, content = 0, False
    for line in lines:
        if line.startswith("---") and (len(line) == 3 or line[3] in " \t\r"):
            number += 1
            content = False
        elif line.strip() and not line.lstrip().startswith("#"):
            if number == 0:
                number = 1
            content = True
    return max(number, 1)


def yaml_message(error):
    mark = _mark(error)
    problem = getattr(error, "problem", None) or str(error)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
    return " ".join(f"{problem}{where}".split())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="tenant repository (or any folder of YAML documents)")
    parser.add_argument("--schemas", help="folder of <kind>.schema.json (default: the repository's schemas/)")
    args = parser.parse_args()
    schemas_dir = args.schemas or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas")
    if not os.path.isdir(args.folder):
        print(f"{args.folder}: not a folder", file=sys.stderr)
        return 2

    validators = {}
    for kind, stem in KINDS.items():
        path = os.path.join(schemas_dir, f"{stem}.schema.json")
        try:
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            jsonschema.Draft202012Validator.check_schema(schema)
        except (OSError, ValueError, jsonschema.SchemaError) as e:
            print(f"{path}: invalid schema: {e}", file=sys.stderr)
            return 2
        validators[kind] = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    errors = 0
    documents = 0
    for path in yaml_files(args.folder):
        shown = os.path.relpath(path, args.folder)
        try:
            with open(path, encoding="utf-8") as f:
                docs = list(yaml.load_all(f, Loader=_Loader))
        except yaml.YAMLError as e:
            print(f"{shown}: doc {doc_number(path, e)}: $: {yaml_message(e)}")
            errors += 1
            continue
        except (OSError, UnicodeDecodeError) as e:
            print(f"{shown}: doc 1: $: cannot read: {e}")
            errors += 1
            continue
        for n, doc in enumerate(docs, 1):
            if doc is None:
                continue
            documents += 1
            if not isinstance(doc, dict):
                print(f"{shown}: doc {n}: $: a document must be a mapping with apiVersion and kind")
                errors += 1
                continue
            kind = doc.get("kind")
            validator = validators.get(kind)
            if validator is None:
                print(f"{shown}: doc {n}: $.kind: unknown kind {kind!r}; one of {', '.join(KINDS)}")
                errors += 1
                continue
            for error in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
                where, message = best_message(error)
                print(f"{shown}: doc {n}: {where}: {message}")
                errors += 1
    print(f"{documents} document(s) checked, {errors} error(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
