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

export class PriceLevel {
  /** Sum of the amounts here; a BigInt because it can pass 2^53. */
  volume = 0n;
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

  append(entry: OrderEntry): void {
    entry.level = this;
    entry.prev = this.tail;
    entry.next = null;
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    this.count++;
    this.volume += BigInt(entry.amount);
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
    this.volume -= BigInt(entry.amount);
  }

  /** Changes an order's amount where it stands (a decrease keeps its place). */
  resize(entry: OrderEntry, amount: number): void {
    this.volume += BigInt(amount - entry.amount);
    entry.amount = amount;
  }
}
