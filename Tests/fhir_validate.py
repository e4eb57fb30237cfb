#!/usr/bin/env python3
"""Validates docmerge's exported Bundles with an outside FHIR model library.

Usage: fhir_validate.py EXPORTS_DIR FIXTURES_DIR

EXPORTS_DIR holds one exported Bundle per fixture, named like the fixture file (the Swift
test FixtureReferenceTests writes them when DOCMERGE_FHIR_EXPORTS names a directory).
Every entry's resource and the Bundle itself are parsed with the `fhir.resources` models
(R4B, the R4 release the package ships; R4B changes R4 only marginally). A resource that
fails fails the run, unless its fixture already held resources failing the same way as
often: some fixtures (the C-CDA conversions) lack required elements, and docmerge keeps
every element it received as it received it. Exit 0 when everything passes, 1 otherwise.
"""
import collections
import json
import os
import sys

from fhir.resources.R4B import get_fhir_model_class


def problems(resource):
    """Each validation error of one resource as (resourceType, element path, message)."""
    kind = resource.get("resourceType", "?")
    try:
        get_fhir_model_class(kind).parse_obj(resource)
        return []
    except KeyError:
        return [(kind, "resourceType", "not an R4B resource type")]
    except Exception as error:  # pydantic.ValidationError, or the model's own checks
        details = getattr(error, "errors", None)
        if not callable(details):
            return [(kind, "", str(error).splitlines()[0])]
        return [(kind, ".".join(str(p) for p in e.get("loc", ())), e.get("msg", "")) for e in details()]


def resources(bundle):
    return [e.get("resource", {}) for e in bundle.get("entry", [])]


def main(exports, fixtures):
    names = sorted(n for n in os.listdir(exports) if n.endswith(".json"))
    if not names:
        print("fhir_validate: no exported bundles in %s (fixtures absent?); nothing validated" % exports)
        return 0
    sources = {}
    for root in (fixtures, os.path.join(fixtures, "documents")):
        for n in os.listdir(root) if os.path.isdir(root) else []:
            sources[n] = os.path.join(root, n)
    failed, checked, inherited = 0, 0, 0
    for name in names:
        with open(os.path.join(exports, name), encoding="utf-8") as f:
            bundle = json.load(f)
        allowed = collections.Counter()
        if name in sources:
            with open(sources[name], encoding="utf-8") as f:
                for resource in resources(json.load(f)):
                    allowed.update(problems(resource))
        valid_entries = []
        for entry in bundle.get("entry", []):
            checked += 1
            found = problems(entry.get("resource", {}))
            if not found:
                valid_entries.append(entry)
                continue
            new = [p for p in found if allowed[p] <= 0]
            for p in found:
                allowed[p] -= 1
            if new:
                failed += 1
                print("%s: %s/%s: %s" % (name, new[0][0], entry.get("resource", {}).get("id", "?"), "; ".join("%s %s" % p[1:] for p in new)))
            else:
                inherited += 1
        shell = dict(bundle, entry=valid_entries)
        shell_problems = problems(shell)
        if shell_problems:
            failed += 1
            print("%s: the Bundle itself: %s" % (name, "; ".join("%s %s" % p[1:] for p in shell_problems[:5])))
    print("fhir_validate: %d bundles, %d entries: %d fail, %d fail only as their fixture already did"
          % (len(names), checked, failed, inherited))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
