// What this machine gives any server, measured with the same paced client as
// oms: a bare Node HTTP server that answers at once, and a bare PostgreSQL
// commit. A latency target is only as reachable as these floors allow, and
// they move with the machine's load, so they are measured in the same run as
// the rows they explain.

import { spawn } from 'node:child_process';
import { openLoop, paced } from './http-load.js';

/** A Node HTTP server that reads each body and answers 201 with it, nothing else. */
const ECHO_SERVER = `
const server = require('node:http').createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(Buffer.concat(chunks));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/** POST bodies from `body()` to a bare echo server at `rate`; the paced client's result. */
export async function httpFloor({ rate, seconds, body }) {
  const child = spawn(process.execPath, ['-e', ECHO_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    });
    const url = `http://127.0.0.1:${port}`;
    const next = () => ({ method: 'POST', path: '/orders', body: body() });
    await paced({ url, rate, seconds: 1, next });
    return await paced({ url, rate, seconds, next });
  } finally {
    child.kill();
  }
}

/**
 * Durable commits of one small row at `rate` on `url`, each `begin; insert;
 * commit` in one round trip (one simple query) on a pooled connection: the
 * least a write that must be durable costs on this database.
 */
export async function postgresCommitFloor({ url, rate, seconds, schema }) {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 16 });
  try {
    await pool.query(`create schema ${schema}; create table ${schema}.floor (id bigint primary key, body text not null)`);
    let id = 0;
    const call = async () => {
      id += 1;
      await pool.query(`begin; insert into ${schema}.floor values (${id}, 'order'); commit`);
      return true;
    };
    await openLoop({ rate, seconds: 1, call });
    return await openLoop({ rate, seconds, call });
  } finally {
    await pool.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await pool.end();
  }
}
