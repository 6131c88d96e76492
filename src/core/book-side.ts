// One side (Buy or Sell) of one symbol's book. Levels are found by price in a
// Map, kept sorted in an AVL tree (O(log L) to add or drop a level) and
// linked to their neighbours, so a walk in priority order is a pointer chase
// from the best level with no sorting and no array copies.

import { OrderEntry, PriceLevel } from './price-level.js';
import type { Side } from './types.js';

function height(level: PriceLevel | null): number {
  return level ? level.height : 0;
}

function update(level: PriceLevel): void {
  const l = height(level.left);
  const r = height(level.right);
  level.height = (l > r ? l : r) + 1;
}

function rotateRight(top: PriceLevel): PriceLevel {
  const pivot = top.left as PriceLevel;
  top.left = pivot.right;
  pivot.right = top;
  update(top);
  update(pivot);
  return pivot;
}

function rotateLeft(top: PriceLevel): PriceLevel {
  const pivot = top.right as PriceLevel;
  top.right = pivot.left;
  pivot.left = top;
  update(top);
  update(pivot);
  return pivot;
}

function rebalance(level: PriceLevel): PriceLevel {
  update(level);
  const balance = height(level.left) - height(level.right);
  if (balance > 1) {
    const left = level.left as PriceLevel;
    if (height(left.left) < height(left.right)) level.left = rotateLeft(left);
    return rotateRight(level);
  }
  if (balance < -1) {
    const right = level.right as PriceLevel;
    if (height(right.right) < height(right.left)) level.right = rotateRight(right);
    return rotateLeft(level);
  }
  return level;
}

function removeMin(level: PriceLevel): PriceLevel | null {
  if (!level.left) return level.right;
  level.left = removeMin(level.left);
  return rebalance(level);
}

export class BookSide {
  private readonly levels = new Map<number, PriceLevel>();
  private root: PriceLevel | null = null;
  lowest: PriceLevel | null = null;
  highest: PriceLevel | null = null;
  orderCount = 0;
  // Neighbours found while descending during an insert.
  private below: PriceLevel | null = null;
  private above: PriceLevel | null = null;

  constructor(
    readonly symbol: string,
    readonly side: Side,
    /** True when priority runs from the lowest price up. */
    readonly ascending: boolean,
  ) {}

  get levelCount(): number {
    return this.levels.size;
  }

  /** The level a walk in priority order starts from. */
  best(): PriceLevel | null {
    return this.ascending ? this.lowest : this.highest;
  }

  /** The level after `level` in priority order. */
  after(level: PriceLevel): PriceLevel | null {
    return this.ascending ? level.higher : level.lower;
  }

  /** Puts an order at the back of the level for `price`. */
  append(entry: OrderEntry, price: number): void {
    let level = this.levels.get(price);
    if (!level) level = this.addLevel(price);
    level.append(entry);
    this.orderCount++;
  }

  /** Takes an order out of its level, dropping the level if it empties. */
  detach(entry: OrderEntry): void {
    const level = entry.level as PriceLevel;
    level.unlink(entry);
    this.orderCount--;
    if (level.count === 0) this.dropLevel(level);
  }

  private addLevel(price: number): PriceLevel {
    const level = new PriceLevel(this, price);
    this.below = null;
    this.above = null;
    this.root = this.insert(this.root, level);
    const below = this.below as PriceLevel | null;
    const above = this.above as PriceLevel | null;
    level.lower = below;
    level.higher = above;
    if (below) below.higher = level;
    else this.lowest = level;
    if (above) above.lower = level;
    else this.highest = level;
    this.levels.set(price, level);
    return level;
  }

  private insert(node: PriceLevel | null, level: PriceLevel): PriceLevel {
    if (!node) return level;
    if (level.price < node.price) {
      this.above = node;
      node.left = this.insert(node.left, level);
    } else {
      this.below = node;
      node.right = this.insert(node.right, level);
    }
    return rebalance(node);
  }

  private dropLevel(level: PriceLevel): void {
    this.root = this.remove(this.root, level.price);
    if (level.lower) level.lower.higher = level.higher;
    else this.lowest = level.higher;
    if (level.higher) level.higher.lower = level.lower;
    else this.highest = level.lower;
    level.lower = null;
    level.higher = null;
    level.left = null;
    level.right = null;
    this.levels.delete(level.price);
  }

  private remove(node: PriceLevel | null, price: number): PriceLevel | null {
    if (!node) return null;
    if (price < node.price) {
      node.left = this.remove(node.left, price);
    } else if (price > node.price) {
      node.right = this.remove(node.right, price);
    } else {
      if (!node.left) return node.right;
      if (!node.right) return node.left;
      // The in-order successor is the next level up, already linked.
      const successor = node.higher as PriceLevel;
      successor.right = removeMin(node.right);
      successor.left = node.left;
      return rebalance(successor);
    }
    return rebalance(node);
  }

  /** Checks the tree and links; used by tests, never on a hot path. */
  checkInvariants(): void {
    const inOrder: PriceLevel[] = [];
    const visit = (node: PriceLevel | null): number => {
      if (!node) return 0;
      const l = visit(node.left);
      inOrder.push(node);
      const r = visit(node.right);
      if (Math.abs(l - r) > 1) throw new Error(`unbalanced at ${node.price}`);
      if (node.height !== Math.max(l, r) + 1) throw new Error(`bad height at ${node.price}`);
      return node.height;
    };
    visit(this.root);
    const linked: PriceLevel[] = [];
    for (let level = this.lowest; level; level = level.higher) linked.push(level);
    if (inOrder.length !== linked.length || inOrder.some((level, i) => level !== linked[i])) {
      throw new Error('tree and level links disagree');
    }
    if (inOrder.length !== this.levels.size) throw new Error('level map out of step');
    let orders = 0;
    for (let i = 0; i < linked.length; i++) {
      const level = linked[i] as PriceLevel;
      if (i > 0 && (linked[i - 1] as PriceLevel).price >= level.price) throw new Error('levels out of order');
      let volume = 0n;
      let count = 0;
      for (let entry = level.head; entry; entry = entry.next) {
        volume += BigInt(entry.amount);
        count++;
      }
      if (volume !== level.volume || count !== level.count || count === 0) throw new Error(`level ${level.price} totals wrong`);
      orders += count;
    }
    if (orders !== this.orderCount) throw new Error('order count wrong');
  }
}
