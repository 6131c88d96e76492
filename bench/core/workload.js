// The core workload of issue 8, generated from a seed so both engines replay
// the same sequence: adds across many symbols with integer prices where bids
// and asks never cross (so a matching engine does not execute them), then
// removes and modifies of random live orders, price calculations that walk
// exactly 1, 10 or 100 price levels, and trades. The generator keeps its own
// model of the book (level volumes per symbol and side), so the amounts of the
// price calculations and trades are known before either engine runs.

import { seededRandom } from '../lib/random.js';

/** Bids sit at MID-1-k and asks at MID+1+k for k in [0, LEVELS): they never cross. */
export const MID_PRICE = 10_000;
export const LEVELS_PER_SIDE = 500;
export const DEPTHS = [1, 10, 100];
export const BUY = 0;
export const SELL = 1;

export const FULL_SCALE = { orders: 1_000_000, symbols: 100, removes: 100_000, modifies: 100_000, prices: 100_000, trades: 100_000 };
export const QUICK_SCALE = { orders: 100_000, symbols: 100, removes: 10_000, modifies: 10_000, prices: 10_000, trades: 10_000 };
/** Warm-ups: big enough that the measured phases start with optimised code. */
export const FULL_WARMUP_SCALE = { orders: 100_000, symbols: 20, removes: 20_000, modifies: 20_000, prices: 20_000, trades: 20_000 };
export const QUICK_WARMUP_SCALE = { orders: 50_000, symbols: 20, removes: 10_000, modifies: 10_000, prices: 10_000, trades: 10_000 };

export function symbolName(index) {
  return `SYM${String(index).padStart(3, '0')}`;
}

export function priceOf(side, level) {
  return side === BUY ? MID_PRICE - 1 - level : MID_PRICE + 1 + level;
}

/** The book side a request consumes in the market convention: a Buy takes asks. */
function consumedSide(requestSide) {
  return requestSide === BUY ? SELL : BUY;
}

export function generateWorkload(scale, seed) {
  const random = seededRandom(seed);
  const { orders, symbols } = scale;
  const volume = new Float64Array(symbols * 2 * LEVELS_PER_SIDE);
  const slot = (symbol, side, level) => (symbol * 2 + side) * LEVELS_PER_SIDE + level;

  // Live orders by id (ids are 1..orders), plus a dense list for uniform picks.
  const symbolOf = new Uint16Array(orders + 1);
  const sideOf = new Uint8Array(orders + 1);
  const amountOf = new Uint32Array(orders + 1);
  const levelOf = new Uint16Array(orders + 1);
  const liveIds = new Uint32Array(orders);
  const position = new Uint32Array(orders + 1);
  let liveCount = 0;

  const add = { id: new Uint32Array(orders), symbol: new Uint16Array(orders), side: new Uint8Array(orders), amount: new Uint32Array(orders), price: new Uint32Array(orders) };
  for (let i = 0; i < orders; i++) {
    const id = i + 1;
    const symbol = random.int(0, symbols - 1);
    const side = random.int(0, 1);
    const level = random.int(0, LEVELS_PER_SIDE - 1);
    const amount = random.int(1, 100);
    symbolOf[id] = symbol;
    sideOf[id] = side;
    amountOf[id] = amount;
    levelOf[id] = level;
    position[id] = liveCount;
    liveIds[liveCount++] = id;
    volume[slot(symbol, side, level)] += amount;
    add.id[i] = id;
    add.symbol[i] = symbol;
    add.side[i] = side;
    add.amount[i] = amount;
    add.price[i] = priceOf(side, level);
  }

  const remove = { id: new Uint32Array(scale.removes), symbol: new Uint16Array(scale.removes) };
  for (let i = 0; i < scale.removes; i++) {
    const id = liveIds[random.int(0, liveCount - 1)];
    volume[slot(symbolOf[id], sideOf[id], levelOf[id])] -= amountOf[id];
    const last = liveIds[--liveCount];
    liveIds[position[id]] = last;
    position[last] = position[id];
    remove.id[i] = id;
    remove.symbol[i] = symbolOf[id];
  }

  // A third each: amount down (keeps its place), amount up, a new price.
  const modify = { id: new Uint32Array(scale.modifies), symbol: new Uint16Array(scale.modifies), amount: new Uint32Array(scale.modifies), price: new Uint32Array(scale.modifies) };
  for (let i = 0; i < scale.modifies; i++) {
    const id = liveIds[random.int(0, liveCount - 1)];
    const side = sideOf[id];
    const oldSlot = slot(symbolOf[id], side, levelOf[id]);
    const kind = random.int(0, 2);
    let amount = amountOf[id];
    let level = levelOf[id];
    if (kind === 0 && amount > 1) amount = random.int(1, amount - 1);
    else if (kind <= 1) amount = random.int(amount + 1, amount + 100);
    else level = (level + random.int(1, LEVELS_PER_SIDE - 1)) % LEVELS_PER_SIDE;
    volume[oldSlot] -= amountOf[id];
    volume[slot(symbolOf[id], side, level)] += amount;
    amountOf[id] = amount;
    levelOf[id] = level;
    modify.id[i] = id;
    modify.symbol[i] = symbolOf[id];
    modify.amount[i] = amount;
    modify.price[i] = priceOf(side, level);
  }

  // Amounts that end inside the depth-th non-empty level of the side consumed.
  const pricing = DEPTHS.map((depth) => {
    const query = { depth, symbol: new Uint16Array(scale.prices), side: new Uint8Array(scale.prices), amount: new Float64Array(scale.prices) };
    for (let i = 0; i < scale.prices; i++) {
      const symbol = random.int(0, symbols - 1);
      const side = random.int(0, 1);
      const base = slot(symbol, consumedSide(side), 0);
      let seen = 0;
      let before = 0;
      let level = 0;
      for (; level < LEVELS_PER_SIDE; level++) {
        const levelVolume = volume[base + level];
        if (levelVolume === 0) continue;
        if (++seen === depth) break;
        before += levelVolume;
      }
      if (level === LEVELS_PER_SIDE) throw new Error(`workload: ${symbolName(symbol)} has fewer than ${depth} levels; use more orders`);
      query.symbol[i] = symbol;
      query.side[i] = side;
      query.amount[i] = before + random.int(1, volume[base + level]);
    }
    return query;
  });

  const trade = { symbol: new Uint16Array(scale.trades), side: new Uint8Array(scale.trades), amount: new Uint32Array(scale.trades) };
  for (let i = 0; i < scale.trades; i++) {
    const symbol = random.int(0, symbols - 1);
    const side = random.int(0, 1);
    const amount = random.int(1, 200);
    const base = slot(symbol, consumedSide(side), 0);
    let left = amount;
    for (let level = 0; level < LEVELS_PER_SIDE && left > 0; level++) {
      const take = Math.min(left, volume[base + level]);
      volume[base + level] -= take;
      left -= take;
    }
    if (left > 0) throw new Error(`workload: ${symbolName(symbol)} ran out of liquidity; use fewer trades`);
    trade.symbol[i] = symbol;
    trade.side[i] = side;
    trade.amount[i] = amount;
  }

  const symbolNames = Array.from({ length: symbols }, (_, index) => symbolName(index));
  return { scale, symbolNames, add, remove, modify, pricing, trade };
}
