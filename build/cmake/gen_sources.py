#!/usr/bin/env python3
"""Writes build/cmake/sources.cmake from the BUILD.bazel files: one list of sources per library.

The BUILD files stay the only place where a library's sources, headers and dependencies are
listed; CMake includes the generated file (see CMakeLists.txt and docs/cmake.md). The BUILD files
are Starlark, which for what they use (rule calls, lists, list comprehensions, glob, load) is also
Python, so each one is evaluated with the rules replaced by recorders. Python standard library
only.

  python3 build/cmake/gen_sources.py           # regenerate build/cmake/sources.cmake
  python3 build/cmake/gen_sources.py --check   # exit 1 (with a diff) if the committed file is stale
  python3 build/cmake/gen_sources.py --root DIR --output FILE
"""
import argparse
import difflib
import fnmatch
import glob as globmod
import os
import pathlib
import re
import sys

# Packages CMake builds. Examples, benchmarks, the layering check and the real-server integration
# tests stay Bazel-only (the integration tests need Bazel's runfiles and tags).
PACKAGE_PREFIXES = ("inet", "base", "transport", "protocols", "tools", "tests", "third_party/asio")
EXCLUDED_PACKAGES = re.compile(r"(^|/)(examples|integration|layering)(/|$)")
# Test tags that mean "needs real servers or the whole machine": not run by ctest.
SKIP_TAGS = {"local", "exclusive", "manual", "external", "integration"}
# Libraries a user installs: everything non-testonly under these packages.
INSTALLED_PREFIXES = ("inet", "base", "transport", "protocols/", "third_party/asio")


class Rule:
    def __init__(self, kind, pkg, kwargs):
        self.kind = kind
        self.pkg = pkg
        self.name = kwargs["name"]
        self.srcs = list(kwargs.get("srcs", []))
        self.hdrs = list(kwargs.get("hdrs", []))
        self.deps = list(kwargs.get("deps", []))
        self.data = list(kwargs.get("data", []))
        self.copts = list(kwargs.get("copts", []))
        self.tags = list(kwargs.get("tags", []))
        self.testonly = bool(kwargs.get("testonly", False)) or kind == "test"
        self.alwayslink = bool(kwargs.get("alwayslink", False))
        self.linkopts = list(kwargs.get("linkopts", []))
        self.defines = list(kwargs.get("defines", []))

    @property
    def label(self):
        return f"//{self.pkg}:{self.name}"


def normalize(label, pkg):
    """An absolute //pkg:name label (or @system//:x unchanged)."""
    if label.startswith("@"):
        return label
    if label.startswith(":"):
        return f"//{pkg}{label}"
    if label.startswith("//"):
        if ":" not in label:
            return f"{label}:{label.rsplit('/', 1)[-1]}"
        return label
    return f"//{pkg}:{label}"


def cmake_name(label):
    """//protocols/smtp:smtp -> smtp, //base:error -> base_error, //third_party/asio -> asio."""
    pkg, name = label[2:].split(":", 1)
    if pkg.startswith("protocols/"):
        pkg = pkg[len("protocols/"):]
    elif pkg == "third_party/asio":
        pkg = "asio"
    last = pkg.rsplit("/", 1)[-1]
    parts = pkg.replace("/", "_")
    return parts if name == last else f"{parts}_{name}"


def read_copts(root):
    """INET_COPTS from build/defs.bzl (the project-wide warning flags)."""
    text = (root / "build" / "defs.bzl").read_text()
    m = re.search(r"INET_COPTS\s*=\s*(\[.*?\])", text, re.S)
    return eval(m.group(1), {"__builtins__": {}})  # a literal list of strings


def evaluate(root, build_file, pkg=None):
    pkg = pkg or build_file.parent.relative_to(root).as_posix()
    rules = []

    def recorder(kind):
        def record(**kwargs):
            rules.append(Rule(kind, pkg, kwargs))
        return record

    def glob(include, exclude=[], **_):
        out = set()
        for pattern in include:
            for path in globmod.glob(str(build_file.parent / pattern), recursive=True):
                if os.path.isfile(path):
                    out.add(pathlib.Path(path).relative_to(build_file.parent).as_posix())
        for pattern in exclude:
            out -= set(fnmatch.filter(out, pattern))
        return sorted(out)

    def ignore(*args, **kwargs):
        return None

    env = {
        "__builtins__": {"len": len, "sorted": sorted, "list": list, "dict": dict,
                         "str": str, "range": range, "enumerate": enumerate},
        "load": ignore, "package": ignore, "exports_files": ignore, "licenses": ignore,
        "glob": glob, "select": lambda d: d.get("//conditions:default", []),
        "inet_cc_library": recorder("library"), "cc_library": recorder("library"),
        "inet_cc_binary": recorder("binary"), "cc_binary": recorder("binary"),
        "inet_cc_test": recorder("test"), "cc_test": recorder("test"),
        "sh_test": ignore, "sh_binary": ignore, "py_test": ignore, "filegroup": ignore,
        "genquery": ignore, "genrule": ignore, "test_suite": ignore,
    }
    exec(compile(build_file.read_text(), str(build_file), "exec"), env)
    return rules


def collect(root):
    rules = {}
    for build_file in sorted(root.rglob("BUILD.bazel")):
        rel = build_file.parent.relative_to(root).as_posix()
        if rel.startswith("bazel-") or not rel.startswith(PACKAGE_PREFIXES) \
                or EXCLUDED_PACKAGES.search(rel):
            continue
        for rule in evaluate(root, build_file):
            rule.deps = [normalize(d, rule.pkg) for d in rule.deps]
            rules[rule.label] = rule
    return rules


def ctest_skip_reason(rule):
    tags = SKIP_TAGS.intersection(rule.tags)
    if tags:
        return "tagged " + ",".join(sorted(tags))
    if any(d.startswith((":", "//", "@")) for d in rule.data):
        return "needs a built binary from its runfiles (Bazel only)"
    return None


def closure(rules, label):
    """The labels `label` depends on, directly or not (not @system ones)."""
    seen, todo = set(), list(rules[label].deps)
    while todo:
        dep = todo.pop()
        if dep in seen or dep.startswith("@"):
            continue
        seen.add(dep)
        todo.extend(rules[dep].deps)
    return seen


def topological(rules):
    order, seen = [], set()

    def visit(label, stack):
        if label in seen or label.startswith("@"):
            return
        if label in stack:
            sys.exit(f"gen_sources: dependency cycle through {label}")
        if label not in rules:
            return
        for dep in rules[label].deps:
            visit(dep, stack | {label})
        seen.add(label)
        order.append(label)

    for label in sorted(rules):
        visit(label, frozenset())
    return order


def render(root):
    rules = collect(root)
    names = {}
    for label in rules:
        name = cmake_name(label)
        if name in names:
            sys.exit(f"gen_sources: {label} and {names[name]} both map to CMake name {name}")
        names[name] = label
    excluded = {}  # label -> why CMake does not build it
    for label, rule in rules.items():
        if rule.kind == "test" and ctest_skip_reason(rule):
            excluded[label] = ctest_skip_reason(rule)
    changed = True
    while changed:  # a target needing one CMake does not build is not built either
        changed = False
        for label, rule in rules.items():
            if label in excluded:
                continue
            for dep in rule.deps:
                if not dep.startswith("@") and (dep not in rules or dep in excluded):
                    excluded[label] = f"depends on {dep}, which CMake does not build"
                    changed = True
                    break
    lines = [
        "# GENERATED by build/cmake/gen_sources.py from the BUILD.bazel files — do not edit.",
        "# Regenerate after changing a BUILD file: python3 build/cmake/gen_sources.py",
        "# (//build/cmake:sources_test fails while this file is stale).",
        "",
        "set(INETPP_COPTS " + " ".join(read_copts(root)) + ")",
        "",
    ]
    # @system//:x (third_party/system.BUILD): CMake maps the ones it knows to the Debian packages'
    # CMake targets and links the others by these linkopts (build/cmake/inetpp.cmake).
    for rule in evaluate(root, root / "third_party" / "system.BUILD", pkg="@system"):
        out = [f"inetpp_system_library({rule.name}"]
        linkopts = rule.linkopts
        if linkopts:
            out.append("  LINKOPTS " + " ".join(linkopts))
        if rule.defines:
            out.append("  DEFINES " + " ".join(rule.defines))
        if rule.deps:
            out.append("  DEPS " + " ".join(d.lstrip(":") for d in rule.deps))
        out[-1] += ")"
        lines.extend(out)
    lines.append("")
    for label in topological(rules):
        rule = rules[label]
        if label in excluded:
            lines.append(f"# {label}: not built by CMake ({excluded[label]})")
            lines.append("")
            continue
        fn = {"library": "inetpp_cc_library", "binary": "inetpp_cc_binary",
              "test": "inetpp_cc_test"}[rule.kind]
        out = [f"{fn}({cmake_name(label)}", f"  LABEL {label}"]
        flags = []
        if rule.kind == "library":
            if rule.testonly:
                flags.append("TESTONLY")
            elif rule.pkg.startswith(INSTALLED_PREFIXES):
                flags.append("INSTALL")
            if rule.alwayslink:
                flags.append("ALWAYSLINK")
        if flags:
            out.append("  " + " ".join(flags))
        for key, items in (("SRCS", rule.srcs), ("HDRS", rule.hdrs)):
            if items:
                out.append(f"  {key}")
                out.extend(f"    {rule.pkg}/{s}" for s in items)
        if rule.deps:
            out.append("  DEPS")
            for dep in rule.deps:
                out.append(f"    {dep if dep.startswith('@') else cmake_name(dep)}")
        if rule.kind != "library":
            # Bazel's alwayslink: every such library an executable links, directly or not, is
            # linked whole (inetpp_cc_binary/inetpp_cc_test).
            whole = sorted(cmake_name(d) for d in closure(rules, label) if rules[d].alwayslink)
            if whole:
                out.append("  WHOLE_ARCHIVE " + " ".join(whole))
        if rule.copts:
            out.append("  COPTS " + " ".join(rule.copts))
        out[-1] += ")"
        lines.extend(out)
        lines.append("")
    return "\n".join(lines)


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path, default=here.parent.parent)
    parser.add_argument("--output", type=pathlib.Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    root = args.root.resolve()
    output = args.output or root / "build" / "cmake" / "sources.cmake"
    text = render(root)
    if args.check:
        current = output.read_text() if output.exists() else ""
        if current == text:
            print(f"gen_sources: {output} is up to date")
            return 0
        sys.stdout.writelines(difflib.unified_diff(
            current.splitlines(True), text.splitlines(True), str(output), "generated"))
        print(f"\ngen_sources: {output} is stale; run: python3 build/cmake/gen_sources.py")
        return 1
    output.write_text(text)
    print(f"gen_sources: wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
