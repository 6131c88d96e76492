// Section 2: what one `oms add` costs as a whole process, against a bare
// `node -e 0` measured in the same rounds. Rounds interleave every case so
// machine drift hits all of them alike; each case reports its median.
// The empty state is a fresh copy of an `oms init`ed state for every run (so
// it is empty each time and its creation is not timed); the other states get
// an `add` of a new order id each run (they grow by one order per run).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNodeJson, timeProcess } from '../lib/node-process.js';
import { OMS } from '../lib/paths.js';
import { median } from '../lib/stats.js';

const BUILD_STATE = fileURLToPath(new URL('./build-state.js', import.meta.url));

const FULL = { runs: 25, big: 100_000, small: 10_000, history: 1_000_000 };
const QUICK = { runs: 10, big: 100_000, small: 10_000, history: 100_000 };

function addArgs(state, orderId) {
  return [OMS, '--state', state, 'add', String(orderId), 'SYM001', 'Buy', '5', '999'];
}

async function buildState(dir, name, live, operations, log) {
  const state = path.join(dir, name, 'state.json');
  fs.mkdirSync(path.dirname(state));
  log(`cli: building ${name} (${live} live orders, ${operations} operations)`);
  const built = await runNodeJson([BUILD_STATE, state, String(live), String(operations)]);
  if (built.liveOrders !== live || built.operations !== operations) throw new Error(`build-state ${name}: got ${JSON.stringify(built)}`);
  return state;
}

export async function cliSection({ quick, dir, log }) {
  const config = quick ? QUICK : FULL;
  const template = path.join(dir, 'empty-template', 'state.json');
  fs.mkdirSync(path.dirname(template));
  timeProcess([OMS, '--state', template, '--quiet', 'init', '--convention', 'market']);
  const big = await buildState(dir, 'big', config.big, config.big, log);
  const history = await buildState(dir, 'history', config.small, config.history, log);
  const plain = await buildState(dir, 'plain', config.small, config.small, log);

  let emptyRun = 0;
  const freshEmpty = () => {
    const copy = path.join(dir, `empty-${++emptyRun}`);
    fs.cpSync(path.dirname(template), copy, { recursive: true });
    return path.join(copy, 'state.json');
  };
  let nextId = 90_000_000;
  const cases = {
    node: () => timeProcess(['-e', '0']),
    empty: () => timeProcess(addArgs(freshEmpty(), 1)),
    big: () => timeProcess(addArgs(big, nextId++)),
    plain: () => timeProcess(addArgs(plain, nextId++)),
    history: () => timeProcess(addArgs(history, nextId++)),
  };
  const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  // One untimed round first, so every case starts with its files in the page cache.
  for (const run of Object.values(cases)) run();
  log(`cli: ${config.runs} rounds of ${Object.keys(cases).join(', ')}`);
  for (let round = 0; round < config.runs; round++) {
    for (const [name, run] of Object.entries(cases)) times[name].push(run());
  }
  const ms = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
  const count = (n) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
  const row = (name, value, reference, referenceName, maxRatio) => ({
    section: 'cli',
    name,
    unit: 'ms',
    oms: value,
    reference,
    referenceName,
    ratio: value / reference,
    target: maxRatio ? `≤ ${maxRatio}x ${referenceName}` : '',
    pass: maxRatio ? value / reference <= maxRatio : null,
  });
  const rows = [
    { section: 'cli', name: '`node -e 0` (yardstick)', unit: 'ms', oms: ms.node, reference: null, ratio: null, target: '', pass: null },
    row('`oms add`, empty state', ms.empty, ms.node, 'node -e 0', 2.5),
    row(`\`oms add\`, ${count(config.big)} live orders`, ms.big, ms.node, 'node -e 0', 5),
    row(`\`oms add\`, ${count(config.small)} live, no history`, ms.plain, ms.node, 'node -e 0'),
    row(`\`oms add\`, ${count(config.small)} live after ${count(config.history)} ops`, ms.history, ms.plain, 'no history', 1.3),
  ];
  return { rows, raw: { runs: config.runs, config, times } };
}
