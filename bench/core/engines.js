// The two engines behind one small shape, each called through its own public
// API the way a user would call it. Where the peer needs help to offer the same
// operation, it gets the help for free: nodejs-order-book has one book per
// instance and no index from order id to book, so it is told each order's
// symbol index (oms is given only the id), and its string ids are made before
// the clock starts. Both choices favour the peer.

import { createRequire } from 'node:module';
import { createOrderManager } from '../../dist/index.js';

const OMS_SIDES = ['Buy', 'Sell'];
const PEER_SIDES = ['buy', 'sell'];

export function omsEngine(workload) {
  const manager = createOrderManager({ convention: 'market' });
  const names = workload.symbolNames;
  return {
    name: 'oms',
    add(id, symbol, side, amount, price) {
      manager.addOrder(id, names[symbol], OMS_SIDES[side], amount, price);
    },
    remove(id) {
      manager.removeOrder(id);
    },
    modify(id, _symbol, amount, price) {
      manager.modifyOrder(id, amount, price);
    },
    price(symbol, side, amount) {
      return manager.calculatePrice(names[symbol], OMS_SIDES[side], amount);
    },
    trade(symbol, side, amount) {
      return manager.placeTrade(names[symbol], OMS_SIDES[side], amount);
    },
    /** Totals as BigInt, checked after the clock stops. */
    priceTotal: (result) => BigInt(result),
    tradeTotal: (result) => BigInt(result.total),
  };
}

export function peerEngine(workload) {
  const { OrderBook } = createRequire(import.meta.url)('nodejs-order-book');
  const books = workload.symbolNames.map(() => new OrderBook());
  const ids = [];
  for (let id = 0; id <= workload.scale.orders; id++) ids.push(String(id));
  return {
    name: 'nodejs-order-book',
    add(id, symbol, side, amount, price) {
      const response = books[symbol].limit({ side: PEER_SIDES[side], id: ids[id], size: amount, price });
      if (response.err) throw response.err;
    },
    remove(id, symbol) {
      books[symbol].cancel(ids[id]);
    },
    modify(id, symbol, amount, price) {
      const response = books[symbol].modify(ids[id], { size: amount, price });
      if (response.err) throw response.err;
    },
    price(symbol, side, amount) {
      return books[symbol].calculateMarketPrice(PEER_SIDES[side], amount);
    },
    trade(symbol, side, amount) {
      return books[symbol].market({ side: PEER_SIDES[side], size: amount });
    },
    priceTotal(result) {
      if (result.err) throw result.err;
      return BigInt(result.price);
    },
    tradeTotal(result) {
      if (result.err || result.quantityLeft > 0) throw new Error(`peer trade short by ${result.quantityLeft}`);
      let total = 0;
      for (const order of result.done) total += order.size * order.price;
      if (result.partial) total += result.partialQuantityProcessed * result.partial.price;
      return BigInt(total);
    },
  };
}

export const ENGINES = { oms: omsEngine, peer: peerEngine };
