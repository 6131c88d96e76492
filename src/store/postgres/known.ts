// For a write of many operations (an import): which archive keys exist at
// all, loaded once, so the lookup of a key that has nothing behind it (every
// row of a new file) costs no round trip. Keys this write adds are noted as
// they are made. Only o: (op ids), i: (orders added) and e: (orders ended)
// are tracked; other keys are always looked up.

import type pg from 'pg';
import { quoted } from './location.js';

export class KnownKeys {
  private constructor(
    private readonly ops: Set<string>,
    private readonly added: Set<number>,
    private readonly ended: Set<number>,
  ) {}

  static async load(client: pg.ClientBase, schema: string): Promise<KnownKeys> {
    const s = quoted(schema);
    const ops = await client.query({ text: `select op_id from ${s}.operations`, rowMode: 'array' });
    const orders = await client.query({ text: `select order_id, ended_seq is not null from ${s}.orders`, rowMode: 'array' });
    const added = new Set<number>();
    const ended = new Set<number>();
    for (const [orderId, gone] of orders.rows as Array<[string, boolean]>) {
      added.add(Number(orderId));
      if (gone) ended.add(Number(orderId));
    }
    return new KnownKeys(new Set((ops.rows as Array<[string]>).map((row) => row[0])), added, ended);
  }

  /** False when the key certainly has no record; true when it may (or is not tracked). */
  mayExist(key: string): boolean {
    const value = key.slice(2);
    switch (key.slice(0, 1)) {
      case 'o':
        return this.ops.has(value);
      case 'i':
        return this.added.has(Number(value));
      case 'e':
        return this.ended.has(Number(value));
      default:
        return true;
    }
  }

  /** Notes a key this write made. */
  add(key: string): void {
    const value = key.slice(2);
    switch (key.slice(0, 1)) {
      case 'o':
        this.ops.add(value);
        return;
      case 'i':
        this.added.add(Number(value));
        return;
      case 'e':
        this.ended.add(Number(value));
        return;
    }
  }
}
