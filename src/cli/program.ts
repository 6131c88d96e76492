// The command-line surface (SPEC §3) as commander sees it: names, arguments,
// options, help with examples. Each action loads its command module only when
// it runs, so `oms add` does not pay for tables, CSV or prompts.

import { Argument, Command, Option } from 'commander';
import type { CommandOutput } from './output.js';
import type { CliContext } from './context.js';
import { CONVENTIONS_HELP } from '../text/convention.js';
import { HELP_TOPICS } from '../text/help-topics.js';

export type CommandRunner<T> = (options: T, ctx: CliContext) => Promise<CommandOutput>;

/** Runs a command module's `run` with the parsed options; supplied by the caller. */
export type Dispatch = (load: () => Promise<CommandRunner<never>>, options: object, command: Command) => Promise<void>;

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** The global options that take a value (`--state x.json`), as the program declares them. */
export function valuedGlobals(program: Command): Set<string> {
  return new Set(program.options.filter((option) => option.required || option.optional).map((option) => option.long as string));
}

export function buildProgram(version: string, dispatch: Dispatch): Command {
  const program = new Command('oms');
  program
    .description('Order books per symbol: price requests, quote, trade, and keep every change in a crash-safe journaled state file.')
    .version(version, '-V, --version', 'print the oms version')
    .helpOption('-h, --help', 'show help')
    .option('--state <path>', 'state file (default: $OMS_STATE, else ./oms-state.json)')
    .option('--json', 'print exactly one JSON document on stdout (errors too)')
    .option('-q, --quiet', 'no notices or progress on stderr (errors still)')
    .option('--no-color', 'no colour (also NO_COLOR=1 or TERM=dumb)')
    .option('--no-input', 'never prompt; interactive mode refuses')
    .option('--op-id <id>', 'operation id for this mutation: rerunning with the same id changes nothing twice')
    .option('--lock-timeout <seconds>', 'how long a writer waits for the state lock', '10')
    .showSuggestionAfterError(true)
    // Ours, below: it also knows the reference topics.
    .helpCommand(false)
    .addHelpText(
      'after',
      `
Exit codes: 0 done (also a replay), 1 internal error, 2 usage or invalid argument,
3 rejected (unknown order, duplicate id, liquidity, quote, op-id conflict),
4 state (or an s3:// import's store) unusable, 5 state locked, 6 import data invalid, 130/143 interrupted.

${CONVENTIONS_HELP}

Reference: oms help ${Object.keys(HELP_TOPICS).join(' | ')}
Shell completion: eval "$(oms completion bash)" (or zsh; fish: oms completion fish | source)
${examples('oms add 1 JPM buy 20 20', 'oms quote JPM buy 22 --client acme', 'oms --json trade --quote 1', 'oms book JPM')}`,
    );

  const action =
    <T>(load: () => Promise<CommandRunner<T>>, toOptions: (args: string[], options: Record<string, unknown>) => T) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const options = args[args.length - 2] as Record<string, unknown>;
      const positional = args.slice(0, -2) as string[];
      await dispatch(load as () => Promise<CommandRunner<never>>, toOptions(positional, options) as object, command);
    };

  program.commandsGroup('Orders:');
  program
    .command('init')
    .description('create a state, choosing the pricing convention (it never changes)')
    .addOption(
      new Option('--convention <name>', 'document: a request walks its own side; market: it walks the opposite side (default: document; on an existing state: its own)').choices([
        'document',
        'market',
      ]),
    )
    .addHelpText('after', `${examples('oms init', 'oms --state desk.json init --convention market')}\n${CONVENTIONS_HELP}\n`)
    .action(action(async () => (await import('./commands/init.js')).runInit, (_args, o) => (o['convention'] === undefined ? {} : { convention: o['convention'] as string })));

  program
    .command('add')
    .description('add an order')
    .argument('<orderId>', 'positive whole number, unique for the life of the state')
    .argument('<symbol>', '1-16 of A-Z 0-9 . _ -, any case')
    .argument('<side>', 'buy or sell (b, s)')
    .argument('<amount>', 'positive whole number')
    .argument('<price>', 'positive decimal, at most 8 decimal places')
    .option('--source <text>', 'where the order came from (at most 64 characters)')
    .addHelpText('after', examples('oms add 1 JPM buy 20 20', 'oms add 2 GOOG sell 12 25.125 --source desk-a'))
    .action(
      action(async () => (await import('./commands/add.js')).runAdd, ([orderId, symbol, side, amount, price], o) => ({
        orderId: orderId!,
        symbol: symbol!,
        side: side!,
        amount: amount!,
        price: price!,
        ...(o['source'] !== undefined ? { source: o['source'] as string } : {}),
      })),
    );

  program
    .command('modify')
    .description('set a live order\'s amount and/or price (amount 0 removes it)')
    .argument('<orderId>')
    .option('--amount <n>', 'new amount (0 removes the order)')
    .option('--price <p>', 'new price')
    .addHelpText('after', `${examples('oms modify 4 --amount 8', 'oms modify 4 --price 21.5 --amount 12')}
A price change or an amount increase sends the order to the back of its price level;
a pure decrease keeps its place.\n`)
    .action(
      action(async () => (await import('./commands/modify.js')).runModify, ([orderId], o) => ({
        orderId: orderId!,
        ...(o['amount'] !== undefined ? { amount: o['amount'] as string } : {}),
        ...(o['price'] !== undefined ? { price: o['price'] as string } : {}),
      })),
    );

  program
    .command('remove')
    .description('remove an order (an order already gone is a no-op, exit 0)')
    .argument('<orderId>')
    .addHelpText('after', examples('oms remove 3'))
    .action(action(async () => (await import('./commands/remove.js')).runRemove, ([orderId]) => ({ orderId: orderId! })));

  program.commandsGroup('Pricing and trading:');
  program
    .command('price')
    .description('read-only calculatePrice: total for an amount now (no lock, nothing stored)')
    .argument('<symbol>')
    .argument('<side>')
    .argument('<amount>')
    .option('--partial', 'price what is available instead of failing')
    .addHelpText('after', `${examples('oms price JPM buy 22', 'oms --json price JPM buy 1000 --partial')}\nWhich side a request walks depends on the state's convention:\n${CONVENTIONS_HELP}\n`)
    .action(
      action(async () => (await import('./commands/price.js')).runPrice, ([symbol, side, amount], o) => ({
        symbol: symbol!,
        side: side!,
        amount: amount!,
        partial: o['partial'] === true,
      })),
    );

  program
    .command('quote')
    .description('price a request and store the quote for a later trade --quote')
    .argument('<symbol>')
    .argument('<side>')
    .argument('<amount>')
    .option('--client <name>', 'who the quote is for')
    .option('--ttl <seconds>', 'how long the quote can be traded', '60')
    .option('--partial', 'quote what is available instead of failing')
    .addHelpText('after', examples('oms quote JPM buy 22 --client acme', 'oms quote JPM buy 22 --ttl 300'))
    .action(
      action(async () => (await import('./commands/quote.js')).runQuote, ([symbol, side, amount], o) => ({
        symbol: symbol!,
        side: side!,
        amount: amount!,
        ttl: o['ttl'] as string,
        partial: o['partial'] === true,
        ...(o['client'] !== undefined ? { client: o['client'] as string } : {}),
      })),
    );

  program
    .command('trade')
    .description('trade an amount at the current book, or execute a stored quote')
    .argument('[symbol]')
    .argument('[side]')
    .argument('[amount]')
    .option('--quote <quoteId>', 'execute this quote (only if unexpired, unused and the book still gives the same total)')
    .option('--client <name>', 'who the trade is for')
    .option('--partial', 'fill what is available instead of failing')
    .addHelpText(
      'after',
      `${examples('oms trade --quote 1', 'oms --op-id nightly-17 trade JPM buy 22 --client acme')}
Trades are not naturally idempotent: scripts pass --op-id, or trade a quote
(rerunning trade --quote Q is a replay).\n`,
    )
    .action(
      action(async () => (await import('./commands/trade.js')).runTrade, ([symbol, side, amount], o) => ({
        ...(symbol !== undefined ? { symbol } : {}),
        ...(side !== undefined ? { side } : {}),
        ...(amount !== undefined ? { amount } : {}),
        ...(o['quote'] !== undefined ? { quote: o['quote'] as string } : {}),
        ...(o['client'] !== undefined ? { client: o['client'] as string } : {}),
        partial: o['partial'] === true,
      })),
    );

  program.commandsGroup('Looking:');
  program
    .command('order')
    .description('one order: live, or how it left the book')
    .argument('<orderId>')
    .addHelpText('after', examples('oms order 4'))
    .action(action(async () => (await import('./commands/order.js')).runOrder, ([orderId]) => ({ orderId: orderId! })));

  program
    .command('book')
    .description('both sides of a symbol in priority order, by price level')
    .argument('<symbol>')
    .option('--depth <n>', 'price levels per side', '10')
    .option('--orders', 'list the orders of each level')
    .addHelpText('after', examples('oms book JPM', 'oms book JPM --depth 3 --orders'))
    .action(
      action(async () => (await import('./commands/book.js')).runBook, ([symbol], o) => ({
        symbol: symbol!,
        depth: o['depth'] as string,
        orders: o['orders'] === true,
      })),
    );

  program
    .command('orders')
    .description('live orders (symbols A-Z, each book in priority order)')
    .option('--symbol <symbol>', 'only this symbol')
    .option('--side <side>', 'only this side')
    .addHelpText('after', examples('oms orders', 'oms orders --symbol JPM --side buy', 'oms --json orders | jq .orders[].orderId'))
    .action(
      action(async () => (await import('./commands/orders.js')).runOrders, (_args, o) => ({
        ...(o['symbol'] !== undefined ? { symbol: o['symbol'] as string } : {}),
        ...(o['side'] !== undefined ? { side: o['side'] as string } : {}),
      })),
    );

  program
    .command('trades')
    .description('executed trades, newest first')
    .option('--symbol <symbol>', 'only this symbol')
    .option('--client <name>', 'only this client')
    .option('--limit <n>', 'at most this many', '50')
    .addHelpText('after', examples('oms trades', 'oms trades --client acme --limit 5'))
    .action(
      action(async () => (await import('./commands/trades.js')).runTrades, (_args, o) => ({
        limit: o['limit'] as string,
        ...(o['symbol'] !== undefined ? { symbol: o['symbol'] as string } : {}),
        ...(o['client'] !== undefined ? { client: o['client'] as string } : {}),
      })),
    );

  program
    .command('history')
    .description('the operations journal, newest first')
    .option('--limit <n>', 'at most this many', '50')
    .addHelpText('after', examples('oms history --limit 10'))
    .action(action(async () => (await import('./commands/history.js')).runHistory, (_args, o) => ({ limit: o['limit'] as string })));

  program.commandsGroup('Data:');
  program
    .command('import')
    .description('apply a CSV file of orders as one all-or-nothing batch')
    .argument('<file>', 'a CSV file, - for stdin, or s3://bucket/key (AWS_* environment)')
    .option('--dry-run', 'check every row against the state and report; change nothing')
    .option('--continue-on-error', 'apply the good rows, report the bad ones')
    .option('--rejects <file>', 'with --continue-on-error: write the bad rows here, with an error column')
    .option('--batch <name>', 'batch name for the rows\' operation ids (default: the file\'s base name)')
    .option('--ignore-columns <names>', 'comma-separated header names of extra columns to skip (a spreadsheet\'s own)')
    .option('--decimal-comma', 'prices are written 25,125 (a spreadsheet from a comma-decimal locale; usually a ; delimited file)')
    .addHelpText(
      'after',
      `${examples('oms import orders.csv', 'oms import - < orders.csv', 'oms import daily.csv --batch 2026-11-25', 'oms import big.csv --continue-on-error --rejects bad.csv', 'oms import export.csv --decimal-comma --ignore-columns "Trader, Notes"', 'AWS_ENDPOINT_URL=http://minio:9000 oms import s3://orders/today.csv')}
Columns (header required, any order; names match whatever their case, spaces and
punctuation, so "Order ID" is order_id): action (add|modify|remove|trade, default
add), order_id, symbol, side, amount, price, source, client, op_id. Other columns
are refused unless named in --ignore-columns; see oms help csv.
Re-importing a file changes nothing; rows appended since apply. A daily file with
the same name whose rows repeat yesterday's trades needs --batch or op_id cells.\n`,
    )
    .action(
      action(async () => (await import('./commands/import.js')).runImport, ([file], o) => ({
        file: file!,
        dryRun: o['dryRun'] === true,
        continueOnError: o['continueOnError'] === true,
        ...(o['rejects'] !== undefined ? { rejects: o['rejects'] as string } : {}),
        ...(o['batch'] !== undefined ? { batch: o['batch'] as string } : {}),
        ...(o['ignoreColumns'] !== undefined ? { ignoreColumns: o['ignoreColumns'] as string } : {}),
        decimalComma: o['decimalComma'] === true,
      })),
    );

  program
    .command('export')
    .description('CSV of live orders (re-importable) or trades (for spreadsheets)')
    .addArgument(new Argument('<what>', 'orders or trades').choices(['orders', 'trades']))
    .option('--output <file>', 'write to this file instead of stdout')
    .addHelpText('after', examples('oms export orders > book.csv', 'oms export trades --output trades.csv'))
    .action(
      action(async () => (await import('./commands/export.js')).runExport, ([what], o) => ({
        what: what!,
        ...(o['output'] !== undefined ? { output: o['output'] as string } : {}),
      })),
    );

  program.commandsGroup('State:');
  program
    .command('status')
    .description('counts, symbols, convention, sizes, lock holder')
    .addHelpText('after', examples('oms status', 'oms --json status'))
    .action(action(async () => (await import('./commands/status.js')).runStatus, () => ({})));

  program
    .command('doctor')
    .description('verify a state and explain any damage (exit 0 healthy, 4 damaged)')
    .option('--salvage <newPath>', 'write a new healthy state from everything intact; the original is never touched')
    .addHelpText('after', examples('oms doctor', 'oms doctor --salvage recovered.json'))
    .action(
      action(async () => (await import('./commands/doctor.js')).runDoctor, (_args, o) => ({
        ...(o['salvage'] !== undefined ? { salvage: o['salvage'] as string } : {}),
      })),
    );

  program
    .command('copy')
    .description('copy a whole state, history and op ids included, into an empty location (a file or a postgres:// URL)')
    .argument('<from>', 'a state file or a postgres:// URL')
    .argument('<to>', 'a new or empty state file or postgres:// URL')
    .addHelpText('after', examples('oms copy oms-state.json postgres://me@db/desk', "oms copy 'postgres://me@db/desk?schema=oms' backup.json"))
    .action(action(async () => (await import('./commands/copy.js')).runCopy, ([from, to]) => ({ from: from as string, to: to as string })));

  program.commandsGroup('Other ways in:');
  program
    .command('serve')
    .description('the HTTP API over the same state and rules')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--token-file <file>', 'bearer token required on every route but /healthz (also $OMS_TOKEN)')
    .option('--drain-ms <ms>', 'after SIGTERM, keep serving this long with /readyz at 503 so a load balancer takes the server out first', '2000')
    .option('--inbox <location>', 'load .csv order files dropped into this directory or s3://bucket/prefix/ (docs/object-store.md)')
    .option('--inbox-interval <seconds>', 'how often to look in the inbox', '2')
    .addHelpText('after', examples('oms serve', 'OMS_TOKEN=s3cret oms serve --host 0.0.0.0 --port 9000', 'oms serve --inbox s3://orders/incoming/'))
    .action(
      action(async () => (await import('./commands/serve.js')).runServe, (_args, o) => ({
        host: o['host'] as string,
        port: o['port'] as string,
        drainMs: o['drainMs'] as string,
        ...(o['tokenFile'] !== undefined ? { tokenFile: o['tokenFile'] as string } : {}),
        ...(o['inbox'] !== undefined ? { inbox: o['inbox'] as string } : {}),
        inboxInterval: o['inboxInterval'] as string,
      })),
    );

  program
    .command('interactive')
    .description('guided prompt mode (also bare `oms` on a terminal)')
    .addHelpText('after', examples('oms interactive', 'oms --state desk.json'))
    .action(action(async () => (await import('./commands/interactive.js')).runInteractive, () => ({})));

  program.commandsGroup('Help:');
  program
    .command('completion')
    .description('shell completion script: commands, options, symbols and order ids from the state')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      `${examples('eval "$(oms completion bash)"    # in ~/.bashrc', 'eval "$(oms completion zsh)"     # in ~/.zshrc', 'oms completion fish > ~/.config/fish/completions/oms.fish')}
Symbols and order ids are read from the state named by --state on the line being
completed (else $OMS_STATE, else ./oms-state.json).\n`,
    )
    .action(action(async () => (await import('./commands/completion.js')).runCompletion, ([shell]) => ({ shell: shell!, program })));

  program
    .command('help')
    .description('help for a command, or a reference topic: ' + Object.keys(HELP_TOPICS).join(', '))
    .argument('[topic]', `a command, or one of: ${Object.entries(HELP_TOPICS).map(([name, topic]) => `${name} (${topic.summary})`).join('; ')}`)
    .addHelpText('after', examples('oms help exit-codes', 'oms help csv', 'oms help add'))
    .action(action(async () => (await import('./commands/help.js')).runHelp, ([topic]) => ({ ...(topic !== undefined ? { topic } : {}), program })));

  // What the completion scripts call for symbols and order ids (not for people).
  program
    .command('__complete', { hidden: true })
    .argument('<kind>')
    .argument('[prefix]')
    .action(
      action(async () => (await import('./commands/complete.js')).runComplete, ([kind, prefix]) => ({ kind: kind!, ...(prefix !== undefined ? { prefix } : {}) })),
    );

  return program;
}
