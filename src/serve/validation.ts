// Turns what fastify rejects before a route runs (a JSON Schema mismatch, a
// body that is not JSON or too large, an unknown route) into the same
// one-line OmsError the CLI would print, naming the field and the value.

import { OmsError, showValue } from '../core/errors.js';
import { clip } from '../core/text.js';

/** Characters of a client's key name or of a framework message kept in an error: a 60 KB key makes no 60 KB message. */
const MAX_NAME = 64;
const MAX_FRAMEWORK_MESSAGE = 200;

/** An ajv error as fastify hands it over (ajv runs with `verbose`, so data and parentSchema are there). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
  data?: unknown;
  parentSchema?: { properties?: Record<string, unknown>; description?: string };
}

const PLACES: Record<string, string> = { body: 'the body', querystring: 'the query', params: 'the path', headers: 'the headers' };

function describeType(type: unknown): string {
  const types = String(type).split(',');
  const words = types.map((name) => (name === 'integer' ? 'a whole number' : name === 'string' ? 'a string' : name === 'object' ? 'a JSON object' : name));
  return words.join(' or ');
}

function fieldOf(error: SchemaError, context: string): string {
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  return path === '' ? context : path;
}

/** fastify's schemaErrorFormatter: the first schema error as INVALID_ARGUMENT. */
export function schemaError(errors: SchemaError[], context: string): OmsError {
  const error = errors[0];
  const place = PLACES[context] ?? context;
  if (!error) return new OmsError('INVALID_ARGUMENT', `${context}: does not match its schema`, { field: context });
  const field = fieldOf(error, context);
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = clip(String(error.params['additionalProperty']), MAX_NAME);
      const known = Object.keys(error.parentSchema?.properties ?? {});
      const allowed = known.length > 0 ? `; ${place} takes ${known.join(', ')}` : `; ${place} takes none`;
      return new OmsError('INVALID_ARGUMENT', `${name}: unknown field in ${place}${allowed}`, { field: name });
    }
    case 'required': {
      const name = String(error.params['missingProperty']);
      return new OmsError('INVALID_ARGUMENT', `${name}: is required in ${place}`, { field: name });
    }
    case 'type':
      if (field === 'body' && error.data === undefined) {
        return new OmsError('INVALID_ARGUMENT', 'body: a JSON object is required (Content-Type: application/json)', { field });
      }
      return invalidValue(field, error.data, `must be ${error.parentSchema?.description ?? describeType(error.params['type'])}`);
    case 'minProperties': {
      const known = Object.keys(error.parentSchema?.properties ?? {});
      return new OmsError('INVALID_ARGUMENT', `${field}: give at least one of ${known.join(', ')}`, { field });
    }
    case 'enum':
      return invalidValue(field, error.data, `must be one of ${(error.params['allowedValues'] as unknown[]).join(', ')}`);
    default:
      return invalidValue(field, error.data, error.message ?? 'does not match its schema');
  }
}

/** Strings are shown quoted, other JSON values as written: `price: 21 must be ...`. */
function invalidValue(field: string, data: unknown, reason: string): OmsError {
  const text = typeof data === 'string' ? data : (JSON.stringify(data) ?? String(data));
  const shown = typeof data === 'string' ? showValue(data) : clip(text, 40);
  return new OmsError('INVALID_ARGUMENT', `${field}: ${shown} ${reason}`, { field, value: clip(text, 200, '') });
}

/** fastify's own errors (body parsing, size, media type) keep their status, in our error shape. */
export function frameworkError(error: { code?: string; statusCode?: number; message: string }, bodyLimit: number): { error: OmsError; status: number } | undefined {
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status, error: new OmsError('INVALID_ARGUMENT', `body: larger than the limit of ${bodyLimit} bytes`, { field: 'body' }) };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status, error: new OmsError('INVALID_ARGUMENT', 'body: send JSON with Content-Type: application/json', { field: 'content-type' }) };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status, error: new OmsError('INVALID_ARGUMENT', 'body: empty, but Content-Type says JSON', { field: 'body' }) };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status, error: new OmsError('INVALID_ARGUMENT', 'body: not valid JSON (or it sets __proto__ or constructor)', { field: 'body' }) };
    default:
      return { status, error: new OmsError('INVALID_ARGUMENT', `request: ${clip(error.message, MAX_FRAMEWORK_MESSAGE)}`) };
  }
}
