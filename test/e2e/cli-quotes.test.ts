// `oms quotes` (issue 17): stored quotes, newest first, open / expired / used
// with the trade that used one, in text and --json; `oms quotes <id>`.

import { describe, expect, it } from 'vitest';
import { ok, oms, omsJson, useTempStates } from './helpers.js';

const states = useTempStates();

describe('oms quotes', () => {
  it('lists quotes with their status and trade, filters them, shows one', async () => {
    const { state } = states.documentState();
    await ok(state, ['quote', 'JPM', 'buy', '22', '--client', 'acme']);
    // The shortest ttl; waited out by its own expiresAt, not by a guess.
    const short = await ok(state, ['quote', 'AMZN', 'sell', '7', '--ttl', '1']);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(short.expiresAt) - Date.now()) + 50));
    await ok(state, ['quote', 'JPM', 'buy', '2']);
    await ok(state, ['trade', '--quote', '1']);

    const listed = await ok(state, ['quotes']);
    expect(listed.quotes.map((q: any) => [q.quoteId, q.status, q.trade?.tradeId ?? null])).toEqual([
      [3, 'open', null],
      [2, 'expired', null],
      [1, 'used', 1],
    ]);
    expect(Object.keys(listed.quotes[0])).toEqual(
      expect.arrayContaining(['quoteId', 'symbol', 'side', 'requested', 'filled', 'total', 'client', 'expiresAt', 'averagePrice', 'quotedAt', 'status', 'trade']),
    );
    expect((await ok(state, ['quotes', '--status', 'used'])).quotes.map((q: any) => q.quoteId)).toEqual([1]);
    expect((await ok(state, ['quotes', '--symbol', 'jpm', '--limit', '1'])).quotes.map((q: any) => q.quoteId)).toEqual([3]);

    const text = await oms(['quotes'], { state });
    expect(text.exitCode).toBe(0);
    const lines = String(text.stdout).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Quote\s+Symbol\s+Side\s+Requested\s+Filled\s+Total\s+Client\s+Expires\s+Status\s+Trade$/);
    expect(lines[1]).toMatch(/^\s*3\s+JPM\s+Buy\s+2\s+2\s+40\s+\S+\s+open$/);
    expect(lines[3]).toMatch(/^\s*1\s+JPM\s+Buy\s+22\s+22\s+442\s+acme\s+\S+\s+used\s+1$/);

    const one = await oms(['quotes', '1'], { state });
    expect(String(one.stdout)).toMatch(/\nQuoted at \S+\. Used by trade 1 at \S+ \(operation quote:1\)\.$/m);
    expect((await ok(state, ['quotes', '2'])).status).toBe('expired');
  });

  it('an unknown quote is QUOTE_NOT_FOUND (exit 3); a bad status is a usage error; none is said plainly', async () => {
    const { state } = states.documentState();
    const missing = await omsJson(['quotes', '5'], { state });
    expect(missing.result.exitCode).toBe(3);
    expect(missing.json.error.code).toBe('QUOTE_NOT_FOUND');
    expect((await oms(['quotes', '--status', 'stale'], { state })).exitCode).toBe(2);
    expect(String((await oms(['quotes'], { state })).stdout).trim()).toBe('no quotes');
    expect((await oms(['quotes', '--help'])).stdout).toContain('open, expired or used');
  });
});
