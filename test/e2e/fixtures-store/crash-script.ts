// A script of mutations for the crash test, generated against a model order
// manager (the library, in memory) so that every step is valid when it runs
// and the model ends in the state the real run must reach. Each step has
// fixed operation ids: rerunning a step after a kill is a replay or a first
// run, never a second application.

import fs from 'node:fs';
import path from 'node:path';
import { createOrderManager, type Order, type OrderManager, type Side } from '../../../src/index.js';
import { prng, type SeedOrder } from './support.js';

export interface ModelTrade {
  tradeId: number;
  symbol: string;
  side: Side;
  requested: number;
  filled: number;
  total: string;
  fills: { orderId: number; amount: number; price: string }[];
  quoteId: number | null;
}

export interface Step {
  /** What the step is, for messages. */
  label: string;
  /** Arguments after `--state PATH --json`. */
  args: string[];
  /** Operation ids the step records (an import: one per row). */
  opIds: string[];
}

export interface CrashScript {
  seed: SeedOrder[];
  steps: Step[];
  model: OrderManager;
  trades: ModelTrade[];
}

const SYMBOLS = ['AAA', 'BBB'];
const SIDES: Side[] = ['Buy', 'Sell'];

function price(random: () => number): string {
  return (10 + Math.floor(random() * 60) * 0.25).toFixed(2).replace(/\.?0+$/, '');
}

/** `count` seed orders and `steps` steps; import CSVs are written into `dir`. */
export function crashScript(randomSeed: number, count: number, stepCount: number, dir: string): CrashScript {
  const random = prng(randomSeed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const model = createOrderManager();
  const seed: SeedOrder[] = [];
  for (let i = 1; i <= count; i++) {
    const order: SeedOrder = {
      orderId: i,
      // Four in five orders are AAA's, so a quote across one AAA side is a long journal line.
      symbol: i % 5 === 0 ? 'BBB' : 'AAA',
      side: SIDES[i % 2] as Side,
      amount: 1 + Math.floor(random() * 20),
      price: price(random),
      source: random() < 0.5 ? null : `desk-${Math.floor(random() * 1e9)}`,
    };
    seed.push(order);
    model.addOrder(order.orderId, order.symbol, order.side, order.amount, order.price, order.source ?? undefined);
  }

  const trades: ModelTrade[] = [];
  const steps: Step[] = [];
  let nextOrderId = 100_001;
  let nextQuoteId = 1;
  const liquidity = (symbol: string, side: Side): number => model.orders({ symbol, side }).reduce((sum, order) => sum + order.amount, 0);
  const live = (): Order[] => model.orders();
  const recordTrade = (symbol: string, side: Side, amount: number, partial: boolean, quoteId: number | null): void => {
    const result = model.placeTrade(symbol, side, amount, { partial });
    trades.push({ tradeId: trades.length + 1, symbol, side, requested: result.requested, filled: result.filled, total: result.total, fills: result.fills, quoteId });
  };

  for (let n = 1; steps.length < stepCount; n++) {
    const opId = `c-${n}`;
    const roll = random();
    if (roll < 0.2) {
      const orderId = nextOrderId++;
      const [symbol, side, amount, p] = [pick([...SYMBOLS, 'CCC']), pick(SIDES), 1 + Math.floor(random() * 50), price(random)];
      const source = random() < 0.5 ? `new-${n}` : undefined;
      model.addOrder(orderId, symbol, side, amount, p, source);
      steps.push({ label: `add ${orderId}`, opIds: [opId], args: ['--op-id', opId, 'add', String(orderId), symbol, side, String(amount), p, ...(source ? ['--source', source] : [])] });
    } else if (roll < 0.38) {
      const order = pick(live());
      const amount = random() < 0.1 ? 0 : random() < 0.5 ? order.amount : 1 + Math.floor(random() * 40);
      let p = random() < 0.5 ? order.price : price(random);
      if (amount === order.amount && p === order.price) p = String(Number(order.price) + 100);
      model.modifyOrder(order.orderId, amount, p);
      steps.push({ label: `modify ${order.orderId}`, opIds: [opId], args: ['--op-id', opId, 'modify', String(order.orderId), '--amount', String(amount), '--price', p] });
    } else if (roll < 0.48) {
      const order = pick(live());
      model.removeOrder(order.orderId);
      steps.push({ label: `remove ${order.orderId}`, opIds: [opId], args: ['--op-id', opId, 'remove', String(order.orderId)] });
    } else if (roll < 0.78) {
      // Big quotes (most of one AAA side) make journal lines of tens of KB, so
      // checkpoints come every few steps; small ones are then traded.
      const big = roll < 0.68;
      const [symbol, side] = [big ? 'AAA' : pick(SYMBOLS), pick(SIDES)];
      const amount = Math.max(1, Math.floor(liquidity(symbol, side) * (big ? 0.6 + random() * 0.4 : random() * 0.05)));
      const quoteId = nextQuoteId++;
      steps.push({ label: `quote ${quoteId}`, opIds: [opId], args: ['--op-id', opId, 'quote', symbol, side, String(amount), '--ttl', '3600', '--client', `client-${n}`] });
      if (!big) {
        recordTrade(symbol, side, amount, false, quoteId);
        steps.push({ label: `trade quote ${quoteId}`, opIds: [`${opId}-t`], args: ['--op-id', `${opId}-t`, 'trade', '--quote', String(quoteId)] });
      }
    } else if (roll < 0.88) {
      const [symbol, side] = [pick(SYMBOLS), pick(SIDES)];
      const amount = 1 + Math.floor(liquidity(symbol, side) * random() * 0.04);
      recordTrade(symbol, side, amount, false, null);
      steps.push({ label: `trade ${symbol} ${side} ${amount}`, opIds: [opId], args: ['--op-id', opId, 'trade', symbol, side, String(amount), '--client', `client-${n}`] });
    } else {
      const rows: string[] = ['action,order_id,symbol,side,amount,price,source,op_id'];
      const opIds: string[] = [];
      const touched = new Set<number>();
      const rowCount = 5 + Math.floor(random() * 60);
      for (let r = 1; r <= rowCount; r++) {
        const rowOp = `${opId}-r${r}`;
        opIds.push(rowOp);
        const candidates = live().filter((order) => !touched.has(order.orderId));
        const order = pick(candidates);
        touched.add(order.orderId);
        const kind = random();
        if (kind < 0.5) {
          const orderId = nextOrderId++;
          touched.add(orderId);
          const [symbol, side, amount, p] = [pick(SYMBOLS), pick(SIDES), 1 + Math.floor(random() * 30), price(random)];
          model.addOrder(orderId, symbol, side, amount, p);
          rows.push(`add,${orderId},${symbol},${side},${amount},${p},,${rowOp}`);
        } else if (kind < 0.8) {
          const amount = order.amount + 1 + Math.floor(random() * 5);
          model.modifyOrder(order.orderId, amount, order.price);
          rows.push(`modify,${order.orderId},,,${amount},,,${rowOp}`);
        } else {
          model.removeOrder(order.orderId);
          rows.push(`remove,${order.orderId},,,,,,${rowOp}`);
        }
      }
      const file = path.join(dir, `batch-${n}.csv`);
      fs.writeFileSync(file, `${rows.join('\n')}\n`);
      steps.push({ label: `import ${rowCount} rows`, opIds, args: ['import', file] });
    }
  }
  return { seed, steps, model, trades };
}
