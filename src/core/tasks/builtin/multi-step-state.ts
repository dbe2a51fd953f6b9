import type { Task } from '../types.js';
import { once } from './generated.js';
import { byCodePoint, lines, pick, randInt, seededRng } from './seeded.js';
import { withVerifyLib } from './verify-lib.js';

// These tasks are natural for a harness that carries shell state (variables, PATH, cwd) from one command to the
// next, and awkward for one that does not — yet any agent can still solve them by chaining the steps in one command.

// ---------------------------------------------------------------------------------------------
// release-with-project-env

const SIGNING_KEY = 'k-7f3a9c21';

const ENV_SH = `# Project environment for the release tools. Use it with:  source tools/env.sh
export RELEASE_ORG=acme
export RELEASE_CHANNEL=stable
export RELEASE_SIGNING_KEY=${SIGNING_KEY}
export PATH="/work/tools/bin:$PATH"
`;

const MKRELEASE = `#!/bin/bash
# usage: mkrelease VERSION — packages src/ into dist/ORG-VERSION-CHANNEL.json
: "\${RELEASE_ORG:?RELEASE_ORG is not set (source tools/env.sh first)}"
: "\${RELEASE_CHANNEL:?RELEASE_CHANNEL is not set (source tools/env.sh first)}"
: "\${RELEASE_SIGNING_KEY:?RELEASE_SIGNING_KEY is not set (source tools/env.sh first)}"
version=$1
[ -n "$version" ] || { echo "usage: mkrelease VERSION" >&2; exit 2; }
mkdir -p /work/dist
sum=$(cat /work/src/*.txt | md5sum | cut -d' ' -f1)
name="$RELEASE_ORG-$version-$RELEASE_CHANNEL"
printf '{"name": "%s", "org": "%s", "version": "%s", "channel": "%s", "signed_with": "%s", "src_md5": "%s"}\\n' \\
  "$name" "$RELEASE_ORG" "$version" "$RELEASE_CHANNEL" "$RELEASE_SIGNING_KEY" "$sum" > "/work/dist/$name.json"
echo "built dist/$name.json"
`;

const CHECK_RELEASE = `#!/bin/bash
# usage: check-release VERSION — verifies dist/ORG-VERSION-CHANNEL.json against src/ and the signing key
: "\${RELEASE_ORG:?RELEASE_ORG is not set (source tools/env.sh first)}"
: "\${RELEASE_CHANNEL:?RELEASE_CHANNEL is not set (source tools/env.sh first)}"
: "\${RELEASE_SIGNING_KEY:?RELEASE_SIGNING_KEY is not set (source tools/env.sh first)}"
name="$RELEASE_ORG-$1-$RELEASE_CHANNEL"
file="/work/dist/$name.json"
[ -f "$file" ] || { echo "FAILED $name: $file not found (run mkrelease $1)" >&2; exit 1; }
sum=$(cat /work/src/*.txt | md5sum | cut -d' ' -f1)
[ "$(jq -r .src_md5 "$file")" = "$sum" ] || { echo "FAILED $name: src changed since the build" >&2; exit 1; }
[ "$(jq -r .signed_with "$file")" = "$RELEASE_SIGNING_KEY" ] || { echo "FAILED $name: bad signature" >&2; exit 1; }
echo "OK $name src_md5=$sum"
`;

const releaseWithEnv: Task = {
  id: 'release-with-project-env',
  title: 'Cut a release with the project tools',
  instruction: `This project ships its own release tools in \`tools/bin/\`; they only work inside the project environment. Run these steps, in order:

1. \`source tools/env.sh\` — sets the release variables and puts \`tools/bin\` on your \`PATH\`;
2. \`mkrelease 2.3.0\` — builds \`dist/acme-2.3.0-stable.json\`;
3. \`check-release 2.3.0 > release-check.txt\` — checks the build and records the result.

Do not edit the tools or write the release files by hand.`,
  initialFiles: {
    'tools/env.sh': ENV_SH,
    'tools/bin/mkrelease': MKRELEASE,
    'tools/bin/check-release': CHECK_RELEASE,
    'src/core.txt': 'core module v2.3.0\n',
    'src/cli.txt': 'cli module v2.3.0\n',
  },
  setupScript: 'chmod +x tools/bin/mkrelease tools/bin/check-release',
  verifier: {
    script: withVerifyLib(`
f=dist/acme-2.3.0-stable.json
[ -f "$f" ] || fail "$f is missing (was mkrelease run inside the project environment?)"
jq empty "$f" 2>/dev/null || fail "$f is not valid JSON"
sum=$(cat src/*.txt | md5sum | cut -d' ' -f1)
[ "$(jq -r .src_md5 "$f")" = "$sum" ] || fail "$f does not match src/"
[ "$(jq -r .signed_with "$f")" = "${SIGNING_KEY}" ] || fail "$f was not signed with the project key"
[ "$(jq -r .version "$f")" = "2.3.0" ] || fail "$f has the wrong version"
[ -f release-check.txt ] || fail "release-check.txt is missing"
grep -qxF "OK acme-2.3.0-stable src_md5=$sum" release-check.txt || fail "release-check.txt does not hold check-release's OK line"
echo "release built and checked"
`),
  },
  solution: `source tools/env.sh && mkrelease 2.3.0 && check-release 2.3.0 > release-check.txt`,
  agentTimeoutSec: 120,
  verifierTimeoutSec: 10,
  category: 'multi-step-state',
  difficulty: 'easy',
  tags: ['source', 'PATH', 'env-vars', 'shell-state'],
};

// ---------------------------------------------------------------------------------------------
// session-token-workflow

const SESSION = 'sess-4b1d9e07';
const REGION = 'eu-west';

const LOGIN_SH = `# Opens an API session and prints the shell commands that enter it. Use it as:
#   eval "$(bash auth/login.sh)"
# Only one session can be issued per workspace.
if [ -e /work/auth/.session ]; then
  echo "login.sh: a session was already issued; its commands are saved in auth/.session" >&2
  exit 1
fi
cat > /work/auth/.session <<'EOS'
export API_SESSION=${SESSION}
export API_REGION=${REGION}
cd /work/services/inventory
EOS
cat /work/auth/.session
`;

const SYNC_SH = `# usage (inside an API session, from services/inventory): bash sync.sh
[ -n "$API_SESSION" ] && [ -n "$API_REGION" ] || { echo "sync.sh: no API session (run: eval \\"\\$(bash auth/login.sh)\\")" >&2; exit 1; }
[ "$PWD" = /work/services/inventory ] || { echo "sync.sh: run me from /work/services/inventory (the session's directory)" >&2; exit 1; }
[ -f data/stock.raw ] || { echo "sync.sh: data/stock.raw not found" >&2; exit 1; }
grep -v '^#' data/stock.raw | awk -F'[|]' 'NF == 3 { gsub(/ /, "", $1); gsub(/ /, "", $3); print $1 "," $3 }' > data/stock.csv
echo "$API_SESSION $API_REGION" > .synced
echo "synced $(wc -l < data/stock.csv | tr -d ' ') items"
`;

const REPORT_SH = `# usage (inside the same API session, after sync.sh): bash report.sh
[ -n "$API_SESSION" ] || { echo "report.sh: no API session" >&2; exit 1; }
[ -f .synced ] || { echo "report.sh: nothing synced here yet (run sync.sh first, from services/inventory)" >&2; exit 1; }
[ "$(cat .synced)" = "$API_SESSION $API_REGION" ] || { echo "report.sh: .synced belongs to another session" >&2; exit 1; }
mkdir -p /work/out
{
  echo "session=$API_SESSION"
  echo "region=$API_REGION"
  echo "items=$(wc -l < data/stock.csv | tr -d ' ')"
  echo "total_qty=$(awk -F, '{ s += $2 } END { print s + 0 }' data/stock.csv)"
} > /work/out/inventory-report.txt
echo "wrote /work/out/inventory-report.txt"
`;

function makeStock(): { raw: string; report: string } {
  const rng = seededRng(606);
  const rows = ['# sku | description | qty'];
  let total = 0;
  const count = 37;
  for (let i = 0; i < count; i++) {
    const qty = randInt(rng, 0, 250);
    total += qty;
    rows.push(`SKU-${1000 + i} | ${pick(rng, ['bolt', 'nut', 'washer', 'bracket', 'hinge', 'spring'])} ${randInt(rng, 2, 40)}mm | ${qty}`);
  }
  return { raw: lines(rows), report: lines([`session=${SESSION}`, `region=${REGION}`, `items=${count}`, `total_qty=${total}`]) };
}

const stock = once(makeStock);

const sessionWorkflow: Task = {
  id: 'session-token-workflow',
  title: 'Run a three-step workflow inside an API session',
  instruction: `Produce the inventory report with the project's scripts:

1. Open an API session: \`eval "$(bash auth/login.sh)"\`. This sets the session's environment variables **and changes into the session's working directory**. A session can be issued only once.
2. Inside that session (same variables, same directory), run \`bash sync.sh\`.
3. Still inside the session, run \`bash report.sh\`, which writes \`/work/out/inventory-report.txt\`.

Do not edit the scripts or write the report by hand.`,
  get initialFiles() {
    return {
      'auth/login.sh': LOGIN_SH,
      'services/inventory/sync.sh': SYNC_SH,
      'services/inventory/report.sh': REPORT_SH,
      'services/inventory/data/stock.raw': stock().raw,
    };
  },
  get verifier() {
    return {
      files: { 'expected-report.txt': stock().report },
      script: withVerifyLib(`
[ -f auth/.session ] || fail "no session was opened (auth/login.sh never ran)"
[ -f services/inventory/.synced ] || fail "sync.sh did not complete"
same_file out/inventory-report.txt /verifier/expected-report.txt
echo "inventory report is correct"
`),
    };
  },
  solution: `eval "$(bash auth/login.sh)" && bash sync.sh && bash report.sh`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 10,
  category: 'multi-step-state',
  difficulty: 'medium',
  tags: ['eval', 'cwd', 'env-vars', 'shell-state', 'one-shot'],
};

// ---------------------------------------------------------------------------------------------
// venv-install-and-freeze

const ACTIVATE = `# Activate the project environment:  source venv/bin/activate
export VIRTUAL_ENV=/work/venv
export PATH="/work/venv/bin:$PATH"
export PKG_INDEX=/work/index
`;

const PKG = `#!/bin/bash
# pkg — a tiny package manager for this project's environment.
#   pkg install NAME==VERSION   install a package from the index into the active environment
#   pkg freeze                  print the installed packages, sorted, as NAME==VERSION
: "\${VIRTUAL_ENV:?pkg: no active environment (source venv/bin/activate first)}"
: "\${PKG_INDEX:?pkg: PKG_INDEX is not set (source venv/bin/activate first)}"
db="$VIRTUAL_ENV/installed.txt"
case "$1" in
  install)
    spec=$2
    name=\${spec%%==*}; version=\${spec#*==}
    [ -n "$name" ] && [ "$name" != "$spec" ] || { echo "pkg: give NAME==VERSION" >&2; exit 2; }
    [ -f "$PKG_INDEX/$name-$version.pkg" ] || { echo "pkg: $name $version is not in the index" >&2; exit 1; }
    touch "$db"
    grep -v "^$name==" "$db" > "$db.tmp"; echo "$name==$version" >> "$db.tmp"; mv "$db.tmp" "$db"
    echo "installed $name $version"
    ;;
  freeze) [ -f "$db" ] && sort "$db" ;;
  *) echo "usage: pkg install NAME==VERSION | pkg freeze" >&2; exit 2 ;;
esac
`;

const REQUIREMENTS = ['requests==2.31.0', 'click==8.1.7', 'rich==13.7.1', 'pyyaml==6.0.1', 'idna==3.6'];
const INDEX_VERSIONS = ['requests-2.31.0', 'requests-2.32.3', 'click-8.1.7', 'rich-13.7.1', 'pyyaml-6.0.1', 'idna-3.6', 'idna-3.7', 'urllib3-2.2.1'];

const venvInstallFreeze: Task = {
  id: 'venv-install-and-freeze',
  title: 'Install pinned packages into a project environment',
  instruction: `This project has its own environment and package tool. Inside the environment (\`source venv/bin/activate\` sets it up and puts \`pkg\` on your PATH):

1. install every package pinned in \`requirements.in\` with \`pkg install NAME==VERSION\` (one call per package);
2. write the output of \`pkg freeze\` to \`requirements.lock\`.

\`pkg\` only works inside the activated environment. Don't edit \`venv/\` by hand or write \`requirements.lock\` yourself.`,
  initialFiles: {
    'venv/bin/activate': ACTIVATE,
    'venv/bin/pkg': PKG,
    'requirements.in': lines(['# pinned direct dependencies', ...REQUIREMENTS]),
    ...Object.fromEntries(INDEX_VERSIONS.map((name) => [`index/${name}.pkg`, `package ${name}\n`])),
  },
  setupScript: 'chmod +x venv/bin/pkg',
  verifier: {
    files: { 'expected.lock': lines([...REQUIREMENTS].sort(byCodePoint)) },
    script: withVerifyLib(`
[ -f venv/installed.txt ] || fail "nothing was installed into venv/ (was pkg run inside the activated environment?)"
same_file requirements.lock /verifier/expected.lock
[ "$(sort venv/installed.txt)" = "$(cat requirements.lock)" ] || fail "requirements.lock does not match what is installed"
echo "environment installed and frozen"
`),
  },
  solution: `
source venv/bin/activate
grep -v '^#' requirements.in | grep . | while read -r spec; do pkg install "$spec"; done
pkg freeze > requirements.lock
`,
  agentTimeoutSec: 120,
  verifierTimeoutSec: 10,
  category: 'multi-step-state',
  difficulty: 'easy',
  tags: ['source', 'PATH', 'env-vars', 'shell-state'],
};

// ---------------------------------------------------------------------------------------------
// configure-build-install

const CONFIGURE = `# usage: bash configure --prefix=DIR   (run from the project root)
# Writes build.env; load it into your shell with:  source build.env
prefix=
for arg in "$@"; do case "$arg" in --prefix=*) prefix=\${arg#--prefix=} ;; esac; done
[ -n "$prefix" ] || { echo "configure: --prefix=DIR is required" >&2; exit 2; }
[ -f src/main.c ] || { echo "configure: run me from the project root" >&2; exit 1; }
id=$(cat src/*.c | md5sum | cut -c1-10)
cat > build.env <<EOF
export BUILD_ID=$id
export BUILD_PREFIX=$prefix
export BUILD_FLAGS="-O2 -DNDEBUG"
EOF
echo "configured build $id; now run: source build.env"
`;

const COMPILE = `#!/bin/bash
# compile: turns every *.c in the current directory into out/*.o — run it from src/, with build.env loaded
: "\${BUILD_ID:?compile: BUILD_ID is not set (source build.env)}"
: "\${BUILD_FLAGS:?compile: BUILD_FLAGS is not set (source build.env)}"
[ "$(basename "$PWD")" = src ] || { echo "compile: run me from src/" >&2; exit 1; }
mkdir -p out
for f in *.c; do
  printf 'object %s flags=%s build=%s lines=%s\\n' "\${f%.c}" "$BUILD_FLAGS" "$BUILD_ID" "$(wc -l < "$f" | tr -d ' ')" > "out/\${f%.c}.o"
done
echo "compiled $(ls out/*.o | wc -l | tr -d ' ') objects"
`;

const LINK = `#!/bin/bash
# link: links out/*.o into $BUILD_PREFIX/bin/app — run it from src/ after compile
: "\${BUILD_ID:?link: BUILD_ID is not set (source build.env)}"
: "\${BUILD_PREFIX:?link: BUILD_PREFIX is not set (source build.env)}"
[ "$(basename "$PWD")" = src ] || { echo "link: run me from src/" >&2; exit 1; }
ls out/*.o > /dev/null 2>&1 || { echo "link: nothing compiled yet" >&2; exit 1; }
grep -L "build=$BUILD_ID" out/*.o | grep -q . && { echo "link: stale objects from another build (run compile again)" >&2; exit 1; }
mkdir -p "$BUILD_PREFIX/bin"
{ echo "app build=$BUILD_ID"; cat out/*.o; } > "$BUILD_PREFIX/bin/app"
echo "linked $BUILD_PREFIX/bin/app"
`;

const SOURCES: Record<string, string> = {
  'src/main.c': '#include "util.h"\nint main(void) {\n  return run();\n}\n',
  'src/util.c': 'int run(void) {\n  return 0;\n}\n',
  'src/parse.c': 'int parse(const char *s) {\n  (void)s;\n  return 1;\n}\n',
};

const configureBuildInstall: Task = {
  id: 'configure-build-install',
  title: 'Configure, compile and link with stateful build tools',
  instruction: `Build this project into \`/work/dist\` with its own tools, in order:

1. from the project root: \`bash configure --prefix=/work/dist\`, then load the build settings it wrote into your shell: \`source build.env\`;
2. from \`src/\`, with those settings loaded: \`tools/compile\` (the tools live in \`/work/tools\`; run them by path, e.g. \`../tools/compile\`);
3. still from \`src/\`, with the same settings: \`../tools/link\` — it writes \`/work/dist/bin/app\`.

Don't edit the tools or write build outputs by hand.`,
  initialFiles: { configure: CONFIGURE, 'tools/compile': COMPILE, 'tools/link': LINK, ...SOURCES, 'src/util.h': 'int run(void);\n' },
  setupScript: 'chmod +x tools/compile tools/link',
  verifier: {
    script: withVerifyLib(`
[ -f build.env ] || fail "build.env is missing: configure did not run"
id=$(cat src/*.c | md5sum | cut -c1-10)
grep -qxF "export BUILD_ID=$id" build.env || fail "build.env does not belong to these sources"
grep -qxF "export BUILD_PREFIX=/work/dist" build.env || fail "configure was not run with --prefix=/work/dist"
for c in ${Object.keys(SOURCES).map((p) => p.slice(4, -2)).join(' ')}; do
  [ -f "src/out/$c.o" ] || fail "src/out/$c.o is missing: compile did not run from src/"
  grep -q "flags=-O2 -DNDEBUG build=$id" "src/out/$c.o" || fail "src/out/$c.o was not compiled with the configured settings"
done
app=dist/bin/app
[ -f "$app" ] || fail "$app is missing: link did not run"
[ "$(head -n 1 "$app")" = "app build=$id" ] || fail "$app was not linked from this build"
[ "$(grep -c '^object ' "$app")" -eq ${Object.keys(SOURCES).length} ] || fail "$app does not contain every object"
echo "built and linked"
`),
  },
  solution: `bash configure --prefix=/work/dist && source build.env && cd src && ../tools/compile && ../tools/link`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 10,
  category: 'multi-step-state',
  difficulty: 'medium',
  tags: ['source', 'cwd', 'env-vars', 'build', 'shell-state'],
};

// ---------------------------------------------------------------------------------------------
// migrate-and-seed-database

const ENVRC = `# Project environment:  source .envrc
export DB_URL=file:///work/db/app.db
export APP_ENV=dev
export PATH="/work/bin:$PATH"
`;

const DBTOOL = `#!/bin/bash
# dbtool — migrations and seeds for the dev database.
#   dbtool migrate        (from db/) applies db/migrations/*.sql once; prints an export line to eval
#   dbtool seed FILE      (from db/, after migrate, with MIGRATION_TOKEN set) loads a CSV of seed rows
#   dbtool verify         (from the project root) prints a summary of the database
: "\${DB_URL:?dbtool: DB_URL is not set (source .envrc)}"
: "\${APP_ENV:?dbtool: APP_ENV is not set (source .envrc)}"
db=\${DB_URL#file://}
token() { cat /work/db/migrations/*.sql | md5sum | cut -c1-12; }
case "$1" in
  migrate)
    [ "$PWD" = /work/db ] || { echo "dbtool migrate: run me from /work/db" >&2; exit 1; }
    [ -e .migrated ] && { echo "dbtool migrate: already migrated (the token was printed by that run)" >&2; exit 1; }
    for m in migrations/*.sql; do echo "applied $(basename "$m")" >> "$db"; done
    touch .migrated
    echo "export MIGRATION_TOKEN=$(token)"
    ;;
  seed)
    [ "$PWD" = /work/db ] || { echo "dbtool seed: run me from /work/db" >&2; exit 1; }
    [ "$MIGRATION_TOKEN" = "$(token)" ] || { echo "dbtool seed: MIGRATION_TOKEN is missing or wrong (eval the output of dbtool migrate)" >&2; exit 1; }
    [ -f "$2" ] || { echo "dbtool seed: no such file: $2" >&2; exit 1; }
    table=$(basename "$2" .csv)
    grep -q "^seeded $table " "$db" && { echo "dbtool seed: $table is already seeded" >&2; exit 1; }
    echo "seeded $table $(tail -n +2 "$2" | grep -c .)" >> "$db"
    echo "seeded $table"
    ;;
  verify)
    [ "$PWD" = /work ] || { echo "dbtool verify: run me from the project root (/work)" >&2; exit 1; }
    echo "env=$APP_ENV"
    echo "token=\${MIGRATION_TOKEN:-none}"
    grep -c '^applied ' "$db" | sed 's/^/migrations=/'
    grep '^seeded ' "$db" | sort | awk '{ print $2 "=" $3 }'
    ;;
  *) echo "usage: dbtool migrate | seed FILE | verify" >&2; exit 2 ;;
esac
`;

const MIGRATIONS: Record<string, string> = {
  'db/migrations/001_users.sql': 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n',
  'db/migrations/002_orders.sql': 'CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, total_cents INTEGER);\n',
  'db/migrations/003_index.sql': 'CREATE INDEX orders_user ON orders (user_id);\n',
};

function seedCsv(header: string, rows: number, seed: number): string {
  const rng = seededRng(seed);
  return lines([header, ...Array.from({ length: rows }, (_, i) => `${i + 1},${randInt(rng, 1, 99999)}`)]);
}

const migrateAndSeed: Task = {
  id: 'migrate-and-seed-database',
  title: 'Migrate and seed a dev database in one environment',
  instruction: `Set up the dev database with the project's \`dbtool\`:

1. \`source .envrc\` (sets the database variables and puts \`dbtool\` on PATH);
2. in \`db/\`: \`eval "$(dbtool migrate)"\` — it applies the migrations **once** and prints an \`export MIGRATION_TOKEN=…\` line that later steps need;
3. still in \`db/\`, with the token set: \`dbtool seed seeds/users.csv\`, then \`dbtool seed seeds/orders.csv\`;
4. back in the project root (\`/work\`): \`dbtool verify > out/verify.txt\` (create \`out/\` first).

Everything must happen in the environment from step 1. Don't edit \`dbtool\` or the database file by hand.`,
  initialFiles: {
    '.envrc': ENVRC,
    'bin/dbtool': DBTOOL,
    ...MIGRATIONS,
    'db/seeds/users.csv': seedCsv('id,zip', 42, 1),
    'db/seeds/orders.csv': seedCsv('id,total_cents', 137, 2),
  },
  setupScript: 'chmod +x bin/dbtool',
  verifier: {
    files: { migrations: Object.keys(MIGRATIONS).sort(byCodePoint).map((p) => MIGRATIONS[p]).join('') },
    script: withVerifyLib(`
token=$(md5sum < /verifier/migrations | cut -c1-12)
[ -f db/.migrated ] || fail "the migrations never ran"
[ -f db/app.db ] || fail "db/app.db is missing"
[ "$(grep -c '^applied ' db/app.db)" -eq ${Object.keys(MIGRATIONS).length} ] || fail "db/app.db does not record each migration exactly once"
grep -qx 'seeded users 42' db/app.db || fail "users were not seeded"
grep -qx 'seeded orders 137' db/app.db || fail "orders were not seeded"
[ -f out/verify.txt ] || fail "out/verify.txt is missing"
printf 'env=dev\\ntoken=%s\\nmigrations=${Object.keys(MIGRATIONS).length}\\norders=137\\nusers=42\\n' "$token" > /tmp/verify.expected
same_file out/verify.txt /tmp/verify.expected
echo "database migrated, seeded and verified"
`),
  },
  solution: `source .envrc && cd db && eval "$(dbtool migrate)" && dbtool seed seeds/users.csv && dbtool seed seeds/orders.csv && cd /work && mkdir -p out && dbtool verify > out/verify.txt`,
  agentTimeoutSec: 240,
  verifierTimeoutSec: 10,
  category: 'multi-step-state',
  difficulty: 'hard',
  tags: ['eval', 'source', 'cwd', 'one-shot', 'shell-state'],
};

export const multiStepStateTasks: Task[] = [releaseWithEnv, sessionWorkflow, venvInstallFreeze, configureBuildInstall, migrateAndSeed];

