// A PostgreSQL state is named by a URL: postgres://user:pass@host:5432/db?schema=NAME.
// One schema is one state (default `oms`). The password must never reach a
// message, a log, `status` or `--json`, so everything shown to a person goes
// through `display`, which has it replaced by `***`.

import { createHash } from 'node:crypto';
import { OmsError } from '../../core/errors.js';

const DEFAULT_SCHEMA = 'oms';

/** Lower-case identifiers only, so the name never needs quoting rules beyond "…". */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresLocation {
  /** What the driver connects with: the URL less `schema`. */
  connectionString: string;
  schema: string;
  /** The URL with the password as `***`: the only form ever shown. */
  display: string;
}

/** The URL with any password replaced by `***` (also for text that is not a valid URL). */
export function redact(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/?#@\s]*:)[^@/?#\s]*@/gi, '$1***@');
}

export function parseLocation(location: string): PostgresLocation {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new OmsError('INVALID_ARGUMENT', `state: ${JSON.stringify(redact(location))} is not a valid PostgreSQL URL`, {
      field: 'state',
      value: redact(location),
    });
  }
  const schema = url.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME.test(schema)) {
    throw new OmsError('INVALID_ARGUMENT', `state: schema ${JSON.stringify(schema)} is not a lower-case SQL name (a-z, 0-9, _; at most 63)`, {
      field: 'state',
      value: redact(location),
    });
  }
  url.searchParams.delete('schema');
  const connectionString = url.toString();
  const shown = new URL(url.toString());
  if (shown.password) shown.password = '***';
  if (schema !== DEFAULT_SCHEMA || location.includes('schema=')) shown.searchParams.set('schema', schema);
  return { connectionString, schema, display: shown.toString() };
}

/** A schema name as a quoted SQL identifier (the name is already checked). */
export function quoted(schema: string): string {
  return `"${schema}"`;
}

/**
 * The name of a prepared statement about one schema. PostgreSQL keeps 63
 * bytes of a name, so two long schemas must not share a prefix-cut name on
 * one connection: the schema is named by a short hash instead.
 */
export function statementName(purpose: string, schema: string): string {
  let tag = schemaTags.get(schema);
  if (tag === undefined) {
    tag = createHash('sha256').update(schema).digest('hex').slice(0, 16);
    schemaTags.set(schema, tag);
  }
  return `oms_${purpose}_${tag}`;
}

/** Hashed once per schema: a name is asked for on every query of every write. */
const schemaTags = new Map<string, string>();
