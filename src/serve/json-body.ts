// The JSON body parser of `oms serve` (SPEC §12). JSON.parse reads every
// number as a double and rounds silently: 9007199254740993 becomes
// ...992 and 4503599627370497.5 an integer, both then valid ids. So the
// body is read here, where each number's source text is still at hand, and a
// number whose value is not exactly the double it reads as (a fraction that
// rounds, an integer past 2^53, 1e400, 1e-400) is INVALID_ARGUMENT naming
// its field; so is -0. While at it: the bytes must be UTF-8 (a leading BOM
// is skipped), a key may appear once (a proxy and oms must not read two
// different bodies), nesting is bounded (no stack exhaustion), and keys such
// as __proto__ become plain own properties, which the schemas then refuse.

import { isUtf8 } from 'node:buffer';
import type { FastifyRequest } from 'fastify';
import { OmsError, showValue } from '../core/errors.js';

/** Deepest nesting of arrays and objects a body may have; every route's body is one flat object. */
export const MAX_DEPTH = 32;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NUMBER_PARTS = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** A double's exact decimal expansion has at most 767 significant digits. */
const MAX_EXACT_DIGITS = 800;

/** fastify's parser for application/json (parseAs: 'buffer'); JSON in another charset is 415. */
export function jsonBodyParser(request: FastifyRequest, body: string | Buffer, done: (error: Error | null, body?: unknown) => void): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    done(Object.assign(new Error(`charset ${charset}`), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }));
    return;
  }
  try {
    done(null, parseJsonBody(body as Buffer));
  } catch (error) {
    done(error as Error);
  }
}

/** Parses a request body; throws OmsError (INVALID_ARGUMENT) for anything it will not read exactly. */
export function parseJsonBody(bytes: Buffer): unknown {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  if (!isUtf8(body)) throw bodyError('is not UTF-8 text: JSON must be sent as UTF-8');
  const text = body.toString('utf8');
  if (text.trim() === '') throw bodyError('is empty, but Content-Type says JSON');
  return new JsonReader(text).document();
}

function bodyError(message: string, field = 'body'): OmsError {
  return new OmsError('INVALID_ARGUMENT', `${field}: ${message}`, { field });
}

class JsonReader {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): unknown {
    const value = this.value('body', 0);
    this.space();
    if (this.at < this.text.length) throw this.syntax('nothing after the JSON value');
    return value;
  }

  private value(path: string, depth: number): unknown {
    this.space();
    const char = this.text[this.at];
    if (char === '{') return this.object(path, depth + 1);
    if (char === '[') return this.array(path, depth + 1);
    if (char === '"') return this.string();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number(path);
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    throw this.syntax('a JSON value');
  }

  private object(path: string, depth: number): Record<string, unknown> {
    this.nested(depth);
    this.at++;
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.space();
    if (this.eat('}')) return result;
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') throw this.syntax('a key in double quotes');
      const key = this.string();
      const field = path === 'body' ? key : `${path}.${key}`;
      if (seen.has(key)) throw bodyError(`the key ${showValue(key)} appears twice`, field);
      seen.add(key);
      this.space();
      if (!this.eat(':')) throw this.syntax('":" after a key');
      // An own data property whatever the key (__proto__ included): nothing reaches a prototype.
      Object.defineProperty(result, key, { value: this.value(field, depth), enumerable: true, writable: true, configurable: true });
      this.space();
      if (this.eat('}')) return result;
      if (!this.eat(',')) throw this.syntax('"," or "}"');
    }
  }

  private array(path: string, depth: number): unknown[] {
    this.nested(depth);
    this.at++;
    const result: unknown[] = [];
    this.space();
    if (this.eat(']')) return result;
    for (;;) {
      result.push(this.value(`${path}[${result.length}]`, depth));
      this.space();
      if (this.eat(']')) return result;
      if (!this.eat(',')) throw this.syntax('"," or "]"');
    }
  }

  /** The string token, decoded by JSON.parse itself (escapes, and its refusal of raw control characters). */
  private string(): string {
    const begin = this.at;
    let end = begin + 1;
    for (;;) {
      end = this.text.indexOf('"', end);
      if (end < 0) throw this.syntax('the end of a string');
      let backslashes = 0;
      while (this.text[end - 1 - backslashes] === '\\') backslashes++;
      if (backslashes % 2 === 0) break;
      end++;
    }
    this.at = end + 1;
    try {
      return JSON.parse(this.text.slice(begin, this.at)) as string;
    } catch {
      this.at = begin;
      throw this.syntax('a valid string (control characters must be escaped)');
    }
  }

  private number(path: string): number {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) throw this.syntax('a number');
    const token = match[0];
    this.at += token.length;
    const value = Number(token);
    if (Object.is(value, -0)) throw bodyError(`${showValue(token)} is negative zero: send 0`, path);
    if (!isExact(token, value)) {
      const became = Number.isFinite(value) ? `it would be read as ${value}` : 'it is beyond the range of a JSON number';
      throw bodyError(`${showValue(token)} cannot be taken exactly (${became}); numbers must be whole and at most 2^53-1, or sent as a string of digits`, path);
    }
    return value;
  }

  private nested(depth: number): void {
    if (depth > MAX_DEPTH) throw bodyError(`is nested deeper than ${MAX_DEPTH} levels`);
  }

  private space(): void {
    for (;;) {
      const char = this.text[this.at];
      if (char !== ' ' && char !== '\t' && char !== '\n' && char !== '\r') return;
      this.at++;
    }
  }

  private eat(char: string): boolean {
    if (this.text[this.at] !== char) return false;
    this.at++;
    return true;
  }

  private syntax(expected: string): OmsError {
    const found = this.at < this.text.length ? `found ${showValue(this.text.slice(this.at, this.at + 10))}` : 'the body ended';
    return bodyError(`not valid JSON at character ${this.at + 1}: expected ${expected}, ${found}`);
  }
}

/** True if the decimal `token` is exactly the double `value` (compared as exact rationals). */
function isExact(token: string, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const [, whole = '', fraction = '', exponent = '0'] = NUMBER_PARTS.exec(token) ?? [];
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return value === 0;
  if (value === 0) return false;
  const significant = digits.replace(/0+$/, '');
  const power = Number(exponent) - fraction.length + (digits.length - significant.length);
  digits = significant;
  // A finite non-zero double lies between 10^-324 and 10^309: beyond these bounds it cannot be exact.
  if (digits.length > MAX_EXACT_DIGITS || Math.abs(power) > 1200) return false;
  const [mantissa, twos] = binary(Math.abs(value));
  let left = BigInt(digits);
  let right = mantissa;
  if (power >= 0) left *= 10n ** BigInt(power);
  else right *= 10n ** BigInt(-power);
  if (twos >= 0) right *= 2n ** BigInt(twos);
  else left *= 2n ** BigInt(-twos);
  return left === right;
}

/** A positive finite double as mantissa × 2^exponent, exactly. */
function binary(value: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return exponent === 0 ? [fraction, -1074] : [fraction | (1n << 52n), exponent - 1075];
}
