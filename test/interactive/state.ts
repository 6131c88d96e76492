// Seeding and reading a temp state through a second store opened on it: what
// another process sharing the state would see and do.

import { addCommand, type Command } from '../../src/core/commands.js';
import type { TradeView } from '../../src/core/ledger.js';
import type { Convention, Order } from '../../src/core/types.js';
import { openStore } from '../../src/store/open.js';

/** The requirement document's book: #1 JPM Buy 20 @ 20, #2 GOOG Sell 12 @ 25, #3 AMZN Sell 7 @ 10, #4 JPM Buy 10 @ 21. */
export const DOCUMENT_ORDERS = [
  { orderId: '1', symbol: 'JPM', side: 'Buy', amount: '20', price: '20' },
  { orderId: '2', symbol: 'GOOG', side: 'Sell', amount: '12', price: '25' },
  { orderId: '3', symbol: 'AMZN', side: 'Sell', amount: '7', price: '10' },
  { orderId: '4', symbol: 'JPM', side: 'Buy', amount: '10', price: '21' },
];

/** Commits commands as another writer would. */
export async function commit(state: string, ...commands: Command[]): Promise<void> {
  const store = await openStore(state);
  try {
    for (const command of commands) await store.write((tx) => tx.execute(command));
  } finally {
    await store.close();
  }
}

export async function seed(state: string, convention: Convention = 'document'): Promise<void> {
  const store = await openStore(state);
  try {
    await store.init(convention);
  } finally {
    await store.close();
  }
  await commit(state, ...DOCUMENT_ORDERS.map((order) => addCommand(order)));
}

export async function liveOrders(state: string): Promise<Order[]> {
  const store = await openStore(state);
  try {
    return Array.from((await store.read()).orders());
  } finally {
    await store.close();
  }
}

export async function trades(state: string): Promise<TradeView[]> {
  const store = await openStore(state);
  const found: TradeView[] = [];
  try {
    for await (const record of store.history({ filter: (record) => record.cmd.type === 'trade' || record.cmd.type === 'tradeQuote' })) {
      found.push(record.res as TradeView);
    }
  } finally {
    await store.close();
  }
  return found;
}

export async function quotes(state: string): Promise<number> {
  const store = await openStore(state);
  try {
    return (await store.status()).quotes;
  } finally {
    await store.close();
  }
}
