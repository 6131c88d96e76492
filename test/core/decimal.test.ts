import { describe, it, expect } from 'vitest';
import { canonicalPrice, formatScaled, MAX_PRICE_SCALED, MAX_PRICE_TEXT, parsePrice, PRICE_SCALE } from '../../src/core/decimal.js';
import { expectOmsError } from './helpers.js';

describe('parsePrice: accepted decimal strings', () => {
  const cases: [string, number, string][] = [
    ['20', 2_000_000_000, '20'],
    ['20.5', 2_050_000_000, '20.5'],
    ['20.50', 2_050_000_000, '20.5'],
    ['.5', 50_000_000, '0.5'],
    ['20.', 2_000_000_000, '20'],
    ['0.00000001', 1, '0.00000001'],
    ['00020.500', 2_050_000_000, '20.5'],
    ['1.123456780000', 112_345_678, '1.12345678'],
    ['1.00000000000000000000', 100_000_000, '1'],
    ['20.125', 2_012_500_000, '20.125'],
    ['442', 44_200_000_000, '442'],
    ['12345678.12345678', 1_234_567_812_345_678, '12345678.12345678'],
  ];

  for (const [input, scaled, canonical] of cases) {
    it(`${JSON.stringify(input)} → ${scaled} → "${canonical}"`, () => {
      expect(parsePrice(input)).toBe(scaled);
      expect(formatScaled(parsePrice(input))).toBe(canonical);
      expect(canonicalPrice(input)).toBe(canonical);
    });
  }

  it('accepts the largest price exactly and no more', () => {
    expect(MAX_PRICE_TEXT).toBe('90071992.54740991');
    expect(parsePrice('90071992.54740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parsePrice('90071992.54740991')).toBe(MAX_PRICE_SCALED);
    expect(canonicalPrice('90071992.54740991')).toBe('90071992.54740991');
    expect(canonicalPrice('090071992.547409910')).toBe('90071992.54740991');
  });

  it('trailing zeros do not count against the 8 fractional digits', () => {
    expect(parsePrice('0.123456780')).toBe(12_345_678);
    expect(parsePrice('0.12345678' + '0'.repeat(50))).toBe(12_345_678);
  });
});

describe('parsePrice: rejected strings', () => {
  const rejected = [
    '',
    '.',
    '-1',
    '+1',
    '1e5',
    '1E5',
    '1,000',
    '1_000',
    ' 1',
    '1 ',
    '1\n',
    '0',
    '00',
    '0.',
    '.0',
    '0.000',
    '0.00000000',
    '0.000000001',
    '0.123456789',
    '1.123456789',
    'NaN',
    'Infinity',
    '0x10',
    '1..2',
    '1.2.3',
    '١٢', // Arabic-Indic digits are not plain digits
    '90071992.54740992',
    '90071992.547409911',
    '100000000',
    '99999999.99999999',
    '123456789012345678901234567890',
  ];
  for (const input of rejected) {
    it(`rejects ${JSON.stringify(input)} as INVALID_ARGUMENT naming the field`, () => {
      const error = expectOmsError(() => parsePrice(input), 'INVALID_ARGUMENT', 'price');
      expect(error.details.value).toBe(input);
    });
  }

  it('names the field it was given', () => {
    expectOmsError(() => parsePrice('abc', 'limit'), 'INVALID_ARGUMENT', 'limit');
  });

  it('rejects values that are neither strings nor numbers', () => {
    for (const input of [null, undefined, {}, [], true, 1n]) {
      expectOmsError(() => parsePrice(input), 'INVALID_ARGUMENT', 'price');
    }
  });
});

describe('parsePrice: JS numbers', () => {
  it('takes the decimal a number denotes', () => {
    expect(parsePrice(20)).toBe(2_000_000_000);
    expect(parsePrice(20.5)).toBe(2_050_000_000);
    expect(parsePrice(20.125)).toBe(2_012_500_000);
    expect(canonicalPrice(20.125)).toBe('20.125');
    expect(canonicalPrice(0.1)).toBe('0.1');
    expect(canonicalPrice(1e-8)).toBe('0.00000001');
    expect(canonicalPrice(0.12345678)).toBe('0.12345678');
    expect(canonicalPrice(12345678.9)).toBe('12345678.9');
  });

  it('1e-7 is 0.0000001 and 1.5e-7 is 0.00000015', () => {
    expect(parsePrice(1e-7)).toBe(10);
    expect(canonicalPrice(1e-7)).toBe('0.0000001');
    expect(canonicalPrice(1.5e-7)).toBe('0.00000015');
  });

  it('rejects numbers with more than 8 fractional digits', () => {
    expectOmsError(() => parsePrice(1e-9), 'INVALID_ARGUMENT', 'price');
    expectOmsError(() => parsePrice(0.1234567891), 'INVALID_ARGUMENT', 'price');
    expectOmsError(() => parsePrice(0.1 + 0.2), 'INVALID_ARGUMENT', 'price');
    expectOmsError(() => parsePrice(Number.MIN_VALUE), 'INVALID_ARGUMENT', 'price');
  });

  it('rejects NaN, infinities, zero and negatives', () => {
    for (const input of [NaN, Infinity, -Infinity, 0, -0, -1, -20.5, -1e-7]) {
      expectOmsError(() => parsePrice(input), 'INVALID_ARGUMENT', 'price');
    }
  });

  it('rejects numbers above the largest price', () => {
    for (const input of [100_000_000, 123_456_789, 1e21, 1e300, Number.MAX_VALUE]) {
      expectOmsError(() => parsePrice(input), 'INVALID_ARGUMENT', 'price');
    }
  });
});

describe('formatScaled', () => {
  it('is canonical: no trailing zeros, no point for whole numbers', () => {
    expect(formatScaled(0)).toBe('0');
    expect(formatScaled(1)).toBe('0.00000001');
    expect(formatScaled(10)).toBe('0.0000001');
    expect(formatScaled(PRICE_SCALE)).toBe('1');
    expect(formatScaled(150_000_000)).toBe('1.5');
    expect(formatScaled(44_200_000_000)).toBe('442');
    expect(formatScaled(2_012_500_000)).toBe('20.125');
    expect(formatScaled(Number.MAX_SAFE_INTEGER)).toBe('90071992.54740991');
  });

  it('formats BigInts past 2^53 exactly', () => {
    expect(formatScaled(1n)).toBe('0.00000001');
    expect(formatScaled(10n ** 30n)).toBe('1' + '0'.repeat(22));
    expect(formatScaled(10n ** 30n + 5n)).toBe('1' + '0'.repeat(22) + '.00000005');
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    expect(formatScaled(max * max)).toBe('811296384146066636813904.95662081');
  });

  it('round-trips every canonical text through parsePrice', () => {
    for (const text of ['0.00000001', '0.5', '1', '20.125', '442', '12345678.12345678', '90071992.54740991']) {
      expect(formatScaled(parsePrice(text))).toBe(text);
    }
  });
});
