// What a committed batch writes besides its `operations` rows: the orders it
// added or changed, its trades, fills and quotes, and the state row's
// counters. Changes are folded per row in memory (an import that adds and
// then modifies an order inserts it once, as it ends up), then written by one
// statement whose data-modifying CTEs each take their rows as one jsonb
// parameter: one round trip whatever the batch size.

import type pg from 'pg';
import type { LedgerCounters, ModifyResult, OperationRecord, QuoteView, TradeView } from '../../core/ledger.js';
import { quoted, statementName } from './location.js';
import { together } from './queries.js';

interface OrderRow {
  order_id: number;
  symbol: string;
  side: string;
  price: string;
  amount: number;
  added_amount: number;
  source: string | null;
  accepted_ms: number;
  added_seq: number;
  queue_seq: number;
  ended_how: string | null;
  ended_ms: number | null;
  ended_seq: number | null;
  ended_trade_id: number | null;
}

/** A change to an order added by an earlier batch: only what changed. */
interface OrderChange {
  order_id: number;
  amount: number;
  price?: string;
  queue_seq?: number;
  ended_how?: string;
  ended_ms?: number;
  ended_seq?: number;
  ended_trade_id?: number | null;
}

interface QuoteRow {
  quote_id: number;
  seq: number;
  op_id: string;
  symbol: string;
  side: string;
  requested: number;
  filled: number;
  total: string;
  partial: boolean;
  client: string | null;
  quoted_ms: number;
  expires_at: string;
  executed_seq: number | null;
  trade_id: number | null;
}

/** The live values of an order before an operation touched it. */
export interface OrderBefore {
  amount: number;
  price: string;
}

export class Projection {
  private operations: unknown[] = [];
  private added = new Map<number, OrderRow>();
  private changed = new Map<number, OrderChange>();
  private trades: unknown[] = [];
  private fills: unknown[] = [];
  private quotes = new Map<number, QuoteRow>();
  private executions = new Map<number, { quote_id: number; seq: number; trade_id: number }>();
  /** Live orders added minus live orders ended. */
  private liveDelta = 0;

  constructor(private readonly schema: string) {}

  get size(): number {
    return this.operations.length;
  }

  /**
   * Folds in one operation just applied in memory. `amountNow` gives an
   * order's live amount after it (undefined once it left the book); `before`
   * is the modified order as it was (a modify needs it to tell whether the
   * order went to the back of its level).
   */
  add(record: OperationRecord, batch: string | null, amountNow: (orderId: number) => number | undefined, before?: OrderBefore): void {
    const { seq, at, cmd } = record;
    this.operations.push({
      seq,
      op_id: record.op,
      at_ms: at,
      kind: cmd.type,
      command: cmd,
      result: record.res ?? null,
      ended: record.ended ?? null,
      batch,
    });
    switch (cmd.type) {
      case 'add':
        this.liveDelta++;
        this.added.set(cmd.orderId, {
          order_id: cmd.orderId,
          symbol: cmd.symbol,
          side: cmd.side,
          price: cmd.price,
          amount: cmd.amount,
          added_amount: cmd.amount,
          source: cmd.source,
          accepted_ms: at,
          added_seq: seq,
          queue_seq: seq,
          ended_how: null,
          ended_ms: null,
          ended_seq: null,
          ended_trade_id: null,
        });
        return;
      case 'remove':
        this.end(cmd.orderId, 'removed', record, null);
        return;
      case 'modify': {
        const res = record.res as ModifyResult;
        if (res.removed || !res.order) {
          this.end(cmd.orderId, 'removed', record, null);
          return;
        }
        const order = res.order;
        const toBack = !before || before.price !== order.price || order.amount > before.amount;
        this.change(cmd.orderId, { amount: order.amount, price: order.price, ...(toBack ? { queue_seq: seq } : {}) });
        return;
      }
      case 'quote': {
        const quote = record.res as QuoteView;
        this.quotes.set(quote.quoteId, {
          quote_id: quote.quoteId,
          seq,
          op_id: record.op,
          symbol: quote.symbol,
          side: quote.side,
          requested: quote.requested,
          filled: quote.filled,
          total: quote.total,
          partial: quote.partial,
          client: quote.client,
          quoted_ms: at,
          expires_at: quote.expiresAt,
          executed_seq: null,
          trade_id: null,
        });
        return;
      }
      case 'trade':
      case 'tradeQuote': {
        const trade = record.res as TradeView;
        this.trades.push({
          trade_id: trade.tradeId,
          seq,
          op_id: record.op,
          symbol: trade.symbol,
          side: trade.side,
          requested: trade.requested,
          filled: trade.filled,
          total: trade.total,
          partial: trade.partial,
          client: trade.client,
          quote_id: trade.quoteId,
          executed_ms: at,
        });
        trade.fills.forEach((fill, position) => {
          this.fills.push({ trade_id: trade.tradeId, position, order_id: fill.orderId, amount: fill.amount, price: fill.price });
        });
        const ended = new Set(record.ended ?? []);
        for (const fill of trade.fills) {
          if (ended.has(fill.orderId)) this.end(fill.orderId, 'filled', record, trade.tradeId);
          else this.change(fill.orderId, { amount: amountNow(fill.orderId) ?? 0 });
        }
        if (trade.quoteId !== null) {
          const quote = this.quotes.get(trade.quoteId);
          if (quote) Object.assign(quote, { executed_seq: seq, trade_id: trade.tradeId });
          else this.executions.set(trade.quoteId, { quote_id: trade.quoteId, seq, trade_id: trade.tradeId });
        }
        return;
      }
    }
  }

  private end(orderId: number, how: 'removed' | 'filled', record: OperationRecord, tradeId: number | null): void {
    this.liveDelta--;
    this.change(orderId, { amount: 0, ended_how: how, ended_ms: record.at, ended_seq: record.seq, ended_trade_id: tradeId });
  }

  private change(orderId: number, change: Omit<OrderChange, 'order_id'>): void {
    const added = this.added.get(orderId);
    if (added) {
      Object.assign(added, change);
      return;
    }
    const previous = this.changed.get(orderId);
    this.changed.set(orderId, previous ? Object.assign(previous, change) : { order_id: orderId, ...change });
  }

  /** What the tables should hold for the operations folded so far (doctor compares). */
  expected(): { orders: OrderRow[]; trades: Record<string, unknown>[]; fills: Record<string, unknown>[]; quotes: QuoteRow[] } {
    return {
      orders: [...this.added.values()],
      trades: this.trades as Record<string, unknown>[],
      fills: this.fills as Record<string, unknown>[],
      quotes: [...this.quotes.values()],
    };
  }

  /**
   * Writes everything folded so far and the counters; then starts empty
   * again. With `commit`, the transaction's `commit` goes in the same round
   * trip (on a pipelined connection), and `sent` is called once it is on its way.
   */
  async flush(client: pg.ClientBase, counters: LedgerCounters, commit = false, sent?: () => void): Promise<void> {
    if (this.operations.length === 0 && !commit) return;
    // The statement is named, so each connection prepares each shape once;
    // with `commit`, the commit is sent right behind it and both come back in
    // one round trip (if the statement fails, the commit of the aborted
    // transaction only rolls back).
    const { written, committed } = together(client, () => ({
      written: this.operations.length > 0 ? client.query(this.statement(counters)) : undefined,
      committed: commit ? client.query('commit') : undefined,
    }));
    committed?.catch(() => undefined);
    if (committed) sent?.();
    await written;
    await committed;
    this.operations = [];
    this.added = new Map();
    this.changed = new Map();
    this.trades = [];
    this.fills = [];
    this.quotes = new Map();
    this.executions = new Map();
    this.liveDelta = 0;
  }

  /** The statement that writes what was folded: only its parts with rows, and the counters. */
  private statement(counters: LedgerCounters): pg.QueryConfig {
    // Only the parts with rows are sent: an empty part still costs the
    // database a scan of its parameter, and most batches only add orders.
    const parts: Array<[keyof typeof PARTS, unknown[]]> = [
      ['operations', this.operations],
      ['added', [...this.added.values()]],
      ['changed', [...this.changed.values()]],
      ['trades', this.trades],
      ['fills', this.fills],
      ['quotes', [...this.quotes.values()]],
      ['executions', [...this.executions.values()]],
    ];
    const present = parts.filter(([, rows]) => rows.length > 0);
    const s = quoted(this.schema);
    const ctes = present.map(([part], i) => `new_${part} as (${PARTS[part](s, `$${i + 1}::jsonb`)})`);
    const n = present.length;
    const sql = `with ${ctes.join(',\n')}
      update ${s}.state set seq = $${n + 1}, operations = $${n + 2}, trades = $${n + 3}, quotes = $${n + 4}, next_trade_id = $${n + 5},
        next_quote_id = $${n + 6}, live_orders = live_orders + $${n + 7}`;
    const values = [
      ...present.map(([, rows]) => JSON.stringify(rows)),
      counters.seq,
      counters.operations,
      counters.trades,
      counters.quotes,
      counters.nextTradeId,
      counters.nextQuoteId,
      this.liveDelta,
    ];
    const shape = present.map(([part]) => part.slice(0, 2)).join('');
    return { name: statementName(`project_${shape}`, this.schema), text: sql, values };
  }
}

const ms = (column: string): string => `timestamptz 'epoch' + ${column} * interval '1 millisecond'`;

/** Each part of a projection: a data-modifying statement over one jsonb parameter's rows. */
const PARTS = {
  operations: (s: string, p: string) => `
    insert into ${s}.operations (seq, op_id, at, kind, command, result, ended, batch)
    select r.seq, r.op_id, ${ms('r.at_ms')}, r.kind, r.command, r.result, r.ended, r.batch
    from jsonb_to_recordset(${p}) as r(seq bigint, op_id text, at_ms bigint, kind text, command jsonb, result jsonb, ended bigint[], batch text)`,
  added: (s: string, p: string) => `
    insert into ${s}.orders (order_id, symbol, side, price, amount, added_amount, source, accepted_at, added_seq, queue_seq, ended_how, ended_at, ended_seq, ended_trade_id)
    select r.order_id, r.symbol, r.side, r.price, r.amount, r.added_amount, r.source, ${ms('r.accepted_ms')}, r.added_seq, r.queue_seq,
           r.ended_how, ${ms('r.ended_ms')}, r.ended_seq, r.ended_trade_id
    from jsonb_to_recordset(${p}) as r(order_id bigint, symbol text, side text, price numeric, amount bigint, added_amount bigint, source text,
         accepted_ms bigint, added_seq bigint, queue_seq bigint, ended_how text, ended_ms bigint, ended_seq bigint, ended_trade_id bigint)`,
  changed: (s: string, p: string) => `
    update ${s}.orders o set
      amount = r.amount,
      price = coalesce(r.price, o.price),
      queue_seq = coalesce(r.queue_seq, o.queue_seq),
      ended_how = coalesce(r.ended_how, o.ended_how),
      ended_at = coalesce(${ms('r.ended_ms')}, o.ended_at),
      ended_seq = coalesce(r.ended_seq, o.ended_seq),
      ended_trade_id = coalesce(r.ended_trade_id, o.ended_trade_id)
    from jsonb_to_recordset(${p}) as r(order_id bigint, amount bigint, price numeric, queue_seq bigint, ended_how text, ended_ms bigint,
         ended_seq bigint, ended_trade_id bigint)
    where o.order_id = r.order_id`,
  trades: (s: string, p: string) => `
    insert into ${s}.trades (trade_id, seq, op_id, symbol, side, requested, filled, total, partial, client, quote_id, executed_at)
    select r.trade_id, r.seq, r.op_id, r.symbol, r.side, r.requested, r.filled, r.total, r.partial, r.client, r.quote_id, ${ms('r.executed_ms')}
    from jsonb_to_recordset(${p}) as r(trade_id bigint, seq bigint, op_id text, symbol text, side text, requested bigint, filled bigint,
         total numeric, partial boolean, client text, quote_id bigint, executed_ms bigint)`,
  fills: (s: string, p: string) => `
    insert into ${s}.fills (trade_id, position, order_id, amount, price)
    select r.trade_id, r.position, r.order_id, r.amount, r.price
    from jsonb_to_recordset(${p}) as r(trade_id bigint, position integer, order_id bigint, amount bigint, price numeric)`,
  quotes: (s: string, p: string) => `
    insert into ${s}.quotes (quote_id, seq, op_id, symbol, side, requested, filled, total, partial, client, quoted_at, expires_at, executed_seq, trade_id)
    select r.quote_id, r.seq, r.op_id, r.symbol, r.side, r.requested, r.filled, r.total, r.partial, r.client, ${ms('r.quoted_ms')}, r.expires_at,
           r.executed_seq, r.trade_id
    from jsonb_to_recordset(${p}) as r(quote_id bigint, seq bigint, op_id text, symbol text, side text, requested bigint, filled bigint,
         total numeric, partial boolean, client text, quoted_ms bigint, expires_at timestamptz, executed_seq bigint, trade_id bigint)`,
  executions: (s: string, p: string) => `
    update ${s}.quotes q set executed_seq = r.seq, trade_id = r.trade_id
    from jsonb_to_recordset(${p}) as r(quote_id bigint, seq bigint, trade_id bigint)
    where q.quote_id = r.quote_id`,
};
