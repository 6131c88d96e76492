// A PostgreSQL location: the schema it names, and a password that is never shown.

import { describe, expect, it } from 'vitest';
import { isDatabaseUrl } from '../../src/store/open.js';
import { parseLocation, redact } from '../../src/store/postgres/location.js';

describe('PostgreSQL locations', () => {
  it('takes both schemes, the schema parameter and the default schema', () => {
    expect(isDatabaseUrl('postgres://h/db')).toBe(true);
    expect(isDatabaseUrl('POSTGRESQL://h/db')).toBe(true);
    expect(isDatabaseUrl('./state.json')).toBe(false);
    expect(parseLocation('postgres://u@h:5432/db').schema).toBe('oms');
    const parsed = parseLocation('postgresql://u:secret@h:5432/db?schema=desk_a&sslmode=disable');
    expect(parsed.schema).toBe('desk_a');
    expect(parsed.connectionString).toBe('postgresql://u:secret@h:5432/db?sslmode=disable');
  });

  it('never shows the password', () => {
    const parsed = parseLocation('postgres://trader:s3cr%40t@db.example:5432/oms?schema=x');
    expect(parsed.display).toBe('postgres://trader:***@db.example:5432/oms?schema=x');
    expect(parsed.display).not.toContain('s3cr');
    expect(redact('cannot reach postgres://a:b@c/d (postgresql://e:f@g/h)')).toBe('cannot reach postgres://a:***@c/d (postgresql://e:***@g/h)');
  });

  it('refuses a schema name that is not a plain lower-case identifier', () => {
    for (const schema of ['Upper', 'a-b', '1abc', 'x'.repeat(64), 'a;drop']) {
      expect(() => parseLocation(`postgres://u:pw@h/db?schema=${encodeURIComponent(schema)}`)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    try {
      parseLocation('postgres://u:pw@h/db?schema=Bad');
    } catch (error) {
      expect(JSON.stringify((error as { details: unknown }).details)).not.toContain('pw');
    }
  });
});
