// `npm run demo`: the requirement document's example, end to end, through the
// real CLI on a fresh temp state: import its four orders, quote 20 / 10 / 22
// JPM (400 / 200 / 442), trade the 442 quote, and show the book before and after.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const oms = path.join(root, 'bin/oms.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-demo-'));
const state = path.join(dir, 'demo.json');
const orders = path.join(root, 'fixtures/document-orders.csv');

function run(args, { json = false } = {}) {
  const shown = ['oms', ...args].map((arg) => (arg.includes(root) ? path.relative(process.cwd(), arg) || '.' : arg)).join(' ');
  if (!json) process.stdout.write(`\n$ ${shown}\n`);
  const result = spawnSync(process.execPath, [oms, '--state', state, ...(json ? ['--json'] : []), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', json ? 'pipe' : 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    process.stderr.write(`demo: "${shown}" exited ${result.status}\n`);
    process.exit(1);
  }
  return json ? JSON.parse(result.stdout) : undefined;
}

process.stdout.write(`A fresh state in ${dir}; the requirement document's four orders from ${path.relative(process.cwd(), orders)}:\n`);
process.stdout.write(fs.readFileSync(orders, 'utf8'));
run(['import', orders]);
run(['book', 'JPM']);
run(['orders']);
for (const amount of ['20', '10', '22']) run(['quote', 'JPM', 'buy', amount, '--client', 'demo']);
const quotes = run(['history', '--limit', '3'], { json: true })
  .operations.reverse()
  .map((operation) => operation.result);
const totals = quotes.map((quote) => quote.total);
process.stdout.write(`\nThe document expects 400, 200 and 442; the quotes gave ${totals.join(', ')}.\n`);
if (totals.join() !== '400,200,442') {
  process.stderr.write('demo: the totals differ from the document\n');
  process.exit(1);
}
run(['trade', '--quote', String(quotes[2].quoteId)]);
run(['book', 'JPM']);
run(['order', '1']);
run(['trades']);
process.stdout.write(`\nDone: order #1 was filled and removed, #4 has 8 left. The state stays in ${dir} (try: oms --state ${state} history).\n`);
