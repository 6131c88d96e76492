// POST/PATCH/DELETE routes: the body becomes a Command through the same
// builders the CLI uses, the Idempotency-Key header is its operation id,
// and the answer is sent only once the write that ran it is committed.

import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addCommand, modifyCommand, quoteCommand, removeCommand, tradeCommand, tradeQuoteCommand, type Command } from '../core/commands.js';
import { invalid, OmsError } from '../core/errors.js';
import { parseOpId } from '../core/fields.js';
import { mutationJson } from '../app/json.js';
import type { CommitQueue } from './commit-queue.js';
import { addOrderBody, modifyOrderBody, noQuery, orderIdParams, quoteBody, tradeBody } from './schemas.js';

type Body = Record<string, unknown>;

const TRADE_FIELDS = ['symbol', 'side', 'amount'] as const;
const QUOTED_FIELDS = ['symbol', 'side', 'amount', 'client', 'partial'] as const;

function opIdOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  // Node joins repeated headers with ", ": two keys must not silently become a third one.
  const given = request.raw.rawHeaders.filter((name, at) => at % 2 === 0 && name.toLowerCase() === 'idempotency-key').length;
  if (given > 1) throw new OmsError('INVALID_ARGUMENT', `Idempotency-Key: given ${given} times; send one`, { field: 'Idempotency-Key' });
  const opId = parseOpId(headerText(Array.isArray(header) ? header.join(', ') : header, 'Idempotency-Key'), 'Idempotency-Key');
  request.opId = opId;
  return opId;
}

/**
 * Node hands header values over as Latin-1 (one character a byte); clients
 * send UTF-8. So the bytes are read again as UTF-8, and a value that is not
 * UTF-8 is refused rather than stored as mojibake.
 */
function headerText(value: string, field: string): string {
  const bytes = Buffer.from(value, 'latin1');
  if (!isUtf8(bytes)) throw invalid(field, value, 'is not UTF-8 text: send it as UTF-8 (or ASCII)');
  return bytes.toString('utf8');
}

/** The two forms of POST /trades: now, or a stored quote. */
function tradeFrom(body: Body): Command {
  if (body['quoteId'] !== undefined) {
    const extra = QUOTED_FIELDS.filter((field) => body[field] !== undefined);
    if (extra.length > 0) {
      throw new OmsError('INVALID_ARGUMENT', `quoteId: trades the quoted request; give no ${extra.join(', ')} with it`, { field: extra[0] as string });
    }
    return tradeQuoteCommand({ quoteId: body['quoteId'] });
  }
  const missing = TRADE_FIELDS.find((field) => body[field] === undefined);
  if (missing) throw new OmsError('INVALID_ARGUMENT', `${missing}: is required in the body (or give quoteId to trade a stored quote)`, { field: missing });
  return tradeCommand(body as Body & Record<(typeof TRADE_FIELDS)[number], unknown>);
}

export function mutationRoutes(app: FastifyInstance, queue: CommitQueue): void {
  /** Commits and answers: `created` for a new resource, 200 for a replay or a change. */
  const commit = async (request: FastifyRequest, reply: FastifyReply, build: () => Command, created: boolean) => {
    const opId = opIdOf(request);
    const outcome = await queue.submit(build(), opId);
    request.opId = outcome.opId;
    request.notice = outcome.notice ?? null;
    reply.code(created && outcome.status !== 'replayed' ? 201 : 200);
    return mutationJson(outcome);
  };

  app.post<{ Body: Body }>('/orders', { schema: { body: addOrderBody, querystring: noQuery } }, async (request, reply) =>
    commit(request, reply, () => addCommand(request.body as Parameters<typeof addCommand>[0]), true),
  );

  app.patch<{ Params: { id: string }; Body: Body }>('/orders/:id', { schema: { params: orderIdParams, body: modifyOrderBody, querystring: noQuery } }, async (request, reply) =>
    commit(request, reply, () => modifyCommand({ ...request.body, orderId: request.params.id }), false),
  );

  app.delete<{ Params: { id: string } }>('/orders/:id', { schema: { params: orderIdParams, querystring: noQuery } }, async (request, reply) =>
    commit(request, reply, () => removeCommand({ orderId: request.params.id }), false),
  );

  app.post<{ Body: Body }>('/quotes', { schema: { body: quoteBody, querystring: noQuery } }, async (request, reply) =>
    commit(request, reply, () => quoteCommand(request.body as Parameters<typeof quoteCommand>[0]), true),
  );

  app.post<{ Body: Body }>('/trades', { schema: { body: tradeBody, querystring: noQuery } }, async (request, reply) =>
    commit(request, reply, () => tradeFrom(request.body), true),
  );
}
