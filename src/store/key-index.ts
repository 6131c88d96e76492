// Finds a journal record by key (`o:<opId>`, `i:<orderId>`, ...) without
// loading history: a 64-bit hash of the key maps to the record's byte offset.
// The file form (STEM.index) is an open-addressed table read with pread, so
// checking one operation id costs a few small reads however long the journal
// is; the memory form covers the records since the index was last brought up
// to date. A hash match is only a candidate: the caller reads the record and
// checks the key, so a collision can never merge two operations.
//
// The index is derived data. Its header says up to which journal offset it is
// complete; slots are fsynced before the header moves, and inserting an entry
// twice is harmless, so a crash at any point leaves it correct.

import fs from 'node:fs';
import { OmsError } from '../core/errors.js';
import { ioError, replaceFile, writeAll } from './durable.js';
import { fill, readLater, readNow, type ReadSteps } from './reads.js';
import { openStateFile } from './safe-open.js';

/** The index file does not hold a valid table: callers fall back to the journal and rebuild it. */
export class IndexDamage extends Error {
  override readonly name = 'IndexDamage';
}

const MAGIC = 'OMSIDX01';
const HEADER = 64;
const SLOT = 16;
const MIN_CAPACITY = 1024;

export function hashKey(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a = fmix(a);
  b = fmix(b);
  return [a >>> 0, (b >>> 0) || 1];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function capacityFor(count: number): number {
  let capacity = MIN_CAPACITY;
  while (capacity < count * 2) capacity *= 2;
  return capacity;
}

/**
 * An open-addressed table in a buffer: [h1 u32, h2 u32, offset f64] per slot,
 * little-endian (the file format), read through typed-array views.
 */
class SlotTable {
  count = 0;
  private readonly words: Uint32Array;
  private readonly offsets: Float64Array;

  constructor(
    readonly buffer: Buffer,
    readonly capacity: number,
    base = 0,
  ) {
    if ((buffer.byteOffset + base) % 8 !== 0) throw new Error('slot table must be 8-byte aligned');
    this.words = new Uint32Array(buffer.buffer, buffer.byteOffset + base, capacity * 4);
    this.offsets = new Float64Array(buffer.buffer, buffer.byteOffset + base, capacity * 2);
  }

  insert(h1: number, h2: number, offset: number): boolean {
    return this.place(h1, h2, offset) >= 0;
  }

  /** Inserts an entry; returns the slot it went to, or -1 if it was there already. */
  place(h1: number, h2: number, offset: number): number {
    const mask = this.capacity - 1;
    for (let slot = h1 & mask, probes = 0; ; slot = (slot + 1) & mask) {
      // A table is never more than half full: a probe that goes round it is damage.
      if (++probes > this.capacity) throw new IndexDamage('the index table has no free slot');
      const stored = this.offsets[slot * 2 + 1] as number;
      if (stored === 0) {
        this.words[slot * 4] = h1;
        this.words[slot * 4 + 1] = h2;
        this.offsets[slot * 2 + 1] = offset;
        this.count++;
        return slot;
      }
      if (stored === offset && this.words[slot * 4] === h1 && this.words[slot * 4 + 1] === h2) return -1;
    }
  }

  candidates(h1: number, h2: number, out: number[]): void {
    const mask = this.capacity - 1;
    for (let slot = h1 & mask, probes = 0; ; slot = (slot + 1) & mask) {
      if (++probes > this.capacity) throw new IndexDamage('the index table has no free slot');
      const stored = this.offsets[slot * 2 + 1] as number;
      if (stored === 0) return;
      if (this.words[slot * 4] === h1 && this.words[slot * 4 + 1] === h2) out.push(stored);
    }
  }

  *entries(): Generator<[number, number, number]> {
    for (let slot = 0; slot < this.capacity; slot++) {
      const stored = this.offsets[slot * 2 + 1] as number;
      if (stored !== 0) yield [this.words[slot * 4] as number, this.words[slot * 4 + 1] as number, stored];
    }
  }
}

/** Keys of records not yet in the file index, in memory. */
export class MemoryIndex {
  private table = new SlotTable(Buffer.alloc(MIN_CAPACITY * SLOT), MIN_CAPACITY);

  get size(): number {
    return this.table.count;
  }

  add(key: string, offset: number): void {
    const [h1, h2] = hashKey(key);
    if (this.table.count + 1 > this.table.capacity / 2) this.grow();
    this.table.insert(h1, h2, offset);
  }

  candidates(key: string, out: number[]): void {
    const [h1, h2] = hashKey(key);
    this.table.candidates(h1, h2, out);
  }

  entries(): Generator<[number, number, number]> {
    return this.table.entries();
  }

  private grow(): void {
    const capacity = this.table.capacity * 2;
    const next = new SlotTable(Buffer.alloc(capacity * SLOT), capacity);
    for (const [h1, h2, at] of this.table.entries()) next.insert(h1, h2, at);
    this.table = next;
  }
}

export interface IndexHeader {
  capacity: number;
  count: number;
  /** The index holds every key of the journal before this offset. */
  coveredOffset: number;
  coveredSeq: number;
  journalId: string;
}

function encodeHeader(header: IndexHeader): Buffer {
  const buffer = Buffer.alloc(HEADER);
  buffer.write(MAGIC, 0, 'latin1');
  buffer.writeUInt32LE(header.capacity, 8);
  buffer.writeUInt32LE(header.count, 12);
  buffer.writeDoubleLE(header.coveredOffset, 16);
  buffer.writeDoubleLE(header.coveredSeq, 24);
  buffer.write(header.journalId.slice(0, 32), 32, 'latin1');
  return buffer;
}

function decodeHeader(buffer: Buffer): IndexHeader | undefined {
  if (buffer.length < HEADER || buffer.toString('latin1', 0, 8) !== MAGIC) return undefined;
  const capacity = buffer.readUInt32LE(8);
  if (capacity < MIN_CAPACITY || (capacity & (capacity - 1)) !== 0) return undefined;
  return {
    capacity,
    count: buffer.readUInt32LE(12),
    coveredOffset: buffer.readDoubleLE(16),
    coveredSeq: buffer.readDoubleLE(24),
    journalId: buffer.toString('latin1', 32, 64).replace(/\0+$/, ''),
  };
}

/** STEM.index on disk. */
export class FileIndex {
  private loaded: SlotTable | undefined;
  /** The header and table as on disk, read ahead without blocking for the next insertAll. */
  private prepared: { header: IndexHeader; table: SlotTable } | undefined;

  private constructor(
    private readonly file: string,
    private fd: number,
    public header: IndexHeader,
    private readonly inode: number,
  ) {}

  /** Opens an index that belongs to `journalId`; undefined if missing or unusable. */
  static open(file: string, journalId: string, writable: boolean): FileIndex | undefined {
    let fd: number;
    try {
      fd = openStateFile(file, writable);
    } catch (error) {
      // A link or a non-regular file is refused, never replaced by a rebuild.
      if (error instanceof OmsError) throw error;
      return undefined;
    }
    const head = Buffer.alloc(HEADER);
    const stat = fs.fstatSync(fd);
    fs.readSync(fd, head, 0, HEADER, 0);
    const header = decodeHeader(head);
    if (!header || header.journalId !== journalId.slice(0, 32) || stat.size !== HEADER + header.capacity * SLOT || header.count > header.capacity / 2 + 1) {
      fs.closeSync(fd);
      return undefined;
    }
    return new FileIndex(file, fd, header, stat.ino);
  }

  /** Writes a complete index (a rebuild or a resize) and opens it. */
  static create(file: string, journalId: string, entries: Iterable<[number, number, number]>, count: number, covered: { offset: number; seq: number }, mode: number): FileIndex {
    const capacity = capacityFor(count);
    const buffer = Buffer.alloc(HEADER + capacity * SLOT);
    const table = new SlotTable(buffer, capacity, HEADER);
    for (const [h1, h2, at] of entries) table.insert(h1, h2, at);
    const header = { capacity, count: table.count, coveredOffset: covered.offset, coveredSeq: covered.seq, journalId };
    encodeHeader(header).copy(buffer, 0);
    replaceFile(file, buffer, mode);
    const opened = FileIndex.open(file, journalId, true);
    if (!opened) throw ioError(new Error('the index just written does not read back'), file, 'write');
    return opened;
  }

  /** True if the file at our path is no longer the one we have open. */
  isReplaced(): boolean {
    try {
      return fs.statSync(this.file).ino !== this.inode;
    } catch {
      return true;
    }
  }

  /** Reads the whole table into memory, for many lookups in a row (an import). */
  loadFully(): void {
    this.table();
  }

  private table(): SlotTable {
    if (this.loaded) return this.loaded;
    const buffer = Buffer.allocUnsafeSlow(this.header.capacity * SLOT);
    readNow(fill(this.fd, buffer, HEADER));
    const table = new SlotTable(buffer, this.header.capacity);
    table.count = this.header.count;
    this.loaded = table;
    return table;
  }

  candidates(key: string, out: number[]): void {
    readNow(this.probe(key, out));
  }

  /**
   * The journal offsets stored for `key`'s hash, added to `out`, as steps (see
   * `reads`): from memory once the table is loaded, else read slot block by
   * slot block along the probe sequence until an empty slot.
   */
  *probe(key: string, out: number[]): ReadSteps<void> {
    const [h1, h2] = hashKey(key);
    if (this.loaded) {
      this.loaded.candidates(h1, h2, out);
      return;
    }
    const mask = this.header.capacity - 1;
    const block = Buffer.allocUnsafe(SLOT * 8);
    let slot = h1 & mask;
    for (let probed = 0; ; ) {
      const slots = Math.min(8, this.header.capacity - slot);
      probed += slots;
      if (probed > this.header.capacity + 8) throw new IndexDamage(`${this.file} has no free slot`);
      yield { fd: this.fd, buffer: block, length: slots * SLOT, position: HEADER + slot * SLOT };
      for (let i = 0; i < slots; i++) {
        const stored = block.readDoubleLE(i * SLOT + 8);
        if (stored === 0) return;
        if (block.readUInt32LE(i * SLOT) === h1 && block.readUInt32LE(i * SLOT + 4) === h2) out.push(stored);
      }
      slot = (slot + slots) & mask;
    }
  }

  /**
   * Reads what `insertAll` needs (the header as another process may have
   * left it, and the table) without blocking, so a long-lived store's
   * checkpoint does not stall the event loop on reads. Damage is left for
   * `insertAll` to find.
   */
  async prepareInsert(): Promise<void> {
    this.prepared = undefined;
    const head = Buffer.alloc(HEADER);
    await readLater(fill(this.fd, head, 0));
    const header = decodeHeader(head);
    if (!header || header.capacity !== this.header.capacity) return;
    const buffer = Buffer.allocUnsafeSlow(header.capacity * SLOT);
    if ((await readLater(fill(this.fd, buffer, HEADER))) < buffer.length) return;
    const table = new SlotTable(buffer, header.capacity);
    table.count = header.count;
    this.prepared = { header, table };
  }

  /**
   * Adds the memory index's entries and moves the covered offset. Returns the
   * index to use from now on: this one, or a bigger one that replaced it.
   */
  insertAll(memory: MemoryIndex, covered: { offset: number; seq: number }, mode: number): FileIndex {
    // Another process may have added entries since we opened it: count from the file.
    const prepared = this.prepared;
    this.prepared = undefined;
    let fresh = prepared?.header;
    if (!fresh) {
      const head = Buffer.alloc(HEADER);
      fs.readSync(this.fd, head, 0, HEADER, 0);
      fresh = decodeHeader(head);
    }
    if (!fresh || fresh.capacity !== this.header.capacity) throw new IndexDamage(`${this.file} changed under us`);
    this.header = fresh;
    this.loaded = prepared?.table;
    const adding = memory.size;
    if (this.header.count + adding > this.header.capacity / 2 || adding > this.header.capacity / 16) {
      const old = this.table();
      const all = function* (): Generator<[number, number, number]> {
        yield* old.entries();
        yield* memory.entries();
      };
      const replaced = FileIndex.create(this.file, this.header.journalId, all(), this.header.count + adding, covered, mode);
      this.close();
      return replaced;
    }
    try {
      const slot = Buffer.allocUnsafe(SLOT);
      const probe = Buffer.allocUnsafe(SLOT);
      const mask = this.header.capacity - 1;
      let count = this.header.count;
      for (const [h1, h2, at] of memory.entries()) {
        if (prepared) {
          // The same probe as below, on the copy read ahead.
          const placed = prepared.table.place(h1, h2, at);
          if (placed < 0) continue;
          slot.writeUInt32LE(h1, 0);
          slot.writeUInt32LE(h2, 4);
          slot.writeDoubleLE(at, 8);
          writeAll(this.fd, slot, HEADER + placed * SLOT);
          count++;
          continue;
        }
        for (let i = h1 & mask, probes = 0; ; i = (i + 1) & mask) {
          if (++probes > this.header.capacity) throw new IndexDamage(`${this.file} has no free slot`);
          fs.readSync(this.fd, probe, 0, SLOT, HEADER + i * SLOT);
          const stored = probe.readDoubleLE(8);
          if (stored === at && probe.readUInt32LE(0) === h1 && probe.readUInt32LE(4) === h2) break;
          if (stored !== 0) continue;
          slot.writeUInt32LE(h1, 0);
          slot.writeUInt32LE(h2, 4);
          slot.writeDoubleLE(at, 8);
          writeAll(this.fd, slot, HEADER + i * SLOT);
          count++;
          break;
        }
      }
      fs.fsyncSync(this.fd);
      this.header = { ...this.header, count, coveredOffset: covered.offset, coveredSeq: covered.seq };
      writeAll(this.fd, encodeHeader(this.header), 0);
      fs.fsyncSync(this.fd);
      this.loaded = undefined;
    } catch (error) {
      if (error instanceof IndexDamage) throw error;
      throw ioError(error, this.file, 'update');
    }
    return this;
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed.
    }
    this.fd = -1;
  }
}

