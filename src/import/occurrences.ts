// How many times a row with the same content has appeared so far in one file,
// which makes identical rows distinct operations (SPEC §4). Rows are keyed by
// 96 bits of their content digest in a typed-array hash table (16 bytes a
// slot, no object per row), so a file of millions of rows stays small.

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SIXBITS = new Uint8Array(128);
for (let i = 0; i < BASE64URL.length; i++) SIXBITS[BASE64URL.charCodeAt(i)] = i;

/** Words per slot: three of key, one of count (0 = empty). */
const WORDS = 4;
const MIN_CAPACITY = 1024;

export class OccurrenceTable {
  private slots = new Uint32Array(MIN_CAPACITY * WORDS);
  private capacity = MIN_CAPACITY;
  private size = 0;

  /** Counts one more row with this digest (at least 16 base64url characters); returns its occurrence number, from 1. */
  next(digest: string): number {
    let a = 0;
    let b = 0;
    let c = 0;
    for (let i = 0; i < 5; i++) {
      a = (a << 6) | (SIXBITS[digest.charCodeAt(i)] ?? 0);
      b = (b << 6) | (SIXBITS[digest.charCodeAt(i + 5)] ?? 0);
      c = (c << 6) | (SIXBITS[digest.charCodeAt(i + 10)] ?? 0);
    }
    const last = SIXBITS[digest.charCodeAt(15)] ?? 0;
    a = (a | ((last & 3) << 30)) >>> 0;
    b = (b | (((last >> 2) & 3) << 30)) >>> 0;
    c = (c | (((last >> 4) & 3) << 30)) >>> 0;
    const at = this.find(a, b, c) * WORDS;
    const count = (this.slots[at + 3] as number) + 1;
    this.slots[at + 3] = count;
    if (count === 1) {
      this.slots[at] = a;
      this.slots[at + 1] = b;
      this.slots[at + 2] = c;
      if (++this.size * 4 > this.capacity * 3) this.grow();
    }
    return count;
  }

  /** The slot holding this key, or the empty one where it goes. */
  private find(a: number, b: number, c: number): number {
    const mask = this.capacity - 1;
    const slots = this.slots;
    for (let slot = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * WORDS;
      if (slots[at + 3] === 0 || (slots[at] === a && slots[at + 1] === b && slots[at + 2] === c)) return slot;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.capacity *= 2;
    this.slots = new Uint32Array(this.capacity * WORDS);
    for (let from = 0; from < old.length; from += WORDS) {
      if (old[from + 3] === 0) continue;
      const to = this.find(old[from] as number, old[from + 1] as number, old[from + 2] as number) * WORDS;
      this.slots.set(old.subarray(from, from + WORDS), to);
    }
  }
}
