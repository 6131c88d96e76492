// JSON Schemas of what each route answers (the --json shapes of SPEC §3), for
// the OpenAPI document only: answers are not serialized through them, so a
// field added to a shape can never be dropped by a stale schema. Objects
// allow more properties than they list, as the shapes promise (fields may be
// added, none renamed).

const decimal = { type: 'string', description: 'an exact decimal, canonical ("20.5", "442")' };
const iso = { type: 'string', format: 'date-time' };
const id = { type: 'integer', minimum: 1 };
const side = { type: 'string', enum: ['Buy', 'Sell'] };
const nullableText = { type: ['string', 'null'] };

function object(properties: Record<string, unknown>, description?: string) {
  return { type: 'object', properties, required: Object.keys(properties), ...(description ? { description } : {}) };
}

export const order = object({ orderId: id, symbol: { type: 'string' }, side, amount: id, price: decimal, source: nullableText, acceptedAt: iso });
const fill = object({ orderId: id, amount: id, price: decimal });
const executionFields = {
  symbol: { type: 'string' },
  side,
  requested: id,
  filled: { type: 'integer', minimum: 0 },
  total: decimal,
  partial: { type: 'boolean' },
  fills: { type: 'array', items: fill },
  averagePrice: { type: ['string', 'null'], description: 'total ÷ filled to 8 decimals, half to even; null when nothing filled' },
};
export const execution = object(executionFields);
const quoteFields = { ...executionFields, quoteId: id, opId: { type: 'string' }, client: nullableText, expiresAt: iso };
export const trade = object({
  ...executionFields,
  tradeId: id,
  client: nullableText,
  quoteId: { type: ['integer', 'null'] },
  opId: { type: 'string' },
  executedAt: iso,
});
const mutation = { opId: { type: 'string' }, replayed: { type: 'boolean' } };

export const addResult = object({ ...mutation, order });
export const modifyResult = object({ ...mutation, order: { anyOf: [order, { type: 'null' }] }, removed: { type: 'boolean' } });
export const removeResult = object({ ...mutation, removed: { type: 'boolean', description: 'false when the order was already gone' } });
export const quoteResult = object({ ...quoteFields, replayed: { type: 'boolean' } });
export const tradeResult = object({ ...mutation, trade });

export const ordersList = {
  ...object({ orders: { type: 'array', items: order } }),
  properties: {
    orders: { type: 'array', items: order },
    total: { type: 'integer', description: 'with limit/offset only: orders that match in all' },
    offset: { type: 'integer' },
    limit: { type: ['integer', 'null'] },
  },
};
export const orderStatus = {
  type: 'object',
  required: ['status', 'order'],
  properties: {
    status: { type: 'string', enum: ['live', 'removed', 'filled'] },
    order,
    endedAt: iso,
    endedBy: object({ opId: { type: 'string' }, tradeId: { type: ['integer', 'null'] } }),
  },
};
const level = {
  ...object({ price: decimal, amount: decimal, orderCount: id }),
  properties: { price: decimal, amount: decimal, orderCount: id, orders: { type: 'array', items: order } },
};
export const book = object({
  symbol: { type: 'string' },
  convention: { type: 'string', enum: ['document', 'market'] },
  bestBid: { type: ['string', 'null'], description: 'highest Buy price' },
  bestAsk: { type: ['string', 'null'], description: 'lowest Sell price' },
  spread: { type: ['string', 'null'], description: 'bestAsk − bestBid; negative when crossed' },
  buy: { type: 'array', items: level },
  sell: { type: 'array', items: level },
});
export const tradesList = object({ trades: { type: 'array', items: trade } });
export const quoteEntry = object({
  ...quoteFields,
  quotedAt: iso,
  status: { type: 'string', enum: ['open', 'expired', 'used'] },
  trade: { anyOf: [trade, { type: 'null' }] },
});
export const quotesList = object({ quotes: { type: 'array', items: quoteEntry } });
export const historyList = object({
  operations: {
    type: 'array',
    items: object({ seq: id, opId: { type: 'string' }, at: iso, command: { type: 'object' }, result: { type: 'object' } }),
  },
});
export const health = object({ status: { type: 'string', enum: ['ok'] } });
export const errorDocument = object({
  error: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'string', description: 'a stable error code (INVALID_ARGUMENT, ORDER_NOT_FOUND, QUOTE_EXPIRED, STATE_LOCKED, ...)' },
      message: { type: 'string' },
      field: { type: 'string' },
      value: { type: 'string' },
      available: decimal,
    },
  },
});
