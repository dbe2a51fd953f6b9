import type { Task } from '../types.js';
import { once } from './generated.js';
import { byCodePoint, lines, pad, pick, pickWeighted, randInt, seededRng, shuffled } from './seeded.js';
import { withVerifyLib } from './verify-lib.js';

/** No first name is a prefix of another, so alphabetical order of the emails is the same in every locale. */
const FIRST_NAMES = [
  'ada', 'bruno', 'chloe', 'dmitri', 'elena', 'farid', 'greta', 'hiro', 'ines', 'jonas', 'kemal', 'lucia', 'mateo',
  'nadia', 'oscar', 'priya', 'quentin', 'rosa', 'samir', 'tove', 'umar', 'vera', 'wendell', 'xenia', 'yusuf', 'zoe',
  'astrid', 'boris', 'carmen', 'diego', 'emre', 'freya', 'gideon', 'hana', 'igor', 'juno', 'kira', 'leon', 'mira', 'nico',
];
const LAST_NAMES = ['ng', 'silva', 'berg', 'kowalski', 'haddad', 'moreau', 'sato', 'okoye', 'lind', 'romero', 'varga', 'walsh'];

// ---------------------------------------------------------------------------------------------
// jq-active-admins

interface User {
  id: number;
  name: string;
  email: string;
  role: string;
  active: boolean;
  last_login: string | null;
  teams: string[];
}

function makeUsers(): { users: User[]; admins: string } {
  const rng = seededRng(4242);
  const users = shuffled(rng, FIRST_NAMES).map((first, i): User => {
    const last = pick(rng, LAST_NAMES);
    const role = pickWeighted(rng, [['admin', 3], ['editor', 4], ['viewer', 6]] as const);
    return {
      id: 1001 + i,
      name: `${first[0].toUpperCase()}${first.slice(1)} ${last[0].toUpperCase()}${last.slice(1)}`,
      email: `${first}.${last}@corp.example`,
      role,
      active: rng() < 0.7,
      last_login: rng() < 0.85 ? `2024-0${randInt(rng, 1, 5)}-${pad(randInt(rng, 1, 28), 2)}T${pad(randInt(rng, 0, 23), 2)}:00:00Z` : null,
      teams: shuffled(rng, ['infra', 'web', 'data', 'sales']).slice(0, randInt(rng, 0, 2)),
    };
  });
  const admins = users.filter((u) => u.role === 'admin' && u.active).map((u) => u.email).sort(byCodePoint);
  return { users, admins: lines(admins) };
}

const usersData = once(makeUsers);

const jqActiveAdmins: Task = {
  id: 'jq-active-admins',
  title: 'List the emails of active admins',
  instruction: `\`users.json\` is an array of user objects like \`{"id": 1001, "name": "…", "email": "…", "role": "admin", "active": true, …}\`.

Write \`admins.txt\` containing the email address of every user whose \`role\` is \`"admin"\` **and** whose \`active\` is \`true\` — one address per line, no quotes, sorted alphabetically.`,
  get initialFiles() {
    return { 'users.json': `${JSON.stringify(usersData().users, null, 2)}\n` };
  },
  get verifier() {
    return {
      files: { 'expected-admins.txt': usersData().admins },
      script: withVerifyLib(`
same_file admins.txt /verifier/expected-admins.txt
echo "admins.txt is correct"
`),
    };
  },
  solution: `jq -r '.[] | select(.role == "admin" and .active == true) | .email' users.json | sort > admins.txt`,
  agentTimeoutSec: 120,
  verifierTimeoutSec: 10,
  category: 'data-wrangling',
  difficulty: 'easy',
  tags: ['jq', 'json'],
};

// ---------------------------------------------------------------------------------------------
// orders-revenue-by-region

const REGIONS = ['north', 'south', 'east', 'west', 'central'];

function makeOrders(): { customers: string; orders: string; revenue: string } {
  const rng = seededRng(8080);
  const customers = FIRST_NAMES.slice(0, 24).map((first, i) => ({
    id: `C${pad(i + 1, 3)}`,
    name: `${first[0].toUpperCase()}${first.slice(1)} ${pick(rng, LAST_NAMES)}`,
    // Nobody in "central" ever pays: that region must still appear, with 0.
    region: i === 5 || i === 17 ? 'central' : pick(rng, REGIONS.slice(0, 4)),
  }));
  const regionOf = new Map(customers.map((c) => [c.id, c.region]));
  const revenue: Record<string, number> = Object.fromEntries([...REGIONS, 'unknown'].map((r) => [r, 0]));
  const rows = ['order_id,customer_id,amount_cents,status'];
  for (let i = 0; i < 220; i++) {
    const known = rng() < 0.93;
    const customer = known ? pick(rng, customers).id : `C${pad(randInt(rng, 90, 99), 3)}`;
    const region = regionOf.get(customer) ?? 'unknown';
    const status = region === 'central' ? pick(rng, ['refunded', 'pending']) : pickWeighted(rng, [['paid', 70], ['refunded', 12], ['pending', 18]] as const);
    const amount = randInt(rng, 199, 250_00);
    if (status === 'paid') revenue[region] += amount;
    rows.push(`ORD-${pad(5001 + i, 5)},${customer},${amount},${status}`);
  }
  return {
    customers: `${JSON.stringify(customers, null, 2)}\n`,
    // A Windows export: CRLF line endings.
    orders: `${rows.join('\r\n')}\r\n`,
    revenue: `${JSON.stringify(revenue)}\n`,
  };
}

const ordersData = once(makeOrders);

const ordersRevenue: Task = {
  id: 'orders-revenue-by-region',
  title: 'Join orders with customers and total revenue per region',
  instruction: `Two files describe last month's sales:

- \`data/orders.csv\` — columns \`order_id,customer_id,amount_cents,status\` (a Windows export, so lines end in CRLF);
- \`data/customers.json\` — an array of \`{"id": "C001", "name": "…", "region": "north"}\`.

Write \`revenue.json\`: a JSON object mapping each region to the sum of \`amount_cents\` of its orders with status \`paid\`, as an integer, e.g. \`{"north": 123456, "south": 0, …}\`.

- Include every region that appears in \`customers.json\`, with \`0\` if it has no paid orders.
- Paid orders whose \`customer_id\` is not in \`customers.json\` go under the key \`"unknown"\` (include it even if 0).
- Key order and formatting don't matter.`,
  get initialFiles() {
    return { 'data/orders.csv': ordersData().orders, 'data/customers.json': ordersData().customers };
  },
  get verifier() {
    return {
      files: { 'expected-revenue.json': ordersData().revenue },
      script: withVerifyLib(`
[ -f revenue.json ] || fail "revenue.json is missing"
jq empty revenue.json 2>/dev/null || fail "revenue.json is not valid JSON"
[ "$(jq -r 'type' revenue.json)" = "object" ] || fail "revenue.json must hold a JSON object"
missing=$(jq -r --slurpfile want /verifier/expected-revenue.json '($want[0] | keys) - keys | join(", ")' revenue.json)
[ -z "$missing" ] || fail "revenue.json lacks the keys: $missing"
extra=$(jq -r --slurpfile want /verifier/expected-revenue.json 'keys - ($want[0] | keys) | join(", ")' revenue.json)
[ -z "$extra" ] || fail "revenue.json has unexpected keys: $extra"
wrong=$(jq -r --slurpfile want /verifier/expected-revenue.json '[to_entries[] | .key as $k | select(.value != $want[0][$k]) | $k] | join(", ")' revenue.json)
[ -z "$wrong" ] || fail "wrong totals for: $wrong"
echo "revenue.json is correct"
`),
    };
  },
  solution: `
tr -d '\\r' < data/orders.csv | awk -F, 'NR > 1 && $4 == "paid" { print $2, $3 }' > /tmp/paid.txt
jq -R -s --slurpfile c data/customers.json '
  ($c[0] | map({(.id): .region}) | add) as $region
  | split("\\n") | map(select(length > 0) | split(" ") | .[0] as $id | {r: ($region[$id] // "unknown"), a: (.[1] | tonumber)})
  | reduce .[] as $o (($c[0] | map({(.region): 0}) | add) + {unknown: 0}; .[$o.r] += $o.a)
' /tmp/paid.txt > revenue.json
`,
  agentTimeoutSec: 240,
  verifierTimeoutSec: 10,
  category: 'data-wrangling',
  difficulty: 'medium',
  tags: ['jq', 'csv', 'join', 'crlf'],
};

// ---------------------------------------------------------------------------------------------
// csv-to-json-records

const PRODUCTS: Array<[sku: string, name: string, price: string, stock: number, discontinued: boolean]> = [
  ['KB-101', 'Mechanical Keyboard', '89.90', 14, false],
  ['MS-220', 'Wireless Mouse', '24.50', 0, false],
  ['MN-270', '27 inch Monitor', '229.00', 3, false],
  ['CB-005', 'USB-C Cable 1m', '7.99', 120, false],
  ['HD-400', 'Noise Cancelling Headphones', '149.00', 7, true],
  ['WC-010', 'Webcam HD', '39.95', 0, true],
  ['DK-330', 'Laptop Dock', '119.50', 5, false],
  ['PD-001', 'Mouse Pad', '5', 300, false],
];

const csvToJson: Task = {
  id: 'csv-to-json-records',
  title: 'Convert a product CSV to typed JSON',
  instruction: `Convert \`products.csv\` to \`products.json\`: a JSON array with one object per data row, in the same order, with these keys and types:

- \`sku\` and \`name\`: strings;
- \`price\`: a number (\`24.50\` → \`24.5\`);
- \`stock\`: an integer number;
- \`discontinued\`: a boolean — the CSV says \`yes\` or \`no\`.

Values never contain commas or quotes. Formatting and key order in the JSON are up to you.`,
  initialFiles: {
    'products.csv': lines(['sku,name,price,stock,discontinued', ...PRODUCTS.map(([sku, name, price, stock, d]) => `${sku},${name},${price},${stock},${d ? 'yes' : 'no'}`)]),
  },
  verifier: {
    files: {
      'expected-products.json': `${JSON.stringify(PRODUCTS.map(([sku, name, price, stock, discontinued]) => ({ sku, name, price: Number(price), stock, discontinued })))}\n`,
    },
    script: withVerifyLib(`
[ -f products.json ] || fail "products.json is missing"
jq empty products.json 2>/dev/null || fail "products.json is not valid JSON"
[ "$(jq -r 'type' products.json)" = array ] || fail "products.json must hold an array"
[ "$(jq -r 'all(.[]; (.price | type) == "number" and (.stock | type) == "number" and (.discontinued | type) == "boolean")' products.json)" = true ] || fail "price and stock must be numbers and discontinued a boolean"
same_json products.json /verifier/expected-products.json
echo "products.json is correct"
`),
  },
  solution: `
jq -R -s '
  split("\\n") | map(select(length > 0)) | .[1:]
  | map(split(",") | {sku: .[0], name: .[1], price: (.[2] | tonumber), stock: (.[3] | tonumber), discontinued: (.[4] == "yes")})
' products.csv > products.json
`,
  agentTimeoutSec: 120,
  verifierTimeoutSec: 10,
  category: 'data-wrangling',
  difficulty: 'easy',
  tags: ['jq', 'csv', 'json', 'types'],
};

// ---------------------------------------------------------------------------------------------
// flatten-json-script

function flattenJson(value: unknown, path: string[] = [], out: string[] = []): string[] {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, child] of entries) flattenJson(child, [...path, key], out);
  } else {
    const key = ['APP', ...path].map((part) => part.toUpperCase().replace(/-/g, '_')).join('_');
    out.push(`${key}=${value === null ? '' : String(value)}`);
  }
  return out;
}

const FLATTEN_SAMPLE = { name: 'ledger', port: 8080, debug: false };
const FLATTEN_CASES: unknown[] = [
  {
    service: { name: 'billing', 'max-connections': 250, timeout: 2.5, tls: { enabled: true, cert: '/etc/ssl/b.pem' } },
    servers: [{ host: 'db1.internal', port: 5432 }, { host: 'db2.internal', port: 5433, replica: true }],
    features: ['audit', 'rate-limit'],
    debug: false,
    owner: null,
    notes: '',
    empty: {},
    none: [],
  },
  { 'log-level': 'warn', retries: 0, nested: { deeper: { deepest: { flag: false, list: [[1, 2], [3]] } } } },
];

const flattenJsonScript: Task = {
  id: 'flatten-json-script',
  title: 'Flatten JSON config into environment variables',
  instruction: `Write a bash script \`flatten.sh\` that turns a JSON config file into environment-variable lines:

    bash flatten.sh config.json

prints one line \`KEY=VALUE\` for every leaf value (string, number, boolean or null) of the JSON document:

- KEY is \`APP\` followed by each key or array index on the way to the leaf, joined with \`_\`, uppercased, with \`-\` replaced by \`_\`: \`{"servers": [{"max-conn": 5}]}\` gives \`APP_SERVERS_0_MAX_CONN=5\`;
- VALUE is the value without JSON quotes: strings as they are, numbers as JSON writes them, \`true\`/\`false\` for booleans, and nothing at all for \`null\` (\`APP_OWNER=\`);
- empty objects and arrays produce no line. The order of the lines does not matter.

\`config.json\` is a small sample; the script will be run on other files.`,
  initialFiles: { 'config.json': `${JSON.stringify(FLATTEN_SAMPLE, null, 2)}\n` },
  verifier: {
    files: Object.fromEntries(FLATTEN_CASES.flatMap((c, i) => [[`case${i + 1}.json`, `${JSON.stringify(c, null, 2)}\n`], [`case${i + 1}.env`, lines(flattenJson(c).sort(byCodePoint))]])),
    script: withVerifyLib(`
[ -f flatten.sh ] || fail "flatten.sh is missing"
for n in ${FLATTEN_CASES.map((_, i) => i + 1).join(' ')}; do
  bash flatten.sh "/verifier/case$n.json" > /tmp/flat.out 2>/tmp/flat.err || fail "case $n: flatten.sh exited non-zero: $(head -c 200 /tmp/flat.err)"
  grep -v '^$' /tmp/flat.out | sort > /tmp/flat.sorted
  sort "/verifier/case$n.env" > /tmp/flat.expected
  compare_norm "case $n (lines sorted)" /tmp/flat.sorted /tmp/flat.expected
done
echo "flatten.sh is correct on the hidden configs"
`),
  },
  solution: `
cat > flatten.sh <<'EOF'
# usage: bash flatten.sh FILE — note: paths(scalars) would skip false and null leaves
jq -r '
  paths as $p
  | getpath($p) as $v
  | select(($v | type) != "object" and ($v | type) != "array")
  | (["APP"] + ($p | map(tostring)) | map(ascii_upcase | gsub("-"; "_")) | join("_")) + "=" + (if $v == null then "" else ($v | tostring) end)
' "$1"
EOF
bash flatten.sh config.json
`,
  agentTimeoutSec: 240,
  verifierTimeoutSec: 15,
  category: 'data-wrangling',
  difficulty: 'medium',
  tags: ['jq', 'paths', 'null-and-false', 'hidden-inputs'],
};

// ---------------------------------------------------------------------------------------------
// pivot-monthly-sales

const PIVOT_REGIONS = ['north', 'south', 'east', 'west'];

function makeSales(): { csv: string; pivot: string } {
  const rng = seededRng(3131);
  const rows: string[] = [];
  const cents = new Map<string, number>();
  for (let i = 0; i < 160; i++) {
    const month = randInt(rng, 1, 6);
    const region = pick(rng, month === 4 ? ['north', 'south', 'west'] : PIVOT_REGIONS); // nobody in the east sold in April
    const amount = rng() < 0.05 ? -randInt(rng, 500, 5000) : randInt(rng, 1000, 250000);
    const key = `2024-${pad(month, 2)}|${region}`;
    cents.set(key, (cents.get(key) ?? 0) + amount);
    rows.push(`2024-${pad(month, 2)}-${pad(randInt(rng, 1, 28), 2)},${region},${(amount / 100).toFixed(2)}`);
  }
  const regions = [...PIVOT_REGIONS].sort(byCodePoint);
  const months = [...new Set([...cents.keys()].map((key) => key.split('|')[0]))].sort(byCodePoint);
  const money = (c: number) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${pad(Math.abs(c) % 100, 2)}`;
  return {
    csv: lines(['date,region,amount', ...shuffled(rng, rows)]),
    pivot: lines([['month', ...regions].join(','), ...months.map((m) => [m, ...regions.map((r) => money(cents.get(`${m}|${r}`) ?? 0))].join(','))]),
  };
}

const salesData = once(makeSales);

const pivotMonthlySales: Task = {
  id: 'pivot-monthly-sales',
  title: 'Pivot sales into a month × region table',
  instruction: `\`sales.csv\` lists individual sales (\`date,region,amount\`, dates \`YYYY-MM-DD\`, amounts with two decimals; refunds are negative). Write \`pivot.csv\`:

- header: \`month\` followed by every region that occurs in the data, sorted alphabetically (e.g. \`month,east,north,…\`);
- one row per month that has any sales, as \`YYYY-MM\`, oldest first;
- each cell is the total amount of that month and region with exactly two decimals (\`1234.50\`, \`-12.00\`), or \`0.00\` when there were no sales.`,
  get initialFiles() {
    return { 'sales.csv': salesData().csv };
  },
  get verifier() {
    return {
      files: { 'expected-pivot.csv': salesData().pivot },
      script: withVerifyLib(`
same_file pivot.csv /verifier/expected-pivot.csv
echo "pivot.csv is correct"
`),
    };
  },
  solution: `
awk -F, '
  NR == 1 { next }
  { m = substr($1, 1, 7); months[m] = 1; regions[$2] = 1; total[m "|" $2] += $3 }
  END {
    nr = 0; for (r in regions) names[++nr] = r
    for (i = 2; i <= nr; i++) for (j = i; j > 1 && names[j - 1] > names[j]; j--) { t = names[j]; names[j] = names[j - 1]; names[j - 1] = t }
    header = "month"; for (i = 1; i <= nr; i++) header = header "," names[i]
    print header > "/tmp/pivot-header.csv"
    for (m in months) {
      line = m
      for (i = 1; i <= nr; i++) line = line "," sprintf("%.2f", total[m "|" names[i]] + 0)
      print line
    }
  }
' sales.csv | sort > /tmp/pivot-rows.csv
cat /tmp/pivot-header.csv /tmp/pivot-rows.csv > pivot.csv
`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 10,
  category: 'data-wrangling',
  difficulty: 'medium',
  tags: ['awk', 'pivot', 'csv', 'money'],
};

// ---------------------------------------------------------------------------------------------
// apply-inventory-transactions

interface InventoryItem {
  qty: number;
  location: string;
}

const INITIAL_INVENTORY: Record<string, InventoryItem> = {
  'bolt-m6': { qty: 500, location: 'A1' },
  'nut-m6': { qty: 420, location: 'A1' },
  'washer-m6': { qty: 80, location: 'A2' },
  'bracket-l': { qty: 12, location: 'B4' },
  'hinge-35': { qty: 0, location: 'C1' },
  'spring-10': { qty: 64, location: 'C3' },
};

const TRANSACTION_FILES: Record<string, string[]> = {
  '2024-06-03.csv': ['in,bolt-m6,200', 'out,nut-m6,100', 'out,washer-m6,81', 'in,gasket-20,40,D2', '', 'out,bracket-l,12'],
  '2024-06-01.csv': ['out,bolt-m6,150', 'in,hinge-35,30', 'move,spring-10,0,C4', 'out,hinge-35,5', 'in,rivet-4,100'],
  '2024-06-02.csv': ['count,washer-m6,75', 'out,ghost-part,1', 'out,spring-10,64', 'in,spring-10,10', 'recount,bolt-m6,1', 'out,bolt-m6,351'],
  '2024-06-10.csv': ['out,gasket-20,15', 'move,gasket-20,0,A1', 'out,bracket-l,1', 'count,hinge-35,24', 'in,bolt-m6,-5'],
};

function applyTransactions(): { inventory: Record<string, InventoryItem>; rejected: string[] } {
  const inventory: Record<string, InventoryItem> = structuredClone(INITIAL_INVENTORY);
  const rejected: string[] = [];
  for (const file of Object.keys(TRANSACTION_FILES).sort(byCodePoint)) {
    TRANSACTION_FILES[file].forEach((line, index) => {
      if (!line) return;
      const where = `${file}:${index + 2}`; // line 1 is the header
      const [op, sku, qtyText, location] = line.split(',');
      const qty = Number(qtyText);
      const item = inventory[sku];
      const valid = /^[0-9]+$/.test(qtyText);
      if (!valid || !['in', 'out', 'move', 'count'].includes(op)) return void rejected.push(where);
      if (op === 'in') {
        if (item) item.qty += qty;
        else if (location) inventory[sku] = { qty, location };
        else rejected.push(where);
      } else if (!item) rejected.push(where);
      else if (op === 'out') {
        if (item.qty >= qty) item.qty -= qty;
        else rejected.push(where);
      } else if (op === 'move') {
        if (location) item.location = location;
        else rejected.push(where);
      } else item.qty = qty;
    });
  }
  return { inventory, rejected };
}

const inventoryResult = once(applyTransactions);

const applyInventoryTransactions: Task = {
  id: 'apply-inventory-transactions',
  title: 'Apply a day-by-day transaction log to an inventory',
  instruction: `\`inventory.json\` maps each SKU to \`{"qty": <number>, "location": "<bin>"}\`. \`transactions/\` holds one CSV per day (\`YYYY-MM-DD.csv\`, header \`op,sku,qty,location\`). Apply all transactions to the inventory — days in date order, lines in file order — and write the result back to \`inventory.json\` (same shape; SKUs whose quantity drops to 0 stay).

Operations (\`qty\` must be a whole number ≥ 0, else the line is rejected):

- \`in,SKU,N\` adds N. For a SKU not in the inventory yet, the 4th column gives its location and creates it; without a location the line is rejected.
- \`out,SKU,N\` removes N — rejected if the SKU has fewer than N.
- \`move,SKU,0,BIN\` sets the SKU's location to BIN.
- \`count,SKU,N\` sets the quantity to N (a stocktake).
- Any other operation, and any operation except \`in\` on an unknown SKU, is rejected. Blank lines are skipped.

A rejected line changes nothing. List every rejected line in \`rejected.txt\` as \`FILE:LINE\` (e.g. \`2024-06-02.csv:3\`; the header is line 1), in the order they were processed. You may add a reason after a space.`,
  initialFiles: {
    'inventory.json': `${JSON.stringify(INITIAL_INVENTORY, null, 2)}\n`,
    ...Object.fromEntries(Object.entries(TRANSACTION_FILES).map(([file, rows]) => [`transactions/${file}`, lines(['op,sku,qty,location', ...rows])])),
  },
  get verifier() {
    return {
      files: { 'expected-inventory.json': `${JSON.stringify(inventoryResult().inventory)}\n`, 'expected-rejected.txt': lines(inventoryResult().rejected) },
      script: withVerifyLib(`
same_json inventory.json /verifier/expected-inventory.json
[ -f rejected.txt ] || fail "rejected.txt is missing"
same_text rejected.txt "$(awk 'NF { print $1 }' rejected.txt)" /verifier/expected-rejected.txt
echo "inventory and rejections are correct"
`),
    };
  },
  solution: `
jq -r 'to_entries[] | [.key, (.value.qty | tostring), .value.location] | join(",")' inventory.json > /tmp/inventory.csv
for f in $(ls transactions | sort); do echo "#FILE $f"; tail -n +2 "transactions/$f"; done > /tmp/transactions.txt
# One stream out: "R FILE:LINE reason" for rejections, "I SKU,QTY,BIN" for the final inventory.
awk -F, '
  FILENAME == "/tmp/inventory.csv" { qty[$1] = $2; loc[$1] = $3; order[++n] = $1 }
  FILENAME != "/tmp/inventory.csv" && /^#FILE / { file = substr($0, 7); line = 1 }
  FILENAME != "/tmp/inventory.csv" && !/^#FILE / {
    line++
    op = $1; sku = $2; q = $3; where = "R " file ":" line
    if ($0 == "") { }
    else if (q !~ /^[0-9]+$/) print where " bad quantity"
    else if (op == "in") {
      if (sku in qty) qty[sku] += q
      else if ($4 != "") { qty[sku] = q; loc[sku] = $4; order[++n] = sku }
      else print where " new SKU without a location"
    } else if (!(sku in qty)) print where " unknown SKU or operation"
    else if (op == "out") { if (qty[sku] >= q) qty[sku] -= q; else print where " not enough stock" }
    else if (op == "move") { if ($4 != "") loc[sku] = $4; else print where " no bin" }
    else if (op == "count") qty[sku] = q
    else print where " unknown operation"
  }
  END { for (i = 1; i <= n; i++) print "I " order[i] "," qty[order[i]] "," loc[order[i]] }
' /tmp/inventory.csv /tmp/transactions.txt > /tmp/result.txt
sed -n 's/^R //p' /tmp/result.txt > rejected.txt
sed -n 's/^I //p' /tmp/result.txt | jq -R -s 'split("\\n") | map(select(length > 0) | split(",") | {key: .[0], value: {qty: (.[1] | tonumber), location: .[2]}}) | from_entries' > inventory.json
`,
  agentTimeoutSec: 300,
  verifierTimeoutSec: 10,
  category: 'data-wrangling',
  difficulty: 'hard',
  tags: ['jq', 'awk', 'state-machine', 'validation'],
};

export const dataWranglingTasks: Task[] = [jqActiveAdmins, ordersRevenue, csvToJson, flattenJsonScript, pivotMonthlySales, applyInventoryTransactions];

