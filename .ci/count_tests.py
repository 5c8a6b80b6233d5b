#!/usr/bin/env python3
"""Counts test cases from Bazel's test.xml files (gtest cases, one per sh_test), and test
targets from Bazel's summary; with a third argument, adds the CMake side's count (the last
'cmake: N passed, N failed' line of tests/consumer/run.sh's log; a missing line is one failure).
Prints the targets line, then the plain 'N passed, N failed'."""
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

log = pathlib.Path(sys.argv[1]).read_text(errors="replace")
testlogs = pathlib.Path(sys.argv[2])
status = {}
for m in re.finditer(r"^(//\S+)\s+(?:\(cached\) )?(PASSED|FAILED TO BUILD|FAILED|TIMEOUT|NO STATUS|INCOMPLETE|FLAKY)",
                     log, re.M):
    status[m.group(1)] = m.group(2)
targets_passed = sum(1 for s in status.values() if s == "PASSED")
targets_failed = len(status) - targets_passed

passed = failed = skipped = 0
for target, st in status.items():
    pkg, name = target[2:].split(":", 1)
    xml = testlogs / pkg / name / "test.xml"
    counted = False
    failed_before = failed
    if xml.exists() and st != "NO STATUS":
        try:
            root = ET.parse(xml).getroot()
            cases = root.iter("testcase")
            for case in cases:
                counted = True
                if case.find("failure") is not None or case.find("error") is not None:
                    failed += 1
                elif case.get("status") == "notrun" or case.get("result") == "skipped" \
                        or case.find("skipped") is not None:
                    skipped += 1
                else:
                    passed += 1
        except ET.ParseError:
            counted = False
    if not counted:  # no usable XML (e.g. failed to build): count the target itself
        if st == "PASSED":
            passed += 1
        else:
            failed += 1
    elif st != "PASSED" and failed == failed_before:
        failed += 1  # the target failed (crash, timeout) though no case reported a failure

print(f"bazel test targets: {targets_passed} passed, {targets_failed} failed")
if len(sys.argv) > 3:
    cmake_log = pathlib.Path(sys.argv[3])
    text = cmake_log.read_text(errors="replace") if cmake_log.exists() else ""
    counts = re.findall(r"^cmake: (\d+) passed, (\d+) failed", text, re.M)
    if counts:
        passed += int(counts[-1][0])
        failed += int(counts[-1][1])
        print(f"cmake (tests/consumer/run.sh): {counts[-1][0]} passed, {counts[-1][1]} failed")
    else:
        failed += 1
        print("cmake (tests/consumer/run.sh): no result line, counted as 1 failure")
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
