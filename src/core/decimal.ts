// Exact decimals. A price is held as an integer count of 1e-8 units (a JS
// number, exact up to 2^53-1); a total or a sum of amounts is a BigInt in the
// same units, so nothing is ever rounded by binary floating point.

import { invalid } from './errors.js';

export const PRICE_DECIMALS = 8;
export const PRICE_SCALE = 100_000_000;
const PRICE_SCALE_BIG = 100_000_000n;

/** Largest price whose scaled value stays an exact JS integer. */
export const MAX_PRICE_SCALED = Number.MAX_SAFE_INTEGER;
export const MAX_PRICE_TEXT = '90071992.54740991';
const MAX_WHOLE_PRICE = 90_071_992;

/**
 * Parses a plain decimal (`20`, `20.5`, `.5`, `0.00000001`) or a JS number
 * that equals such a decimal into scaled units. Rejects signs, exponents,
 * separators, zero, more than 8 significant fractional digits and values past
 * MAX_PRICE_TEXT.
 */
export function parsePrice(input: unknown, field = 'price'): number {
  let text: string;
  if (typeof input === 'number') {
    // Whole prices (the common case from code) need no decimal text.
    if (Number.isInteger(input) && input > 0 && input <= MAX_WHOLE_PRICE) return input * PRICE_SCALE;
    if (!Number.isFinite(input)) throw invalid(field, input, 'is not a finite number');
    if (input <= 0) throw invalid(field, input, 'must be a positive number');
    text = numberToPlainDecimal(input);
  } else if (typeof input === 'string') {
    text = input;
  } else {
    throw invalid(field, input, 'must be a decimal number');
  }
  const scaled = scanDecimal(text);
  switch (scaled) {
    case NOT_PLAIN:
      throw invalid(field, input, 'is not a plain decimal number (digits with an optional point)');
    case TOO_PRECISE:
      throw invalid(field, input, `has more than ${PRICE_DECIMALS} decimal places`);
    case TOO_LARGE:
      throw invalid(field, input, `is above the largest price ${MAX_PRICE_TEXT}`);
    case 0:
      throw invalid(field, input, 'must be greater than zero');
    default:
      return scaled;
  }
}

const NOT_PLAIN = -1;
const TOO_PRECISE = -2;
const TOO_LARGE = -3;

/**
 * Digits with an optional point, scanned by hand (it runs for every row of an
 * import): the scaled value, or a negative reason. Leading zeros and trailing
 * fractional zeros do not count against the limits.
 */
function scanDecimal(text: string): number {
  const length = text.length;
  let i = 0;
  let whole = 0;
  let wholeDigits = 0;
  let digits = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    digits++;
    if (whole === 0 && c === 0) continue;
    whole = whole * 10 + c;
    if (++wholeDigits > 8) return TOO_LARGE;
  }
  let fraction = 0;
  let fractionDigits = 0;
  if (i < length && text.charCodeAt(i) === 46) {
    let significant = 0;
    let position = 0;
    for (i++; i < length; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return NOT_PLAIN;
      digits++;
      position++;
      if (c !== 0) significant = position;
      if (position <= PRICE_DECIMALS) {
        fraction = fraction * 10 + c;
        fractionDigits = position;
      }
    }
    if (significant > PRICE_DECIMALS) return TOO_PRECISE;
  }
  if (i < length || digits === 0) return NOT_PLAIN;
  const scaled = whole * PRICE_SCALE + fraction * 10 ** (PRICE_DECIMALS - fractionDigits);
  return scaled > MAX_PRICE_SCALED ? TOO_LARGE : scaled;
}

/**
 * Turns a JS number into the decimal it denotes, using the shortest
 * round-trip form (`1e-7` → `0.0000001`), so `0.1` means the decimal 0.1.
 */
function numberToPlainDecimal(value: number): string {
  const text = String(value);
  const exp = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exp) return text;
  const digits = (exp[1] ?? '') + (exp[2] ?? '');
  const pointAt = (exp[1] ?? '').length + Number(exp[3]);
  if (pointAt <= 0) return `0.${'0'.repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return digits + '0'.repeat(pointAt - digits.length);
  return `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** Canonical text of a scaled value: no trailing zeros, no point for whole numbers. */
export function formatScaled(scaled: number | bigint): string {
  if (typeof scaled === 'number' && scaled <= Number.MAX_SAFE_INTEGER) {
    // Exact in doubles: % of integers is exact, and so is dividing out an exact multiple.
    const fraction = scaled % PRICE_SCALE;
    const whole = (scaled - fraction) / PRICE_SCALE;
    if (fraction === 0) return String(whole);
    return `${whole}.${String(fraction).padStart(PRICE_DECIMALS, '0').replace(/0+$/, '')}`;
  }
  const big = typeof scaled === 'bigint' ? scaled : BigInt(scaled);
  const whole = big / PRICE_SCALE_BIG;
  const fraction = big % PRICE_SCALE_BIG;
  if (fraction === 0n) return whole.toString();
  return `${whole}.${fraction.toString().padStart(PRICE_DECIMALS, '0').replace(/0+$/, '')}`;
}

/** Canonical text of a price given in any accepted form. */
export function canonicalPrice(input: unknown, field = 'price'): string {
  return formatScaled(parsePrice(input, field));
}
