// The HTTP application in this process over an application on a temp state,
// driven with fastify's inject (no port, no child process).

import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach } from 'vitest';
import type { Oms } from '../../src/app/oms.js';
import { buildApp } from '../../src/serve/app.js';
import { createLogger } from '../../src/serve/server.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

export function injectable(oms: Oms, token?: string): FastifyInstance {
  const { app } = buildApp({ oms, logger: createLogger(new PassThrough()), token });
  apps.push(app);
  return app;
}

export async function get(app: FastifyInstance, url: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const reply = await app.inject({ method: 'GET', url, headers });
  return { status: reply.statusCode, json: reply.json() };
}
