// Hostile text in messages (SPEC §12): what a terminal would act on is
// escaped, lone surrogates are refused by the field rules, and values shown
// in a message are clipped without splitting a character.

import { describe, expect, it } from 'vitest';
import { OmsError, invalid, showValue } from '../../src/core/errors.js';
import { parseOpId, parseText } from '../../src/core/fields.js';
import { clip, escapeControls, safeJson } from '../../src/core/text.js';
import { expectOmsError } from './helpers.js';

const HOSTILE = ['\u0000', '\u001b[31m', '\u007f', '\u0085', '\u009b', '\u2028', '\u2029', '\u202e', '\u2066', '\u200f', '\ud800', '\udfff'];
const RAW = /[\p{Cc}\p{Cs}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

describe('escapeControls and safeJson', () => {
  it('escape C0, DEL, C1, line separators, bidi controls and lone surrogates, and keep other text', () => {
    expect(escapeControls('a\nb\u0085c\u202ed\ud800')).toBe('a\\nb\\u0085c\\u202Ed\\uD800');
    expect(escapeControls('Ünïcødé 😀 日本')).toBe('Ünïcødé 😀 日本');
    for (const char of HOSTILE) expect(escapeControls(`x${char}y`)).not.toMatch(RAW);
  });

  it('safeJson parses back to the same value, with no raw control in its text', () => {
    const value = { text: HOSTILE.join('|'), emoji: '😀' };
    const text = safeJson(value);
    expect(text).not.toMatch(RAW);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('clip never splits a surrogate pair', () => {
    expect(clip('😀'.repeat(50), 40)).toBe(`${'😀'.repeat(40)}…`);
    expect(clip('😀'.repeat(40), 40)).toBe('😀'.repeat(40));
    expect(clip('abc', 2)).toBe('ab…');
  });
});

describe('messages', () => {
  it('an OmsError message carries no raw control, whatever was put in it', () => {
    for (const char of HOSTILE) {
      const error = new OmsError('INVALID_ARGUMENT', `route: GET /x${char}y does not exist`, { field: `f${char}` });
      expect(error.message).not.toMatch(RAW);
      expect(error.details.field).not.toMatch(RAW);
    }
  });

  it('showValue escapes DEL, C1, U+2028 and bidi controls, and clips on a character boundary', () => {
    for (const char of HOSTILE) expect(showValue(`a${char}b`)).not.toMatch(RAW);
    expect(showValue('😀'.repeat(41))).toBe(`"${'😀'.repeat(40)}…"`);
    expect(invalid('source', 'x\u0085y', 'is bad').message).toBe('source: "x\\u0085y" is bad');
    // The value kept in an error is clipped by characters too: never half an emoji.
    expect(invalid('source', `a${'😀'.repeat(150)}`, 'is bad').details.value).toBe(`a${'😀'.repeat(150)}`);
    expect(invalid('source', `a${'😀'.repeat(250)}`, 'is bad').details.value).toBe(`a${'😀'.repeat(199)}`);
  });
});

describe('text fields refuse what cannot be shown or stored as given', () => {
  it('lone surrogates in source, client and op ids', () => {
    for (const input of ['\ud800', 'a\udfffb', '\ud83d']) {
      expect(expectOmsError(() => parseText(input, 'source'), 'INVALID_ARGUMENT', 'source').message).toMatch(/surrogate/);
      expectOmsError(() => parseText(input, 'client'), 'INVALID_ARGUMENT', 'client');
      expectOmsError(() => parseOpId(input), 'INVALID_ARGUMENT', 'opId');
    }
    expect(parseText('😀', 'source')).toBe('😀');
  });

  it('bidi controls and C1 in source, client and op ids', () => {
    for (const input of ['a\u202eb', '\u2066x\u2069', 'x\u200f', 'a\u0085b', 'a\u009bb']) {
      expectOmsError(() => parseText(input, 'source'), 'INVALID_ARGUMENT', 'source');
      expectOmsError(() => parseOpId(input), 'INVALID_ARGUMENT', 'opId');
    }
  });
});
