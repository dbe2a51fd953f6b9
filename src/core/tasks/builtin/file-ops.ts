import type { Task } from '../types.js';
import { once } from './generated.js';
import { byCodePoint, lines, pad, pick, randInt, seededRng, shq, shuffled } from './seeded.js';
import { withVerifyLib } from './verify-lib.js';

// ---------------------------------------------------------------------------------------------
// organize-inbox-by-extension

const INBOX_FILES = [
  'report.PDF',
  'notes.txt',
  'todo.TXT',
  'meeting notes.txt',
  'photo.jpg',
  'Photo_2.JPG',
  'backup.tar.gz',
  'README',
  'Makefile',
  'data.2024.csv',
  'summary.md',
  'song.mp3',
];

function inboxDestination(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : 'noext';
  return `sorted/${ext}/${name}`;
}

const inboxContent = (name: string, i: number) => `inbox file #${i}: ${name}\n`;

const organizeInbox: Task = {
  id: 'organize-inbox-by-extension',
  title: 'Sort an inbox folder by file extension',
  instruction: `The folder \`inbox/\` is a mess of downloaded files. Sort them by extension:

- Move every file in \`inbox/\` to \`sorted/<ext>/<original name>\`, where \`<ext>\` is the part of the name after the **last** dot, lowercased (\`Photo_2.JPG\` → \`sorted/jpg/Photo_2.JPG\`, \`backup.tar.gz\` → \`sorted/gz/backup.tar.gz\`).
- Files whose name has no dot go to \`sorted/noext/\`.
- Keep file names (including case and spaces) and contents unchanged.
- Afterwards \`inbox/\` must contain no files (the empty directory may stay).`,
  initialFiles: Object.fromEntries(INBOX_FILES.map((name, i) => [`inbox/${name}`, inboxContent(name, i + 1)])),
  verifier: {
    script: withVerifyLib(`
[ -d sorted ] || fail "sorted/ does not exist"
${INBOX_FILES.map((name, i) => {
  const dest = inboxDestination(name);
  return `[ -f ${shq(dest)} ] || fail ${shq(`${dest} is missing`)}
grep -qxF ${shq(inboxContent(name, i + 1).trim())} ${shq(dest)} || fail ${shq(`${dest} has the wrong content`)}`;
}).join('\n')}
n=$(find sorted -type f | wc -l)
[ "$n" -eq ${INBOX_FILES.length} ] || fail "sorted/ holds $n files, expected ${INBOX_FILES.length}"
if [ -d inbox ]; then
  left=$(find inbox -type f | wc -l)
  [ "$left" -eq 0 ] || fail "inbox/ still holds $left files"
fi
echo "all ${INBOX_FILES.length} files sorted"
`),
  },
  solution: `
for f in inbox/*; do
  [ -f "$f" ] || continue
  name=\${f##*/}
  case "$name" in
    *.*) ext=\${name##*.}; ext=\${ext,,} ;;
    *) ext=noext ;;
  esac
  mkdir -p "sorted/$ext"
  mv "$f" "sorted/$ext/$name"
done
`,
  agentTimeoutSec: 120,
  verifierTimeoutSec: 15,
  category: 'file-ops',
  difficulty: 'easy',
  tags: ['mv', 'mkdir', 'globs', 'spaces-in-names'],
};

// ---------------------------------------------------------------------------------------------
// dedupe-by-content

interface Photo {
  path: string;
  content: string;
}

/** Albums chosen so no name is a prefix of another: alphabetical order is the same in every locale. */
const ALBUMS = ['beach', 'city', 'family', 'garden', 'winter'];

function hex(rng: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += '0123456789abcdef'[Math.floor(rng() * 16)];
  return out;
}

function makePhotos(): { photos: Photo[]; removed: string[] } {
  const rng = seededRng(20240611);
  const contents: string[] = [];
  for (let i = 0; i < 26; i++) contents.push(`JFIF:${hex(rng, 32)}\n`);
  // Near-duplicates: same length, one character different, must NOT be treated as duplicates.
  contents.push(contents[3].replace(/.\n$/, (c) => (c[0] === 'a' ? 'b' : 'a') + '\n'));
  contents.push(contents[7].replace(/.\n$/, (c) => (c[0] === 'a' ? 'b' : 'a') + '\n'));
  // 9 duplicate groups: some contents appear two or three times.
  const copies = [3, 3, 7, 7, 7, 11, 11, 12, 12, 15, 15, 15, 19, 19, 20, 20, 24, 24];
  const all = [...contents, ...copies.map((i) => contents[i])];
  const photos: Photo[] = [];
  let counter = 1;
  for (const content of all) {
    const album = ALBUMS[Math.floor(rng() * ALBUMS.length)];
    counter += 1 + Math.floor(rng() * 3);
    photos.push({ path: `photos/${album}/img_${pad(counter, 4)}.jpg`, content });
  }
  const seen = new Set<string>();
  const removed: string[] = [];
  for (const photo of [...photos].sort((a, b) => byCodePoint(a.path, b.path))) {
    if (seen.has(photo.content)) removed.push(photo.path);
    else seen.add(photo.content);
  }
  return { photos, removed: removed.sort(byCodePoint) };
}

const dedupe = once(makePhotos);
const dedupeKept = once(() => dedupe().photos.filter((p) => !dedupe().removed.includes(p.path)));

const dedupeByContent: Task = {
  id: 'dedupe-by-content',
  title: 'Remove duplicate photos by content',
  instruction: `\`photos/\` holds copies of the same pictures under different names and albums.

1. Find every group of files under \`photos/\` with **byte-identical content** (same size is not enough).
2. In each group keep only the file whose path comes first alphabetically; delete the others. Files with unique content stay.
3. Write the deleted paths, written like \`photos/city/img_0042.jpg\`, one per line, sorted alphabetically, to \`removed.txt\`.`,
  get initialFiles() {
    return Object.fromEntries(dedupe().photos.map((p) => [p.path, p.content]));
  },
  get verifier() {
    return {
      files: { 'expected-removed.txt': lines(dedupe().removed) },
      script: withVerifyLib(`
same_file removed.txt /verifier/expected-removed.txt
${dedupe().removed.map((path) => `[ ! -e ${path} ] || fail "${path} is a duplicate but still exists"`).join('\n')}
${dedupeKept().map((p) => `grep -qxF ${shq(p.content.trim())} ${p.path} 2>/dev/null || fail "${p.path} should have been kept unchanged"`).join('\n')}
n=$(find photos -type f | wc -l)
[ "$n" -eq ${dedupeKept().length} ] || fail "photos/ holds $n files, expected ${dedupeKept().length}"
echo "duplicates removed"
`),
    };
  },
  solution: `
find photos -type f | sort | xargs md5sum | awk 'seen[$1]++ { print $2 }' | sort > removed.txt
xargs rm -f < removed.txt
`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 15,
  category: 'file-ops',
  difficulty: 'medium',
  tags: ['md5sum', 'find', 'dedupe'],
};

// ---------------------------------------------------------------------------------------------
// flatten-nested-tree

const NESTED_FILES: Record<string, string> = {
  'readme.txt': 'top level\n',
  'docs/guide.md': '# Guide\n',
  'docs/api/v1.md': 'v1 api\n',
  'docs/api/v2.md': 'v2 api\n',
  'img/logo.svg': '<svg/>\n',
  'img/icons/close.svg': '<svg id="close"/>\n',
  'img/icons/menu open.svg': '<svg id="menu"/>\n',
  'src/a/b/c/deep.js': 'export const deep = 1;\n',
  'src/main.js': 'import "./a/b/c/deep.js";\n',
  'notes/2024/jan/todo.txt': 'ship it\n',
};

const flattenName = (path: string) => path.replace(/\//g, '__');

const flattenTree: Task = {
  id: 'flatten-nested-tree',
  title: 'Flatten a nested folder into one directory',
  instruction: `Flatten the folder \`deep/\` into \`flat/\`:

- every file \`deep/<path>\` moves to \`flat/<name>\`, where \`<name>\` is \`<path>\` with each \`/\` replaced by \`__\` (two underscores): \`deep/docs/api/v1.md\` → \`flat/docs__api__v1.md\`, \`deep/readme.txt\` → \`flat/readme.txt\`;
- contents stay unchanged; names can contain spaces;
- afterwards \`deep/\` must not exist at all.`,
  initialFiles: Object.fromEntries(Object.entries(NESTED_FILES).map(([path, content]) => [`deep/${path}`, content])),
  verifier: {
    script: withVerifyLib(`
[ -d flat ] || fail "flat/ does not exist"
${Object.entries(NESTED_FILES)
  .map(([path, content]) => {
    const dest = `flat/${flattenName(path)}`;
    return `[ -f ${shq(dest)} ] || fail ${shq(`${dest} is missing`)}
[ "$(cat ${shq(dest)})" = ${shq(content.trimEnd())} ] || fail ${shq(`${dest} has the wrong content`)}`;
  })
  .join('\n')}
n=$(find flat -type f | wc -l)
[ "$n" -eq ${Object.keys(NESTED_FILES).length} ] || fail "flat/ holds $n files, expected ${Object.keys(NESTED_FILES).length}"
n=$(find flat -mindepth 1 -type d | wc -l)
[ "$n" -eq 0 ] || fail "flat/ must not contain directories"
[ ! -e deep ] || fail "deep/ still exists"
echo "the tree is flat"
`),
  },
  solution: `
mkdir -p flat
find deep -type f | while IFS= read -r f; do
  rel=\${f#deep/}
  mv "$f" "flat/\${rel//\\//__}"
done
rm -rf deep
`,
  agentTimeoutSec: 120,
  verifierTimeoutSec: 10,
  category: 'file-ops',
  difficulty: 'easy',
  tags: ['mv', 'find', 'parameter-expansion', 'spaces-in-names'],
};

// ---------------------------------------------------------------------------------------------
// rename-photos-by-date

interface CameraFile {
  name: string;
  content: string;
  /** `YYYY:MM:DD HH:MM:SS`, or undefined for a file without a capture date. */
  taken?: string;
}

function makeCamera(): { files: CameraFile[]; destinations: Record<string, string> } {
  const rng = seededRng(4711);
  const files: CameraFile[] = [];
  let number = 100;
  let t = Date.UTC(2023, 10, 28, 9, 12, 5);
  for (let i = 0; i < 24; i++) {
    number += randInt(rng, 1, 4);
    // Photos days apart, sometimes crossing a month or year; bursts share the same second.
    const burst = i === 6 || i === 7 || i === 15 ? 0 : randInt(rng, 1, 9) * 3600_000 + randInt(rng, 0, 3599) * 1000;
    t += burst;
    const d = new Date(t);
    const taken = `${d.getUTCFullYear()}:${pad(d.getUTCMonth() + 1, 2)}:${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    const undated = i === 3 || i === 11 || i === 19;
    const ext = i === 9 || i === 16 ? 'JPG' : 'jpg';
    const name = undated ? `Screenshot_${pad(number, 4)}.${ext}` : `IMG_${pad(number, 4)}.${ext}`;
    const lines_ = ['JFIF', `Make: ${pick(rng, ['Canon', 'Nikon', 'Fujifilm'])}`];
    if (!undated) lines_.push(`DateTimeOriginal: ${taken}`);
    lines_.push(`Data: ${Array.from({ length: 24 }, () => '0123456789abcdef'[randInt(rng, 0, 15)]).join('')}`);
    files.push({ name, content: lines(lines_), taken: undated ? undefined : taken });
  }
  // Destinations, processing in name order as the instruction says.
  const destinations: Record<string, string> = {};
  const used = new Set<string>();
  for (const file of [...files].sort((a, b) => byCodePoint(a.name, b.name))) {
    if (!file.taken) {
      destinations[file.name] = `by-date/undated/${file.name}`;
      continue;
    }
    const [date, time] = file.taken.split(' ');
    const [y, m, d] = date.split(':');
    const base = `by-date/${y}/${m}/${y}-${m}-${d}_${time.replace(/:/g, '')}`;
    let target = `${base}.jpg`;
    for (let n = 2; used.has(target); n++) target = `${base}-${n}.jpg`;
    used.add(target);
    destinations[file.name] = target;
  }
  return { files, destinations };
}

const camera = once(makeCamera);

const renamePhotosByDate: Task = {
  id: 'rename-photos-by-date',
  title: 'Rename camera photos by their capture date',
  instruction: `\`camera/\` holds photos straight off a memory card. Each file is text-like; photos have a line such as

    DateTimeOriginal: 2023:11:28 09:12:05

(screenshots have none). Move every file out of \`camera/\`:

- a photo goes to \`by-date/YYYY/MM/YYYY-MM-DD_HHMMSS.jpg\` (from its DateTimeOriginal; the extension is always lowercase \`.jpg\`, even for \`.JPG\` files);
- if that name is already taken (several photos in the same second), use \`…_HHMMSS-2.jpg\`, \`…_HHMMSS-3.jpg\`, … — handle the files in order of their original names, so the first name alphabetically gets the plain name;
- a file without DateTimeOriginal goes to \`by-date/undated/\` under its original name;
- contents stay unchanged, and \`camera/\` ends up empty.`,
  get initialFiles() {
    return Object.fromEntries(camera().files.map((f) => [`camera/${f.name}`, f.content]));
  },
  get verifier() {
    return {
      script: withVerifyLib(`
[ -d by-date ] || fail "by-date/ does not exist"
${camera().files
    .map((f) => {
      const dest = camera().destinations[f.name];
      const marker = f.content.split('\n').find((l) => l.startsWith('Data: '))!;
      return `grep -qxF ${shq(marker)} ${shq(dest)} 2>/dev/null || fail ${shq(`camera/${f.name} did not end up where it belongs`)}`;
    })
    .join('\n')}
n=$(find by-date -type f | wc -l)
[ "$n" -eq ${camera().files.length} ] || fail "by-date/ holds $n files, expected ${camera().files.length}"
left=$(find camera -type f 2>/dev/null | wc -l)
[ "$left" -eq 0 ] || fail "camera/ still holds $left files"
echo "all photos renamed"
`),
    };
  },
  solution: `
for f in $(ls camera | sort); do
  taken=$(awk -F': ' '$1 == "DateTimeOriginal" { print $2; exit }' "camera/$f")
  if [ -z "$taken" ]; then
    mkdir -p by-date/undated
    mv "camera/$f" "by-date/undated/$f"
    continue
  fi
  day=\${taken%% *}; time=\${taken#* }
  y=\${day:0:4}; m=\${day:5:2}; d=\${day:8:2}
  mkdir -p "by-date/$y/$m"
  base="by-date/$y/$m/$y-$m-\${d}_\${time//:/}"
  target="$base.jpg"; n=2
  while [ -e "$target" ]; do target="$base-$n.jpg"; n=$((n + 1)); done
  mv "camera/$f" "$target"
done
`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 15,
  category: 'file-ops',
  difficulty: 'medium',
  tags: ['mv', 'naming', 'collisions', 'metadata'],
};

// ---------------------------------------------------------------------------------------------
// prune-old-backups

function makeBackups(): { names: string[]; pruned: string[]; others: Record<string, string> } {
  const rng = seededRng(8080);
  const names: string[] = [];
  let t = Date.UTC(2023, 9, 3);
  const end = Date.UTC(2024, 3, 20);
  while (t <= end) {
    const d = new Date(t);
    names.push(`db-${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}.sql.gz`);
    t += randInt(rng, 1, 6) * 86_400_000;
  }
  const sorted = [...names].sort(byCodePoint);
  const keep = new Set(sorted.slice(-7));
  const newestOfMonth = new Map<string, string>();
  for (const name of sorted) newestOfMonth.set(name.slice(3, 10), name);
  for (const name of newestOfMonth.values()) keep.add(name);
  return {
    names: shuffled(rng, names),
    pruned: sorted.filter((name) => !keep.has(name)),
    others: {
      'backups/README.txt': 'Nightly database dumps. Retention is applied by hand.\n',
      'backups/db-latest.sql.gz': 'copy of the newest dump\n',
      'backups/db-2024-02-30.sql.gz.partial': 'interrupted upload\n',
    },
  };
}

const backups = once(makeBackups);
const backupsKept = once(() => backups().names.filter((name) => !backups().pruned.includes(name)));

const pruneOldBackups: Task = {
  id: 'prune-old-backups',
  title: 'Apply a retention policy to nightly backups',
  instruction: `\`backups/\` fills up with nightly dumps named \`db-YYYY-MM-DD.sql.gz\`. Apply this retention policy to those dumps:

- keep the **7 newest** dumps;
- also keep the **newest dump of every calendar month**;
- delete every other \`db-YYYY-MM-DD.sql.gz\`.

Files that do not match that exact name pattern (\`README.txt\`, \`db-latest.sql.gz\`, partial uploads, …) are not dumps: leave them alone.

Write the names of the deleted files (just the file name, e.g. \`db-2023-10-03.sql.gz\`), one per line, oldest first, to \`pruned.txt\`.`,
  get initialFiles() {
    return { ...Object.fromEntries(backups().names.map((name) => [`backups/${name}`, `dump of ${name.slice(3, 13)}\n`])), ...backups().others };
  },
  get verifier() {
    return {
      files: { 'expected-pruned.txt': lines(backups().pruned) },
      script: withVerifyLib(`
same_file pruned.txt /verifier/expected-pruned.txt
# Counts only: naming the files would hand out the answer.
left=0; for f in ${backups().pruned.join(' ')}; do [ -e "backups/$f" ] && left=$((left + 1)); done
[ "$left" -eq 0 ] || fail "$left dumps that the policy deletes are still in backups/"
gone=0; for f in ${backupsKept().join(' ')}; do [ -f "backups/$f" ] || gone=$((gone + 1)); done
[ "$gone" -eq 0 ] || fail "$gone dumps that the policy keeps were deleted"
${Object.keys(backups().others).map((path) => `[ -f ${shq(path)} ] || fail ${shq(`${path} is not a dump and must stay`)}`).join('\n')}
echo "retention applied"
`),
    };
  },
  solution: `
ls backups | grep -E '^db-[0-9]{4}-[0-9]{2}-[0-9]{2}[.]sql[.]gz$' | sort > /tmp/all.txt
{ tail -n 7 /tmp/all.txt; awk '{ last[substr($0, 4, 7)] = $0 } END { for (m in last) print last[m] }' /tmp/all.txt; } | sort -u > /tmp/keep.txt
comm -23 /tmp/all.txt /tmp/keep.txt > pruned.txt
while IFS= read -r f; do rm "backups/$f"; done < pruned.txt
`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 15,
  category: 'file-ops',
  difficulty: 'medium',
  tags: ['retention', 'dates', 'comm', 'careful-deletes'],
};

// ---------------------------------------------------------------------------------------------
// sync-dirs-script

interface SyncCase {
  src: Record<string, string>;
  dst: Record<string, string> | undefined;
}

const SYNC_CASES: SyncCase[] = [
  // Destination does not exist yet.
  { src: { 'a.txt': 'alpha\n', 'sub dir/b.txt': 'beta\n', 'sub dir/deeper/c d.txt': 'gamma\n' }, dst: undefined },
  // Mixed: new, changed, identical, extra, nested, spaces.
  {
    src: { 'keep.txt': 'same\n', 'changed.txt': 'new version\n', 'new file.txt': 'fresh\n', 'docs/guide.md': '# v2\n', 'docs/same.md': 'unchanged\n', 'x/y/z.txt': 'deep\n' },
    dst: { 'keep.txt': 'same\n', 'changed.txt': 'old version\n', 'docs/guide.md': '# v1\n', 'docs/same.md': 'unchanged\n', 'old.txt': 'stale\n', 'docs/obsolete page.md': 'gone\n', 'trash/t.txt': 'bin\n' },
  },
  // Already in sync: nothing to do.
  { src: { 'one.txt': '1\n', 'two/three.txt': '3\n' }, dst: { 'one.txt': '1\n', 'two/three.txt': '3\n' } },
];

function syncActions(c: SyncCase): string[] {
  const out: string[] = [];
  for (const [path, content] of Object.entries(c.src)) {
    if (!c.dst || !(path in c.dst)) out.push(`copy ${path}`);
    else if (c.dst[path] !== content) out.push(`update ${path}`);
  }
  for (const path of Object.keys(c.dst ?? {})) if (!(path in c.src)) out.push(`delete ${path}`);
  return out.sort(byCodePoint);
}

const syncFiles: Record<string, string> = {};
SYNC_CASES.forEach((c, i) => {
  for (const [path, content] of Object.entries(c.src)) syncFiles[`case${i + 1}/src/${path}`] = content;
  for (const [path, content] of Object.entries(c.dst ?? {})) syncFiles[`case${i + 1}/dst/${path}`] = content;
  syncFiles[`case${i + 1}.actions`] = lines(syncActions(c));
});

const syncDirsScript: Task = {
  id: 'sync-dirs-script',
  title: 'Write a one-way directory sync script',
  instruction: `Write a bash script \`sync.sh\` that makes one directory a mirror of another:

    bash sync.sh [-n] SRC DST

- After it runs, \`DST\` holds exactly the files of \`SRC\` (same relative paths, same contents): files missing from \`DST\` are copied, files whose content differs are overwritten, and files in \`DST\` that are not in \`SRC\` are deleted. \`DST\` is created if it does not exist. Files that are already identical are left alone.
- It prints one line per action, with the path relative to \`SRC\`/\`DST\`: \`copy PATH\` (new in DST), \`update PATH\` (content differed) or \`delete PATH\`. Nothing is printed when the two are already in sync. The order of the lines does not matter.
- With \`-n\` (dry run) it prints the same lines but changes nothing.
- Paths may contain spaces and nested directories; \`SRC\` and \`DST\` may be relative or absolute.

\`demo/\` has a small example to try it on; your script will be tested on other directories.`,
  initialFiles: {
    'demo/src/index.html': '<h1>v2</h1>\n',
    'demo/src/css/site.css': 'body { margin: 0 }\n',
    'demo/dst/index.html': '<h1>v1</h1>\n',
    'demo/dst/old.html': 'remove me\n',
  },
  verifier: {
    files: syncFiles,
    script: withVerifyLib(`
[ -f sync.sh ] || fail "sync.sh is missing"
# tree DIR: "md5 path" for every file under DIR, sorted: equal trees give equal listings.
tree_of() { ( cd "$1" 2>/dev/null && find . -type f | sed 's|^[.]/||' | sort | while IFS= read -r f; do printf '%s %s\\n' "$(md5sum < "$f" | cut -c1-32)" "$f"; done ); }
check_case() {
  n=$1
  rm -rf "/tmp/sync$n" && mkdir -p "/tmp/sync$n"
  cp -r "/verifier/case$n/src" "/tmp/sync$n/src"
  [ -d "/verifier/case$n/dst" ] && cp -r "/verifier/case$n/dst" "/tmp/sync$n/dst"
  before=$(tree_of "/tmp/sync$n/dst")
  (cd "/tmp/sync$n" && bash /work/sync.sh -n src dst) > /tmp/dry.out 2>/tmp/dry.err || fail "case $n: sync.sh -n exited non-zero: $(head -c 200 /tmp/dry.err)"
  [ "$(tree_of "/tmp/sync$n/dst")" = "$before" ] || fail "case $n: sync.sh -n changed the destination"
  [ "$(sort /tmp/dry.out | grep -v '^$')" = "$(sort "/verifier/case$n.actions" | grep -v '^$')" ] || fail "case $n: sync.sh -n printed the wrong actions: $(tr '\\n' '|' < /tmp/dry.out | head -c 200)"
  bash /work/sync.sh "/tmp/sync$n/src" "/tmp/sync$n/dst" > /tmp/run.out 2>/tmp/run.err || fail "case $n: sync.sh exited non-zero: $(head -c 200 /tmp/run.err)"
  [ "$(sort /tmp/run.out | grep -v '^$')" = "$(sort "/verifier/case$n.actions" | grep -v '^$')" ] || fail "case $n: sync.sh printed the wrong actions: $(tr '\\n' '|' < /tmp/run.out | head -c 200)"
  [ "$(tree_of "/tmp/sync$n/dst")" = "$(tree_of "/tmp/sync$n/src")" ] || fail "case $n: after sync.sh the destination does not mirror the source"
  bash /work/sync.sh "/tmp/sync$n/src" "/tmp/sync$n/dst" > /tmp/again.out 2>&1 || fail "case $n: a second run exited non-zero"
  [ -z "$(grep -v '^$' /tmp/again.out)" ] || fail "case $n: a second run should print nothing, got: $(head -c 120 /tmp/again.out)"
}
${SYNC_CASES.map((_, i) => `check_case ${i + 1}`).join('\n')}
echo "sync.sh mirrors directories correctly"
`),
  },
  solution: `
cat > sync.sh <<'EOF'
# usage: bash sync.sh [-n] SRC DST
dry=0
if [ "$1" = "-n" ]; then dry=1; shift; fi
src=$1; dst=$2
[ -d "$src" ] || { echo "sync: no such directory: $src" >&2; exit 1; }
(cd "$src" && find . -type f | sed 's|^[.]/||' | sort) > /tmp/sync.src
if [ -d "$dst" ]; then (cd "$dst" && find . -type f | sed 's|^[.]/||' | sort) > /tmp/sync.dst; else : > /tmp/sync.dst; fi
: > /tmp/sync.plan
while IFS= read -r p; do
  if [ ! -f "$dst/$p" ]; then echo "copy $p"
  elif [ "$(md5sum < "$src/$p")" != "$(md5sum < "$dst/$p")" ]; then echo "update $p"
  fi
done < /tmp/sync.src >> /tmp/sync.plan
comm -13 /tmp/sync.src /tmp/sync.dst | sed 's/^/delete /' >> /tmp/sync.plan
if [ "$dry" = 0 ]; then
  while IFS= read -r line; do
    action=\${line%% *}; p=\${line#* }
    case "$action" in
      copy|update) mkdir -p "$(dirname "$dst/$p")" && cp "$src/$p" "$dst/$p" ;;
      delete) rm -f "$dst/$p" ;;
    esac
  done < /tmp/sync.plan
fi
cat /tmp/sync.plan
EOF
bash sync.sh -n demo/src demo/dst
`,
  agentTimeoutSec: 300,
  verifierTimeoutSec: 30,
  category: 'file-ops',
  difficulty: 'hard',
  tags: ['cli', 'mirror', 'dry-run', 'hidden-inputs', 'spaces-in-names'],
};

export const fileOpsTasks: Task[] = [organizeInbox, dedupeByContent, flattenTree, renamePhotosByDate, pruneOldBackups, syncDirsScript];

