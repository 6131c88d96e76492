// `oms help <topic>`: the reference a user otherwise has to find in the
// README, at the terminal: exit codes, CSV columns, conventions and the
// environment variables oms reads.

import { CONVENTIONS_HELP } from './convention.js';

export const HELP_TOPICS: Record<string, { summary: string; text: string }> = {
  'exit-codes': {
    summary: 'what each exit code means (stable, for scripts)',
    text: `Exit codes (stable; with --json the error's "code" says the same):
  0        done (also a replayed operation, and a no-op such as removing an order already gone)
  1        internal error: a bug in oms (INTERNAL); rerun with OMS_DEBUG=1 and report it
  2        usage or invalid argument (INVALID_ARGUMENT): unknown command or option,
           malformed number, missing argument, a value out of range
  3        rejected by the order manager: ORDER_NOT_FOUND, DUPLICATE_ORDER_ID,
           INSUFFICIENT_LIQUIDITY, QUOTE_NOT_FOUND, QUOTE_EXPIRED, QUOTE_USED,
           PRICE_MOVED, OP_ID_CONFLICT
  4        state unusable: corrupt (STATE_CORRUPT), unreadable, permission denied,
           disk full (STATE_IO); oms doctor explains
  5        state locked by another process past --lock-timeout (STATE_LOCKED)
  6        import data invalid (CSV_INVALID); nothing applied unless --continue-on-error
  130/143  interrupted by SIGINT/SIGTERM (INTERRUPTED); nothing half-applied
Reads of a state that does not exist, and a book of a symbol it has no book for,
are not errors: they show an empty result (exit 0) and say so on stderr.`,
  },
  csv: {
    summary: 'the columns oms import reads and oms export writes',
    text: `oms import FILE (or - for stdin): a header row, then one row per operation.
  Columns, in any order: action (add|modify|remove|trade; empty means add),
  order_id, symbol, side, amount, price, source, client, op_id.
  Header names match whatever their case, spaces and punctuation ("Order ID" is
  order_id). An "error" column (what --rejects writes) is ignored; any other
  column is refused unless named in --ignore-columns "Notes, Trader".
  add: order_id symbol side amount price [source]    modify: order_id amount and/or price
  remove: order_id                                    trade: symbol side amount [client]
  Delimiter , ; or tab, told from the header; UTF-8 with or without BOM, or UTF-16
  with a BOM; CRLF or LF; quoted cells; blank lines skipped.
  Numbers a spreadsheet mangled (1.23457E+15, 1,000) are errors naming the cell.
  --decimal-comma reads prices written 25,125 (a comma-decimal locale's sheet);
  there a "." would be a thousands separator, which is refused, never guessed.
  All or nothing by default; --continue-on-error --rejects bad.csv applies the good
  rows. A row's operation id is its op_id cell, else derived from --batch (default:
  the file's base name) and the row, so re-importing a file changes nothing.
oms export orders: action,order_id,symbol,side,amount,price,source (re-importable).
oms export trades: trade_id,symbol,side,requested,filled,total,client,quote_id,op_id,executed_at.
  Text cells starting with = + - @ are prefixed with ' so a spreadsheet does not run them.`,
  },
  conventions: {
    summary: 'which side of the book a request walks',
    text: `${CONVENTIONS_HELP}
  The convention is stored in the state when it is created (by oms init, or by the
  first change) and never changes; oms status, book and price show it. To use the
  other one, create a new state: oms --state NEW.json init --convention market.`,
  },
  environment: {
    summary: 'the environment variables oms reads',
    text: `Environment variables:
  OMS_STATE     the state file when --state is not given (default ./oms-state.json)
  OMS_TOKEN     oms serve: the bearer token every route but /healthz requires
                (or --token-file)
  NO_COLOR      any value: no colour (as --no-color)
  FORCE_COLOR   1-3: colour even when not on a terminal; 0: none
  TERM          dumb: no colour and no table borders
  COLORTERM     truecolor or 24bit: full colour
  OMS_DEBUG     any value: print the stack trace of an internal error
Shell completion: oms completion bash|zsh|fish (see oms completion --help).`,
  },
};
