#!/bin/sh
# Prints one closing line, "tests: N passed, N failed", from the xUnit report
# that `swift test --parallel --xunit-output FILE` writes, since parallel runs
# print no summary of their own.
report=${1:-.build/xunit.xml}
if [ ! -f "$report" ]; then
    echo "tests: no xUnit report at $report; the test run did not finish" >&2
    exit 1
fi
total=$(grep -c '<testcase ' "$report")
failed=$(grep -c '<failure' "$report")
echo "tests: $((total - failed)) passed, $failed failed"
