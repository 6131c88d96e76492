// Derived operation ids: the same row content gives the same id in every run,
// identical rows are told apart by their occurrence, ids stay within 128
// characters, and the occurrence table counts exactly like a Map would.

import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCommand, tradeCommand } from '../../src/core/commands.js';
import { parseOpId } from '../../src/core/fields.js';
import { OccurrenceTable } from '../../src/import/occurrences.js';
import { batchLabel, RowOpIds } from '../../src/import/op-ids.js';

const add = (price: string, symbol = 'JPM') => addCommand({ orderId: 1, symbol, side: 'b', amount: '5', price });
const trade = () => tradeCommand({ symbol: 'JPM', side: 'Buy', amount: '5', client: 'acme' });

describe('derived op ids', () => {
  it('depend on batch, canonical content and occurrence only', () => {
    const first = new RowOpIds('daily.csv');
    const again = new RowOpIds('daily.csv');
    const a = first.derive(add('20.50', 'jpm'));
    expect(a).toMatch(/^import:daily\.csv:[A-Za-z0-9_-]{16}:1$/);
    expect(again.derive(add('20.5'))).toBe(a);
    expect(first.derive(add('20.5'))).toBe(a.replace(/:1$/, ':2'));
    expect(first.derive(add('21'))).toMatch(/:1$/);
    expect(new RowOpIds('other.csv').derive(add('20.5'))).not.toBe(a);
    const t1 = first.derive(trade());
    expect(first.derive(trade())).toBe(t1.replace(/:1$/, ':2'));
  });

  it('stay valid op ids for long batch names and names with control characters', () => {
    const long = 'x'.repeat(500);
    expect(batchLabel('daily.csv')).toBe('daily.csv');
    expect(batchLabel(long)).toMatch(/^~[A-Za-z0-9_-]{22}$/);
    expect(batchLabel(long)).not.toBe(batchLabel(`${long}y`));
    expect(batchLabel('a\nb')).toMatch(/^~/);
    for (const name of [long, 'a\nb', 'a\u202eb', 'a\ud800', '😀'.repeat(64), 'é'.repeat(64)]) {
      const opId = new RowOpIds(name).derive(add('1'));
      expect(parseOpId(opId, 'op_id', { importRow: true })).toBe(opId);
      expect([...opId].length).toBeLessThanOrEqual(128);
    }
  });
});

describe('occurrence table', () => {
  it('counts like a Map, through many growths', () => {
    const table = new OccurrenceTable();
    const counts = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const digest = hash('sha256', String(i % 20_011), 'base64url');
      const expected = (counts.get(digest) ?? 0) + 1;
      counts.set(digest, expected);
      expect(table.next(digest)).toBe(expected);
    }
  });

  it('tells apart digests that differ in any of their 16 characters', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{16}$/), fc.integer({ min: 0, max: 15 }), (digest, at) => {
        const table = new OccurrenceTable();
        const other = digest.slice(0, at) + (digest[at] === 'A' ? 'B' : 'A') + digest.slice(at + 1);
        expect(table.next(digest)).toBe(1);
        expect(table.next(other)).toBe(1);
        expect(table.next(digest)).toBe(2);
      }),
    );
  });
});
