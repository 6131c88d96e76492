// JSON Schemas for every route's body, path and query. They check only the
// shape (which fields, which JSON types) and reject unknown fields; the
// values themselves are checked by the same parsers the CLI uses, so both
// accept exactly the same inputs with the same messages.

/** Ids and amounts: a JSON number or a string of digits (the core parses both). */
const wholeNumber = { type: ['integer', 'string'], description: 'a whole number (a JSON number or a string of digits)' };
/** Prices are decimal strings only: a JSON number may already have been rounded by the parser. */
const decimal = { type: 'string', description: 'a decimal in a JSON string, such as "20.5"' };
const word = { type: 'string' };
const text = { type: ['string', 'null'] };
/** A query flag: ?partial=true. */
const flag = { type: 'string', enum: ['true', 'false'], description: 'true or false' };

function object(properties: Record<string, unknown>, required: string[] = [], extra: Record<string, unknown> = {}) {
  return { type: 'object', additionalProperties: false, properties, required, ...extra };
}

export const noQuery = object({});

export const orderIdParams = object({ id: word }, ['id']);
export const symbolParams = object({ symbol: word }, ['symbol']);

export const addOrderBody = object(
  { orderId: wholeNumber, symbol: word, side: word, amount: wholeNumber, price: decimal, source: text },
  ['orderId', 'symbol', 'side', 'amount', 'price'],
);
export const modifyOrderBody = object({ amount: wholeNumber, price: decimal }, [], { minProperties: 1 });
export const quoteBody = object(
  { symbol: word, side: word, amount: wholeNumber, client: text, ttl: wholeNumber, partial: { type: 'boolean' } },
  ['symbol', 'side', 'amount'],
);
/** Either a request to trade now or a quote to execute; which one is decided in the route. */
export const tradeBody = object({ symbol: word, side: word, amount: wholeNumber, client: text, partial: { type: 'boolean' }, quoteId: wholeNumber });

export const ordersQuery = object({ symbol: word, side: word, limit: word, offset: word });
export const bookQuery = object({ depth: word, orders: flag });
export const priceQuery = object({ symbol: word, side: word, amount: word, partial: flag }, ['symbol', 'side', 'amount']);
export const tradesQuery = object({ symbol: word, client: word, limit: word });
export const historyQuery = object({ limit: word });
export const quotesQuery = object({ status: { type: 'string', enum: ['open', 'expired', 'used'], description: 'open, expired or used' }, symbol: word, client: word, limit: word });
