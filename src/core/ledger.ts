// The ledger turns commands into operations: it decides replays, conflicts and
// natural no-ops (SPEC §2), checks quotes, assigns trade and quote ids, and
// applies the effect to the order manager. What happened before the in-memory
// state began is never looked up from here: the ledger first says which past
// facts a command needs (`needs`), the store fetches them however it can (a
// file read, a query; asynchronously), and `execute` decides synchronously on
// what was fetched. So the ledger stays free of I/O and of waiting; time is
// passed in.

import { commandKey, type Command, type TradeQuoteCommand } from './commands.js';
import { formatScaled, parsePrice } from './decimal.js';
import { OmsError } from './errors.js';
import { fillView, orderView, OrderManager, type RawExecution } from './order-manager.js';
import type { BookView, Convention, Execution, Order, Side } from './types.js';
import { bookView, type BookViewOptions } from './views.js';

export interface QuoteView extends Execution {
  quoteId: number;
  opId: string;
  client: string | null;
  expiresAt: string;
}

export interface TradeView {
  tradeId: number;
  symbol: string;
  side: Side;
  requested: number;
  filled: number;
  total: string;
  partial: boolean;
  fills: Execution['fills'];
  client: string | null;
  quoteId: number | null;
  opId: string;
  executedAt: string;
}

export interface ModifyResult {
  order: Order | null;
  removed: boolean;
}

/** One committed operation as the journal keeps it. */
export interface OperationRecord {
  seq: number;
  /** Milliseconds since the epoch when it was applied. */
  at: number;
  op: string;
  cmd: Command;
  /** The result where it cannot be derived from cmd and at. */
  res?: ModifyResult | QuoteView | TradeView;
  /** Orders a trade emptied (they left the book). */
  ended?: number[];
}

export type NewRecord = Omit<OperationRecord, 'seq'>;

interface TradeRequest {
  symbol: string;
  side: Side;
  amount: number;
  partial: boolean;
}

export type Result =
  | { type: 'add'; order: Order }
  | { type: 'modify'; order: Order | null; removed: boolean }
  | { type: 'remove'; removed: boolean }
  | { type: 'quote'; quote: QuoteView }
  | { type: 'trade'; trade: TradeView };

/**
 * `applied`: the operation changed the state (committed with its write).
 * `replayed`: it was done before (same op id, or a natural rerun); nothing changed.
 * `unchanged`: valid but nothing to do (removing an order already gone,
 * setting the values an order has); nothing changed and nothing is recorded.
 */
export type OutcomeStatus = 'applied' | 'replayed' | 'unchanged';

/** What a command did, as every front end reports it. */
export interface Outcome {
  opId: string;
  status: OutcomeStatus;
  result: Result;
  /** A human note for stderr (replay, no-op). */
  notice?: string;
}

/** An outcome and, when the state changed, the record the store must commit. */
export interface Decision {
  outcome: Outcome;
  record?: NewRecord;
}

/**
 * The past facts a command needs, as keys in the vocabulary of `recordKeys`
 * (`o:<opId>`, `i:<orderId>` added, `e:<orderId>` ended, `q:<quoteId>`,
 * `x:<quoteId>` executed), and the books that must be in memory: those of
 * `symbols`, and those of `orders` when they are live. A store that keeps
 * every book in memory (the file store) uses only the keys.
 */
export interface Needs {
  keys: string[];
  symbols: string[];
  orders: number[];
}

/**
 * The records found for needed keys; a key without one has none. A Map of
 * what was fetched will do, and so will a store's own lookup when it can
 * answer at once (then only the keys a decision consults are looked up).
 */
export interface Facts {
  get(key: string): OperationRecord | undefined;
}

/** Where a store finds past facts: looked up by key, never loaded whole. */
export interface Archive {
  fetch(keys: readonly string[]): Promise<Map<string, OperationRecord>>;
}

export interface LedgerCounters {
  seq: number;
  nextTradeId: number;
  nextQuoteId: number;
  operations: number;
  trades: number;
  quotes: number;
}

export type OrderStatus =
  | { status: 'live'; order: Order }
  | { status: 'removed' | 'filled'; order: Order; endedAt: string; endedBy: { opId: string; tradeId: number | null }; how: string };

export function emptyCounters(): LedgerCounters {
  return { seq: 0, nextTradeId: 1, nextQuoteId: 1, operations: 0, trades: 0, quotes: 0 };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The keys an archive finds a record by: its op id and what it touched. */
export function recordKeys(record: NewRecord): string[] {
  const keys = [`o:${record.op}`];
  const cmd = record.cmd;
  if (cmd.type === 'add') keys.push(`i:${cmd.orderId}`);
  else if (cmd.type === 'remove') keys.push(`e:${cmd.orderId}`);
  else if (cmd.type === 'modify' && (record.res as ModifyResult | undefined)?.removed) keys.push(`e:${cmd.orderId}`);
  else if (cmd.type === 'quote') keys.push(`q:${(record.res as QuoteView).quoteId}`);
  else if (cmd.type === 'tradeQuote') keys.push(`x:${cmd.quoteId}`);
  for (const orderId of record.ended ?? []) keys.push(`e:${orderId}`);
  return keys;
}

/** The result an operation gave, rebuilt from its record. */
export function resultOf(record: OperationRecord | NewRecord): Result {
  const cmd = record.cmd;
  switch (cmd.type) {
    case 'add':
      return {
        type: 'add',
        order: {
          orderId: cmd.orderId,
          symbol: cmd.symbol,
          side: cmd.side,
          amount: cmd.amount,
          price: cmd.price,
          source: cmd.source,
          acceptedAt: iso(record.at),
        },
      };
    case 'modify': {
      const res = record.res as ModifyResult;
      return { type: 'modify', order: res.order, removed: res.removed };
    }
    case 'remove':
      return { type: 'remove', removed: true };
    case 'quote':
      return { type: 'quote', quote: record.res as QuoteView };
    case 'trade':
    case 'tradeQuote':
      return { type: 'trade', trade: record.res as TradeView };
  }
}

/** How an order left the book, from the record that ended it. */
export function describeEnd(orderId: number, end: OperationRecord): string {
  const when = iso(end.at);
  switch (end.cmd.type) {
    case 'remove':
      return `order ${orderId} was removed at ${when} (operation ${end.op})`;
    case 'modify':
      return `order ${orderId} was removed by a modify to amount 0 at ${when} (operation ${end.op})`;
    default:
      return `order ${orderId} was filled by trade ${(end.res as TradeView).tradeId} at ${when}`;
  }
}

/** Whether a record is found by `key` (one of its `recordKeys`); an op id, the usual question, is answered without listing them. */
export function hasKey(record: NewRecord, key: string): boolean {
  if (key.startsWith('o:')) return key.length === record.op.length + 2 && key.endsWith(record.op);
  return recordKeys(record).includes(key);
}

/** The op id a command runs under when none is given and none is natural. */
function naturalOpId(command: Command): string | undefined {
  return command.type === 'tradeQuote' ? `quote:${command.quoteId}` : undefined;
}

/** A replay's outcome; its result and notice are built only if someone looks (a re-import of a million rows does not). */
function replay(opId: string, original: OperationRecord, notice: () => string): Decision {
  return {
    outcome: {
      opId,
      status: 'replayed',
      get result() {
        return resultOf(original);
      },
      get notice() {
        return notice();
      },
    },
  };
}

function unchanged(opId: string, result: Result, notice: string): Decision {
  return { outcome: { opId, status: 'unchanged', result, notice } };
}

export class Ledger {
  private readonly engine: OrderManager;
  readonly counters: LedgerCounters;
  private now = 0;

  constructor(
    readonly convention: Convention,
    private readonly newOpId: () => string,
    counters: LedgerCounters = emptyCounters(),
  ) {
    this.engine = new OrderManager(convention, () => this.now);
    this.counters = { ...counters };
  }

  /**
   * The past facts `command` needs to be decided, whatever the state holds
   * now (a batch fetches them before the rows ahead of it run). Called again
   * with what was fetched, it may ask for more: a quote's book is known only
   * once the quote is. A generated op id is new, so it needs no lookup.
   */
  needs(command: Command, explicitOpId: string | undefined, facts: Facts = new Map()): Needs {
    const opId = explicitOpId ?? naturalOpId(command);
    const keys = opId === undefined ? [] : [`o:${opId}`];
    const symbols: string[] = [];
    const orders: number[] = [];
    switch (command.type) {
      case 'add':
        keys.push(`i:${command.orderId}`);
        symbols.push(command.symbol);
        orders.push(command.orderId);
        break;
      case 'remove':
      case 'modify':
        keys.push(`e:${command.orderId}`);
        orders.push(command.orderId);
        break;
      case 'quote':
      case 'trade':
        symbols.push(command.symbol);
        break;
      case 'tradeQuote': {
        keys.push(`q:${command.quoteId}`, `x:${command.quoteId}`);
        const quote = facts.get(`q:${command.quoteId}`);
        if (quote?.cmd.type === 'quote') symbols.push(quote.cmd.symbol);
        break;
      }
    }
    return { keys, symbols, orders };
  }

  /**
   * Decides what a command does at time `at`, given the facts its `needs`
   * named. Throws OmsError when it is rejected, in which case nothing changed.
   * When the decision has a record, the state has changed and the caller must
   * commit the record.
   */
  execute(command: Command, explicitOpId: string | undefined, at: number, facts: Facts): Decision {
    const opId = explicitOpId ?? naturalOpId(command) ?? this.newOpId();
    const prior = facts.get(`o:${opId}`);
    if (prior) {
      if (commandKey(prior.cmd) !== commandKey(command)) {
        throw new OmsError(
          'OP_ID_CONFLICT',
          `operation id ${JSON.stringify(opId)} was already used at ${iso(prior.at)} for a different ${prior.cmd.type}`,
          { field: 'opId', value: opId },
        );
      }
      return replay(opId, prior, () => `operation ${opId} was already applied at ${iso(prior.at)}: nothing changed`);
    }
    switch (command.type) {
      case 'add':
        return this.add(command, opId, at, facts);
      case 'remove':
        return this.remove(command.orderId, opId, at, facts);
      case 'modify':
        return this.modify(command, opId, at, facts);
      case 'quote':
        return this.quote(command, opId, at);
      case 'trade':
        return this.trade(command, opId, at, null, command);
      case 'tradeQuote':
        return this.tradeQuote(command, opId, at, facts);
    }
  }

  private add(command: Command & { type: 'add' }, opId: string, at: number, facts: Facts): Decision {
    const first = facts.get(`i:${command.orderId}`);
    const live = this.engine.get(command.orderId);
    if (first || live) {
      if (first && commandKey(first.cmd) === commandKey(command)) {
        return replay(first.op, first, () => `order ${command.orderId} was already added with these fields at ${iso(first.at)}: nothing changed`);
      }
      const when = first ? ` (added at ${iso(first.at)})` : '';
      throw new OmsError(
        'DUPLICATE_ORDER_ID',
        `order ${command.orderId} ${live ? 'already exists' : 'existed before'}${when} with different fields; order ids are never reused`,
        { field: 'orderId', value: String(command.orderId) },
      );
    }
    return this.commit({ at, op: opId, cmd: command });
  }

  private remove(orderId: number, opId: string, at: number, facts: Facts): Decision {
    if (this.engine.get(orderId)) return this.commit({ at, op: opId, cmd: { type: 'remove', orderId } });
    return unchanged(opId, { type: 'remove', removed: false }, `${goneMessage(orderId, facts)}; nothing to remove`);
  }

  private modify(command: Command & { type: 'modify' }, opId: string, at: number, facts: Facts): Decision {
    const entry = this.engine.get(command.orderId);
    if (!entry) {
      throw new OmsError('ORDER_NOT_FOUND', goneMessage(command.orderId, facts), { field: 'orderId', value: String(command.orderId) });
    }
    const amount = command.amount ?? entry.amount;
    const price = command.price === undefined ? entry.price : parsePrice(command.price);
    if (amount === entry.amount && price === entry.price) {
      return unchanged(
        opId,
        { type: 'modify', order: orderView(entry), removed: false },
        `order ${command.orderId} already has amount ${amount} and price ${formatScaled(price)}: nothing changed`,
      );
    }
    return this.commit({ at, op: opId, cmd: command });
  }

  private quote(command: Command & { type: 'quote' }, opId: string, at: number): Decision {
    const raw = this.engine.preview(command.symbol, command.side, command.amount, command.partial);
    const quote: QuoteView = {
      ...this.executionView(command.symbol, command.side, raw),
      quoteId: this.counters.nextQuoteId,
      opId,
      client: command.client,
      expiresAt: iso(at + command.ttl * 1000),
    };
    return this.commit({ at, op: opId, cmd: command, res: quote });
  }

  private trade(
    request: { symbol: string; side: Side; amount: number; client: string | null; partial: boolean },
    opId: string,
    at: number,
    quoteId: number | null,
    command: Command,
  ): Decision {
    // Rejects for liquidity before anything moves.
    this.engine.measure(request.symbol, request.side, request.amount, request.partial);
    return this.commit({ at, op: opId, cmd: command }, { ...request, quoteId });
  }

  private tradeQuote(command: TradeQuoteCommand, opId: string, at: number, facts: Facts): Decision {
    const quoteRecord = facts.get(`q:${command.quoteId}`);
    if (!quoteRecord || quoteRecord.cmd.type !== 'quote') {
      throw new OmsError('QUOTE_NOT_FOUND', `quote ${command.quoteId} not found`, { field: 'quoteId', value: String(command.quoteId) });
    }
    const quote = quoteRecord.res as QuoteView;
    const executed = facts.get(`x:${command.quoteId}`);
    if (executed) {
      throw new OmsError(
        'QUOTE_USED',
        `quote ${command.quoteId} was already executed as trade ${(executed.res as TradeView).tradeId} at ${iso(executed.at)} (operation ${executed.op})`,
        { field: 'quoteId', value: String(command.quoteId) },
      );
    }
    if (at >= Date.parse(quote.expiresAt)) {
      throw new OmsError('QUOTE_EXPIRED', `quote ${command.quoteId} expired at ${quote.expiresAt}`, { field: 'quoteId', value: String(command.quoteId) });
    }
    const asked = quoteRecord.cmd;
    let now: { filled: number; total: number | bigint } | undefined;
    try {
      now = this.engine.measure(asked.symbol, asked.side, asked.amount, asked.partial);
    } catch {
      now = undefined;
    }
    if (!now || now.filled !== quote.filled || formatScaled(now.total) !== quote.total) {
      const current = now ? `${now.filled} for ${formatScaled(now.total)}` : 'not enough liquidity';
      throw new OmsError(
        'PRICE_MOVED',
        `quote ${command.quoteId} was ${quote.filled} for ${quote.total}; the book now gives ${current}`,
        { field: 'quoteId', value: String(command.quoteId) },
      );
    }
    return this.trade(
      { symbol: asked.symbol, side: asked.side, amount: asked.amount, client: asked.client, partial: asked.partial },
      opId,
      at,
      command.quoteId,
      command,
    );
  }

  /** Applies a new record, completes its result and counts it. */
  private commit(record: NewRecord, trade?: TradeRequest & { client: string | null; quoteId: number | null }): Decision {
    const raw = this.apply(record, trade);
    if (raw && trade) {
      const view = this.executionView(raw.symbol, raw.side, raw.execution);
      record.res = {
        tradeId: this.counters.nextTradeId - 1,
        symbol: view.symbol,
        side: view.side,
        requested: view.requested,
        filled: view.filled,
        total: view.total,
        partial: view.partial,
        fills: view.fills,
        client: trade.client,
        quoteId: trade.quoteId,
        opId: record.op,
        executedAt: iso(record.at),
      } satisfies TradeView;
      record.ended = raw.ended;
    }
    // The result is built only if someone looks (an import of a million rows does not).
    return {
      record,
      outcome: {
        opId: record.op,
        status: 'applied',
        get result() {
          return resultOf(record);
        },
      },
    };
  }

  /**
   * Applies a record's effect: for a new operation just decided, or for one
   * read back from the journal. Trades are re-walked (the book is the same,
   * so the fills are), which replay checks against what was recorded.
   */
  apply(record: NewRecord, fresh?: TradeRequest): { symbol: string; side: Side; execution: RawExecution; ended: number[] } | undefined {
    this.now = record.at;
    const cmd = record.cmd;
    this.counters.operations++;
    switch (cmd.type) {
      case 'add':
        this.engine.add(cmd.orderId, cmd.symbol, cmd.side, cmd.amount, parsePrice(cmd.price), cmd.source);
        return undefined;
      case 'remove':
        this.engine.remove(cmd.orderId);
        return undefined;
      case 'modify': {
        const outcome = this.engine.modify(cmd.orderId, cmd.amount, cmd.price === undefined ? undefined : parsePrice(cmd.price));
        if (!record.res) record.res = { order: outcome.removed ? null : orderView(outcome.entry), removed: outcome.removed };
        return undefined;
      }
      case 'quote': {
        const quote = record.res as QuoteView;
        this.counters.nextQuoteId = Math.max(this.counters.nextQuoteId, quote.quoteId + 1);
        this.counters.quotes++;
        return undefined;
      }
      case 'trade':
      case 'tradeQuote': {
        const stored = record.res as TradeView | undefined;
        // A recorded trade is re-walked allowing partial: it filled what it
        // recorded on this same book, so it fills the same again.
        const request = stored ? { symbol: stored.symbol, side: stored.side, amount: stored.requested, partial: true } : fresh;
        if (!request) throw new OmsError('STATE_CORRUPT', `trade operation ${record.op} has no recorded result`);
        const execution = this.engine.trade(request.symbol, request.side, request.amount, request.partial);
        if (stored && (execution.filled !== stored.filled || formatScaled(execution.total) !== stored.total)) {
          throw new OmsError('STATE_CORRUPT', `trade ${stored.tradeId} does not replay to what was recorded (${stored.filled} for ${stored.total})`);
        }
        this.counters.nextTradeId = stored ? Math.max(this.counters.nextTradeId, stored.tradeId + 1) : this.counters.nextTradeId + 1;
        this.counters.trades++;
        const ended = execution.fills.filter((fill) => !this.engine.get(fill.orderId)).map((fill) => fill.orderId);
        return { symbol: request.symbol, side: request.side, execution, ended };
      }
    }
  }

  /** Puts back an order a snapshot kept (restoring a state, not an operation). */
  restoreOrder(orderId: number, symbol: string, side: Side, amount: number, price: number, source: string | null, acceptedAt: number): void {
    this.engine.restore(orderId, symbol, side, amount, price, source, acceptedAt);
  }

  private executionView(symbol: string, side: Side, raw: RawExecution): Execution {
    return {
      symbol,
      side,
      requested: raw.requested,
      filled: raw.filled,
      total: formatScaled(raw.total),
      partial: raw.filled < raw.requested,
      fills: raw.fills.map(fillView),
    };
  }

  // ---- reading: copies, never the engine's own objects ---------------------

  get orderCount(): number {
    return this.engine.orderCount;
  }

  /** Symbols that have had an order, A-Z. */
  symbols(): string[] {
    return this.engine.symbols();
  }

  isLive(orderId: number): boolean {
    return this.engine.get(orderId) !== undefined;
  }

  /** A live order, or undefined. */
  order(orderId: number): Order | undefined {
    const entry = this.engine.get(orderId);
    return entry ? orderView(entry) : undefined;
  }

  /** Live orders, symbols A-Z, each book side in priority order. */
  *orders(symbol?: string, side?: Side): Generator<Order> {
    for (const entry of this.engine.entries(symbol, side)) yield orderView(entry);
  }

  /** Live orders as snapshot rows need them (price as the scaled integer, time in ms). */
  *orderRows(): Generator<{ orderId: number; symbol: string; side: Side; amount: number; price: number; source: string | null; acceptedAt: number }> {
    for (const entry of this.engine.entries()) {
      const bookSide = entry.level!.side;
      yield { orderId: entry.orderId, symbol: bookSide.symbol, side: bookSide.side, amount: entry.amount, price: entry.price, source: entry.source, acceptedAt: entry.acceptedAt };
    }
  }

  book(symbol: string, options: BookViewOptions = {}): BookView {
    return bookView(this.engine, symbol, options);
  }

  /** Read-only pricing with fills: what `oms price` shows. */
  price(symbol: string, side: Side, amount: number, partial: boolean): Execution {
    return this.executionView(symbol, side, this.engine.preview(symbol, side, amount, partial));
  }

  /** An order, live or how it went, given the facts `statusNeeds` names. */
  orderStatus(orderId: number, facts: Facts): OrderStatus {
    const entry = this.engine.get(orderId);
    if (entry) return { status: 'live', order: orderView(entry) };
    const added = facts.get(`i:${orderId}`);
    const ended = facts.get(`e:${orderId}`);
    if (!added || !ended) {
      throw new OmsError('ORDER_NOT_FOUND', `order ${orderId} not found`, { field: 'orderId', value: String(orderId) });
    }
    const filled = ended.cmd.type === 'trade' || ended.cmd.type === 'tradeQuote';
    return {
      status: filled ? 'filled' : 'removed',
      order: (resultOf(added) as Result & { type: 'add' }).order,
      endedAt: iso(ended.at),
      endedBy: { opId: ended.op, tradeId: filled ? (ended.res as TradeView).tradeId : null },
      how: describeEnd(orderId, ended),
    };
  }
}

/** The facts `orderStatus` needs about an order that is not live. */
export function statusNeeds(orderId: number): string[] {
  return [`i:${orderId}`, `e:${orderId}`];
}

function goneMessage(orderId: number, facts: Facts): string {
  const ended = facts.get(`e:${orderId}`);
  if (ended) return describeEnd(orderId, ended);
  throw new OmsError('ORDER_NOT_FOUND', `order ${orderId} not found: it never existed`, { field: 'orderId', value: String(orderId) });
}
