// Who may talk to the server (SPEC §7): a bearer token from --token-file or
// $OMS_TOKEN, compared in constant time, and no listening beyond loopback
// without one.

import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { invalid, OmsError } from '../core/errors.js';

/** The token, if one is configured: the file wins over the environment. */
export function loadToken(tokenFile: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(tokenFile, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw invalid('token-file', tokenFile, `cannot be read (${reason})`);
    }
    const token = text.trim();
    if (token === '') throw invalid('token-file', tokenFile, 'is empty');
    return token;
  }
  const fromEnv = env['OMS_TOKEN']?.trim();
  return fromEnv ? fromEnv : undefined;
}

/** Loopback only: what may be served without a token. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

export function refuseOpenHost(host: string, token: string | undefined): void {
  if (token === undefined && !isLoopback(host)) {
    throw new OmsError(
      'INVALID_ARGUMENT',
      `host: ${JSON.stringify(host)} is not a loopback address; serving beyond this machine needs a token (--token-file or $OMS_TOKEN)`,
      { field: 'host', value: host },
    );
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Checks `Authorization: Bearer <token>`; digests make the compared buffers equal in length. */
export function bearerCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    return timingSafeEqual(digest(match?.[1]?.trim() ?? ''), expected) && match !== null;
  };
}
