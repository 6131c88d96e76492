// Text a user or an attacker chose ends up in messages, log lines and error
// documents that a terminal, a log viewer or a spreadsheet shows (SPEC §12).
// What would act on the display instead of being shown (C0 and C1 controls,
// DEL, line and paragraph separators, bidirectional controls that reorder
// what follows) and what is not Unicode at all (a lone surrogate, which
// becomes U+FFFD or breaks the encoder on the way out) are named here once,
// so the field rules refuse them and every output escapes them alike.

/** Bidirectional formatting: marks, embeddings, overrides and isolates (the Trojan Source characters). */
const BIDI = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';

/** Everything a message or log line must not carry raw. */
const UNSAFE = new RegExp(`[\\p{Cc}\\p{Cs}\\u2028\\u2029${BIDI}]`, 'u');
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');
/** What JSON text may still carry raw once C0 is escaped (JSON.stringify, pino): these are only ever inside strings. */
const UNSAFE_IN_JSON = new RegExp(`[\\u007F-\\u009F\\p{Cs}\\u2028\\u2029${BIDI}]`, 'gu');
const SURROGATE = /\p{Cs}/u;
const CONTROL_OR_BIDI = new RegExp(`[\\p{Cc}\\u2028\\u2029${BIDI}]`, 'u');

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  return SHORT[char] ?? `\\u${(char.charCodeAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `text` with every unsafe character written as an escape (`\n`, `\u0085`, `\u202E`, `\uD800`). */
export function escapeControls(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeOne) : text;
}

/**
 * JSON.stringify, with the characters it leaves raw (DEL, C1, U+2028/2029,
 * bidi controls) escaped too: the same value once parsed, but the text shows
 * nothing a terminal would act on.
 */
export function safeJson(value: unknown): string {
  return escapeJsonText(JSON.stringify(value));
}

/** JSON text (a log line) with the characters a JSON writer leaves raw escaped; still the same JSON. */
export function escapeJsonText(text: string): string {
  return text.replace(UNSAFE_IN_JSON, escapeOne);
}

/** True if the text holds a lone surrogate: not Unicode, so it cannot be stored, exported or shown as given. */
export function hasLoneSurrogate(text: string): boolean {
  return SURROGATE.test(text);
}

/** True if the text holds a control character, a line or paragraph separator, or a bidi control. */
export function hasControl(text: string): boolean {
  return CONTROL_OR_BIDI.test(text);
}

/** At most `max` code points of `text` (never half of a surrogate pair), with `mark` when cut. */
export function clip(text: string, max: number, mark = '…'): string {
  if (text.length <= max) return text;
  const points = [...text.slice(0, max * 2)];
  return points.length <= max && text.length <= max * 2 ? text : `${points.slice(0, max).join('')}${mark}`;
}
