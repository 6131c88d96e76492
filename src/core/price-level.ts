// A price level: the live orders of one side at one price, first come first
// served. Orders are linked in place (prev/next) so any order leaves its level
// in O(1), and the level carries its own links for the sorted structure of its
// side (the AVL child pointers and the neighbouring levels), so the side needs
// no separate node objects.

import type { BookSide } from './book-side.js';

export class OrderEntry {
  prev: OrderEntry | null = null;
  next: OrderEntry | null = null;
  level: PriceLevel | null = null;

  constructor(
    readonly orderId: number,
    public amount: number,
    readonly source: string | null,
    /** Milliseconds since the epoch, from the injected clock. */
    readonly acceptedAt: number,
  ) {}

  get price(): number {
    return (this.level as PriceLevel).price;
  }
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class PriceLevel {
  // The sum of the amounts here, exact: a plain number while it fits in 2^53
  // (the usual case, and no allocation per order), a BigInt past that.
  private small = 0;
  private big: bigint | null = null;
  count = 0;
  head: OrderEntry | null = null;
  tail: OrderEntry | null = null;
  /** Neighbouring levels of the same side by price, for walking in order. */
  lower: PriceLevel | null = null;
  higher: PriceLevel | null = null;
  /** AVL tree links, maintained by BookSide. */
  left: PriceLevel | null = null;
  right: PriceLevel | null = null;
  height = 1;

  constructor(
    readonly side: BookSide,
    readonly price: number,
  ) {}

  /** Sum of the amounts at this level; it can pass 2^53. */
  get volume(): bigint {
    return this.big ?? BigInt(this.small);
  }

  /** How much of `limit` this level can fill: min(volume, limit), exactly. */
  upTo(limit: number): number {
    if (this.big === null) return this.small < limit ? this.small : limit;
    return this.big < BigInt(limit) ? Number(this.big) : limit;
  }

  private addVolume(delta: number): void {
    if (this.big === null) {
      // A float sum past 2^53 rounds to at least 2^53, so the test is exact.
      const next = this.small + delta;
      if (next <= MAX_SAFE) {
        this.small = next;
        return;
      }
      this.big = BigInt(this.small);
    }
    this.big += BigInt(delta);
    if (this.big <= MAX_SAFE) {
      this.small = Number(this.big);
      this.big = null;
    }
  }

  append(entry: OrderEntry): void {
    entry.level = this;
    entry.prev = this.tail;
    entry.next = null;
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    this.count++;
    this.addVolume(entry.amount);
  }

  unlink(entry: OrderEntry): void {
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = null;
    entry.next = null;
    entry.level = null;
    this.count--;
    this.addVolume(-entry.amount);
  }

  /** Changes an order's amount where it stands (a decrease keeps its place). */
  resize(entry: OrderEntry, amount: number): void {
    this.addVolume(amount - entry.amount);
    entry.amount = amount;
  }
}
