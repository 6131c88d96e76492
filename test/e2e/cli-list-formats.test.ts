// `orders --limit/--offset` (with the total) and `--format csv|tsv|json` on
// the lists: orders, trades, history, quotes (issue 17).

import { describe, expect, it } from 'vitest';
import { ok, oms, useTempStates } from './helpers.js';

const states = useTempStates();

/** stdout of a command that must succeed (execa strips the final line end, so no empty last element). */
async function stdout(state: string, args: string[]): Promise<string> {
  const result = await oms(args, { state });
  expect(result.exitCode, String(result.stderr)).toBe(0);
  return String(result.stdout);
}

describe('orders --limit/--offset', () => {
  it('a window of the list with the total, in JSON and text; unpaged output is unchanged', async () => {
    const { state } = states.documentState();
    expect(Object.keys(await ok(state, ['orders']))).toEqual(['orders']);
    const page = await ok(state, ['orders', '--limit', '2', '--offset', '1']);
    expect(page.orders.map((o: any) => o.orderId)).toEqual([2, 1]);
    expect(page).toMatchObject({ total: 4, offset: 1, limit: 2 });
    const text = (await stdout(state, ['orders', '--limit', '2', '--offset', '1'])).trimEnd().split('\n');
    expect(text).toHaveLength(4);
    expect(text[3]).toBe('Orders 2-3 of 4');
    expect((await stdout(state, ['orders', '--offset', '10'])).trim()).toBe('No orders from offset 10; 4 in all');
    expect((await oms(['orders', '--limit', '0'], { state })).exitCode).toBe(2);
  });
});

describe('--format', () => {
  it('csv and tsv with a header, one row per item; json is the --json document', async () => {
    const { state } = states.documentState();
    await ok(state, ['add', '5', 'JPM', 'sell', '1', '30', '--source', '=cmd,x\\y']);
    const csv = await stdout(state, ['orders', '--format', 'csv', '--symbol', 'JPM']);
    expect(csv.split('\r\n')).toEqual([
      'order_id,symbol,side,amount,price,source,accepted_at',
      expect.stringMatching(/^1,JPM,Buy,20,20,,\d{4}-/),
      expect.stringMatching(/^4,JPM,Buy,10,21,,/),
      expect.stringMatching(/^5,JPM,Sell,1,30,"'=cmd,x\\y",/),
    ]);
    const tsv = await stdout(state, ['orders', '--format', 'tsv', '--symbol', 'JPM', '--side', 'sell']);
    expect(tsv.split('\n')).toEqual(['order_id\tsymbol\tside\tamount\tprice\tsource\taccepted_at', expect.stringMatching(/^5\tJPM\tSell\t1\t30\t=cmd,x\\\\y\t\d{4}-/)]);
    expect(JSON.parse(await stdout(state, ['orders', '--format', 'json']))).toEqual(await ok(state, ['orders']));

    await ok(state, ['quote', 'JPM', 'buy', '22', '--client', 'acme']);
    await ok(state, ['trade', '--quote', '1']);
    const trades = (await stdout(state, ['trades', '--format', 'csv'])).split('\r\n');
    expect(trades[0]).toBe('trade_id,symbol,side,requested,filled,total,average_price,client,quote_id,op_id,executed_at');
    expect(trades[1]).toMatch(/^1,JPM,Buy,22,22,442,20\.09090909,acme,1,quote:1,\d{4}-/);
    const quotes = (await stdout(state, ['quotes', '--format', 'tsv'])).split('\n');
    expect(quotes[0]).toBe('quote_id\tsymbol\tside\trequested\tfilled\ttotal\taverage_price\tclient\tquoted_at\texpires_at\tstatus\ttrade_id');
    expect(quotes[1]).toMatch(/^1\tJPM\tBuy\t22\t22\t442\t20\.09090909\tacme\t\S+\t\S+\tused\t1$/);
    const history = (await stdout(state, ['history', '--format', 'csv', '--limit', '1'])).split('\r\n');
    expect(history[0]).toBe('seq,op_id,at,type,command,result');
    expect(history[1]).toMatch(/^\d+,quote:1,\S+,tradeQuote,"\{""type"":""tradeQuote"",""quoteId"":1\}","\{""trade"":/);
    // --json wins over --format: stdout is one JSON document.
    expect(JSON.parse(await stdout(state, ['--json', 'trades', '--format', 'csv'])).trades).toHaveLength(1);
    expect((await oms(['orders', '--format', 'xml'], { state })).exitCode).toBe(2);
  });
});
