// The body parser reads JSON as JSON.parse does, except where JSON.parse
// would silently change what was sent: numbers it would round, keys given
// twice, bodies that are not UTF-8; and it bounds nesting (SPEC §12).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../src/serve/json-body.js';
import { expectOmsError } from '../core/helpers.js';

const parse = (text: string) => parseJsonBody(Buffer.from(text, 'utf8'));

describe('parseJsonBody', () => {
  it('reads what JSON.parse reads', () => {
    for (const text of ['{"orderId":1,"symbol":"JPM","price":"20.5","source":null,"partial":true}', '[1,2,[3,{"a":"\\u00e9\\n"}]]', ' "x" ', '0', '-5', '1.5', '{}', '[]']) {
      expect(parse(text)).toEqual(JSON.parse(text));
    }
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (generated) => {
        // Only numbers a double holds exactly as written: most decimals are not (see below).
        const text = JSON.stringify(generated, (_key, value: unknown) => (typeof value === 'number' && !(Number.isSafeInteger(value) && !Object.is(value, -0)) ? 7 : value));
        expect(parse(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('takes numbers that are exactly a double, however written', () => {
    expect(parse('{"amount":9007199254740991}')).toEqual({ amount: 9007199254740991 });
    expect(parse('{"amount":2e1,"b":20.0,"c":0.5,"d":1E+2}')).toEqual({ amount: 20, b: 20, c: 0.5, d: 100 });
    expect(parse('9007199254740992')).toBe(2 ** 53);
  });

  it('refuses numbers it would round, naming the field', () => {
    for (const [text, field] of [
      ['{"orderId":9007199254740993}', 'orderId'],
      ['{"orderId":9007199254740991.2}', 'orderId'],
      ['{"amount":4503599627370497.5}', 'amount'],
      ['{"ttl":1e400}', 'ttl'],
      ['{"ttl":-1e400}', 'ttl'],
      ['{"ttl":1e-400}', 'ttl'],
      ['{"amount":0.1}', 'amount'],
      ['{"a":{"b":[1,123456789012345678901234567890]}}', 'a.b[1]'],
    ] as const) {
      const error = expectOmsError(() => parse(text), 'INVALID_ARGUMENT', field);
      expect(error.message).toMatch(/cannot be taken exactly/);
    }
    expect(expectOmsError(() => parse('{"amount":-0}'), 'INVALID_ARGUMENT', 'amount').message).toMatch(/negative zero/);
  });

  it('refuses a key given twice, bad UTF-8, deep nesting and trailing text; skips a BOM', () => {
    expect(expectOmsError(() => parse('{"amount":1,"amount":1000}'), 'INVALID_ARGUMENT', 'amount').message).toMatch(/appears twice/);
    expectOmsError(() => parseJsonBody(Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d])), 'INVALID_ARGUMENT', 'body');
    expect(expectOmsError(() => parse(`${'['.repeat(10000)}${']'.repeat(10000)}`), 'INVALID_ARGUMENT', 'body').message).toMatch(/deeper than 32/);
    expectOmsError(() => parse('{"a":1} x'), 'INVALID_ARGUMENT', 'body');
    expectOmsError(() => parse('{"a":"x\ny"}'), 'INVALID_ARGUMENT', 'body');
    expectOmsError(() => parse(''), 'INVALID_ARGUMENT', 'body');
    expect(parseJsonBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]))).toEqual({ a: 1 });
  });

  it('makes __proto__ an own property, never a prototype', () => {
    const body = parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
