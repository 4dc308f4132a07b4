#!/bin/sh
# Runs irctest's server tests against Banter's IRC gateway: docs/irc.md, "Conformance".
#   IRCTEST_DIR=/path/to/irctest test/irc/irctest/run.sh [pytest args, e.g. -k Pass]
# IRCTEST_DIR is a checkout of irctest (the directory holding irctest/server_tests/).
# Builds Banter first; runs one pytest process (no -n): each case starts its own server.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
: "${IRCTEST_DIR:?set IRCTEST_DIR to an irctest checkout}"
(cd "$repo" && npx tsc -p tsconfig.json)
cd "$IRCTEST_DIR"
[ $# -gt 0 ] || set -- irctest/server_tests/
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$here:$IRCTEST_DIR${PYTHONPATH:+:$PYTHONPATH}" \
  exec python3 -m pytest -p banter_plugin -p no:cacheprovider -q -rfEs \
  --junitxml="${IRCTEST_JUNIT:-/tmp/banter-irctest.xml}" \
  "$@"
