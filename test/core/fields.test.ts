import { describe, it, expect } from 'vitest';
import {
  parseAmount,
  parseConvention,
  parseCount,
  parseNewAmount,
  parseOpId,
  parseOrderId,
  parseSide,
  parseSymbol,
  parseText,
} from '../../src/core/fields.js';
import { newOpId } from '../../src/store/file/context.js';
import { expectOmsError } from './helpers.js';

const MAX = Number.MAX_SAFE_INTEGER;

describe('parseSymbol', () => {
  it('stores any case upper-case', () => {
    expect(parseSymbol('jpm')).toBe('JPM');
    expect(parseSymbol('Jpm')).toBe('JPM');
    expect(parseSymbol('JPM')).toBe('JPM');
    expect(parseSymbol('brk.b')).toBe('BRK.B');
    expect(parseSymbol('a_b-c.1')).toBe('A_B-C.1');
    expect(parseSymbol('7')).toBe('7');
    expect(parseSymbol('9x')).toBe('9X');
  });

  it('takes 16 characters and no more', () => {
    expect(parseSymbol('a'.repeat(16))).toBe('A'.repeat(16));
    expect(parseSymbol('A.' + '-'.repeat(14))).toBe('A.' + '-'.repeat(14));
    expectOmsError(() => parseSymbol('a'.repeat(17)), 'INVALID_ARGUMENT', 'symbol');
    expectOmsError(() => parseSymbol('A'.repeat(1000)), 'INVALID_ARGUMENT', 'symbol');
  });

  it('rejects empty and non-strings', () => {
    for (const input of ['', null, undefined, 5, {}]) {
      expectOmsError(() => parseSymbol(input), 'INVALID_ARGUMENT', 'symbol');
    }
  });

  it('must start with a letter or digit', () => {
    for (const input of ['.ABC', '-ABC', '_ABC', '.', '_']) {
      expectOmsError(() => parseSymbol(input), 'INVALID_ARGUMENT', 'symbol');
    }
  });

  it('rejects characters outside A-Z 0-9 . _ -', () => {
    for (const input of ['A B', ' AB', 'AB ', 'A/B', 'A\nB', 'AB\n', 'ÄB', 'A\u0000', 'A$', 'A+B', 'A:B', 'ＡＢ']) {
      expectOmsError(() => parseSymbol(input), 'INVALID_ARGUMENT', 'symbol');
    }
  });

  it('rejects __proto__ (SPEC §6)', () => {
    expectOmsError(() => parseSymbol('__proto__'), 'INVALID_ARGUMENT', 'symbol');
  });

  it('rejects constructor (SPEC §6: such names fail the symbol rule)', () => {
    expectOmsError(() => parseSymbol('constructor'), 'INVALID_ARGUMENT', 'symbol');
  });

  it('uses the field name it is given', () => {
    expectOmsError(() => parseSymbol('', 'filter'), 'INVALID_ARGUMENT', 'filter');
  });
});

describe('parseSide', () => {
  it('accepts Buy and Sell in any case and b/s', () => {
    for (const input of ['buy', 'BUY', 'Buy', 'bUy', 'b', 'B']) expect(parseSide(input)).toBe('Buy');
    for (const input of ['sell', 'SELL', 'Sell', 'sElL', 's', 'S']) expect(parseSide(input)).toBe('Sell');
  });

  it('rejects anything else', () => {
    for (const input of ['', 'bid', 'ask', 'buyer', ' buy', 'buy ', 'bs', 'x', 'Buy\n', null, undefined, 1, true]) {
      expectOmsError(() => parseSide(input), 'INVALID_ARGUMENT', 'side');
    }
  });
});

describe('parseConvention', () => {
  it('accepts document and market only', () => {
    expect(parseConvention('document')).toBe('document');
    expect(parseConvention('market')).toBe('market');
    for (const input of ['Document', 'MARKET', '', 'same', undefined]) {
      expectOmsError(() => parseConvention(input), 'INVALID_ARGUMENT', 'convention');
    }
  });
});

describe.each([
  ['parseAmount', parseAmount, 'amount'],
  ['parseOrderId', parseOrderId, 'orderId'],
  ['parseCount', (input: unknown) => parseCount(input, 'limit'), 'limit'],
] as const)('%s', (_name, parse, field) => {
  it('accepts positive whole numbers as numbers and digit strings', () => {
    expect(parse(1)).toBe(1);
    expect(parse('1')).toBe(1);
    expect(parse(42)).toBe(42);
    expect(parse('42')).toBe(42);
    expect(parse('007')).toBe(7);
    expect(parse(MAX)).toBe(MAX);
    expect(parse('9007199254740991')).toBe(MAX);
    expect(parse('0009007199254740991')).toBe(MAX);
    // 1e3 as a JS number is just 1000; as text it is rejected below.
    expect(parse(1e3)).toBe(1000);
  });

  it('rejects zero', () => {
    expectOmsError(() => parse(0), 'INVALID_ARGUMENT', field);
    expectOmsError(() => parse('0'), 'INVALID_ARGUMENT', field);
    expectOmsError(() => parse('000'), 'INVALID_ARGUMENT', field);
    expectOmsError(() => parse(-0), 'INVALID_ARGUMENT', field);
  });

  it('rejects negatives, fractions, exponents, separators and junk', () => {
    for (const input of [-1, '-1', 1.5, '1.5', '1.0', '1.', '1e3', '1E3', '1,000', '1_000', ' 1', '1 ', '+1', '0x10', '', 'NaN', NaN, Infinity, -Infinity, null, undefined, {}, 1n, '١']) {
      expectOmsError(() => parse(input), 'INVALID_ARGUMENT', field);
    }
  });

  it('rejects values beyond 2^53-1, as text and as numbers', () => {
    for (const input of ['9007199254740992', '9007199254740993', '9999999999999999', '12345678901234567890', 9007199254740992, 2 ** 53 + 2, 1e20]) {
      expectOmsError(() => parse(input), 'INVALID_ARGUMENT', field);
    }
  });

  it('reports the value it rejected', () => {
    const error = expectOmsError(() => parse('1,000'), 'INVALID_ARGUMENT', field);
    expect(error.details.value).toBe('1,000');
    expect(error.message).toContain('"1,000"');
  });
});

describe('parseNewAmount', () => {
  it('allows 0 (a modify to 0 removes the order)', () => {
    expect(parseNewAmount(0)).toBe(0);
    expect(parseNewAmount('0')).toBe(0);
    expect(parseNewAmount(5)).toBe(5);
    expect(parseNewAmount('9007199254740991')).toBe(MAX);
  });

  it('rejects what parseAmount rejects apart from 0', () => {
    for (const input of [-1, '-1', 1.5, '1.5', '1e3', '1,000', '9007199254740992', 9007199254740992, '', null]) {
      expectOmsError(() => parseNewAmount(input), 'INVALID_ARGUMENT', 'amount');
    }
  });
});

describe('parseText', () => {
  it('treats empty as absent', () => {
    expect(parseText(undefined, 'source')).toBeNull();
    expect(parseText(null, 'source')).toBeNull();
    expect(parseText('', 'source')).toBeNull();
  });

  it('keeps text exactly as given, prototype names included', () => {
    expect(parseText('__proto__', 'source')).toBe('__proto__');
    expect(parseText('constructor', 'source')).toBe('constructor');
    expect(parseText('  desk 7 / London  ', 'source')).toBe('  desk 7 / London  ');
    expect(parseText('=1+1', 'client')).toBe('=1+1');
    expect(parseText('Zürich ☃', 'source')).toBe('Zürich ☃');
  });

  it('takes 64 characters counted as code points, not UTF-16 units', () => {
    expect(parseText('a'.repeat(64), 'source')).toBe('a'.repeat(64));
    const emoji = '😀'.repeat(64); // 128 UTF-16 units, 64 code points
    expect(parseText(emoji, 'source')).toBe(emoji);
    expectOmsError(() => parseText('a'.repeat(65), 'source'), 'INVALID_ARGUMENT', 'source');
    expectOmsError(() => parseText('😀'.repeat(65), 'source'), 'INVALID_ARGUMENT', 'source');
  });

  it('honours another maximum', () => {
    expect(parseText('abc', 'client', 3)).toBe('abc');
    expectOmsError(() => parseText('abcd', 'client', 3), 'INVALID_ARGUMENT', 'client');
  });

  it('rejects control characters', () => {
    for (const input of ['a\nb', 'a\tb', 'a\rb', '\u0000', 'x\u001b[31m', 'a\u007f', 'a\u0085', 'a\u009f']) {
      expectOmsError(() => parseText(input, 'source'), 'INVALID_ARGUMENT', 'source');
    }
  });

  it('rejects non-text', () => {
    for (const input of [5, {}, [], true]) expectOmsError(() => parseText(input, 'client'), 'INVALID_ARGUMENT', 'client');
  });
});

describe('parseOpId', () => {
  it('takes 1 to 128 printable characters', () => {
    expect(parseOpId('x')).toBe('x');
    expect(parseOpId('job-42:step 3')).toBe('job-42:step 3');
    expect(parseOpId('q'.repeat(128))).toBe('q'.repeat(128));
    expect(parseOpId('😀'.repeat(128))).toBe('😀'.repeat(128));
    expect(parseOpId('__proto__')).toBe('__proto__');
  });

  it('rejects empty, over-long, control characters and non-text', () => {
    for (const input of ['', 'q'.repeat(129), '😀'.repeat(129), 'a\nb', 'a\tb', '\u0000', 'a\u007f', undefined, null, 5]) {
      expectOmsError(() => parseOpId(input), 'INVALID_ARGUMENT', 'opId');
    }
  });
});

describe('reserved operation ids (SPEC §12)', () => {
  it('refuses the prefixes the store derives ids under: quote:, import: and the generated op-… shape', () => {
    for (const input of ['quote:1', 'quote:', 'import:daily.csv:abc:1', 'import:', newOpId(), newOpId()]) {
      const error = expectOmsError(() => parseOpId(input), 'INVALID_ARGUMENT', 'opId');
      expect(error.message).toMatch(/reserved/);
    }
  });

  it('keeps ids that only look alike', () => {
    for (const input of ['Quote:1', 'quotes:1', 'my-quote:1', 'imports:1', 'op-1', 'op-9', 'op-abc-def', 'op-lz3-ABCDEF123456x']) {
      expect(parseOpId(input)).toBe(input);
    }
  });

  it('lets an import row keep an import: id only when it is the one its own content derives (a --rejects file)', () => {
    expect(parseOpId('import:daily.csv:abc:1', 'op_id', { importRow: true })).toBe('import:daily.csv:abc:1');
    expectOmsError(() => parseOpId('quote:1', 'op_id', { importRow: true }), 'INVALID_ARGUMENT', 'op_id');
  });
});
