// Builds a state for the CLI timings through the store API in-process, in
// large atomic batches, instead of spawning the CLI a million times:
// `node bench/cli/build-state.js <path> <liveOrders> <operations>`.
// The live orders come first (ids 1..liveOrders, 100 symbols, bids and asks
// that never cross); if more operations are asked for, the rest is history
// that leaves them untouched: cycles of add, modify, a trade that fills that
// order, then add and remove of another order. So the live book at the end is
// the same with or without the history. Prints {"seq","liveOrders"}.

import { addCommand, modifyCommand, removeCommand, tradeCommand } from '../../dist/core/commands.js';
import { openStore } from '../../dist/store/open.js';

const BATCH = 50_000;
const SYMBOLS = 100;
/** A churn order sells below every live ask, so the trade that follows fills it alone. */
const CHURN_ASK = '50';
const CHURN_BID = '10';

const [path, liveText, operationsText] = process.argv.slice(2);
const liveOrders = Number(liveText);
const operations = Math.max(Number(operationsText), liveOrders);
if (!path || !Number.isSafeInteger(liveOrders)) throw new Error('usage: build-state.js <path> <liveOrders> <operations>');

function liveOrder(index) {
  const buy = index % 2 === 0;
  return {
    orderId: index + 1,
    symbol: `SYM${String(index % SYMBOLS).padStart(3, '0')}`,
    side: buy ? 'Buy' : 'Sell',
    amount: 1 + (index % 100),
    price: String(buy ? 1000 - (index % 500) : 1001 + (index % 500)),
  };
}

/** The commands after the live orders, five per cycle. */
function* history(count) {
  let nextId = 10_000_000;
  for (let done = 0; done < count; ) {
    const symbol = `SYM${String((done / 5) % SYMBOLS | 0).padStart(3, '0')}`;
    const filled = nextId++;
    const removed = nextId++;
    const cycle = [
      addCommand({ orderId: filled, symbol, side: 'Sell', amount: 10, price: CHURN_ASK }),
      modifyCommand({ orderId: filled, amount: 5 }),
      tradeCommand({ symbol, side: 'Buy', amount: 5 }),
      addCommand({ orderId: removed, symbol, side: 'Buy', amount: 10, price: CHURN_BID }),
      removeCommand({ orderId: removed }),
    ];
    for (const command of cycle.slice(0, count - done)) yield command;
    done += cycle.length;
  }
}

function* everything() {
  for (let index = 0; index < liveOrders; index++) yield addCommand(liveOrder(index));
  yield* history(operations - liveOrders);
}

const store = await openStore(path, { command: 'bench build-state' });
const commands = everything();
for (let exhausted = false; !exhausted; ) {
  await store.write(
    async (tx) => {
      for (let n = 0; n < BATCH; n++) {
        const next = commands.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        await tx.execute(next.value);
      }
    },
    { bulk: true, convention: 'market' },
  );
}
const status = await store.status();
await store.close();
process.stdout.write(`${JSON.stringify({ seq: status.seq, operations: status.operations, liveOrders: status.liveOrders })}\n`);
