// The client recipe of docs/deployment.md ("Running several servers"), as the cluster
// tests' clients use it: a mutation carries an Idempotency-Key, and a request
// that got no answer (connection refused or reset) or a 502/503/504 is sent
// again, unchanged, with the same key. The server answers a resend of an
// operation it already committed with the stored result (200, "replayed":
// true), so a retry never applies anything twice.

export interface Answer {
  status: number;
  json: any;
  /** Times the request was sent again after no answer or a 502/503/504. */
  retries: number;
}

const RETRIED = new Set([502, 503, 504]);
const MAX_ATTEMPTS = 40;

export async function send(url: string, method: string, path: string, body: unknown, key: string): Promise<Answer> {
  let lastFailure = '';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
    try {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (RETRIED.has(response.status)) {
        lastFailure = `${response.status} ${text.slice(0, 200)}`;
        continue;
      }
      return { status: response.status, json: text ? JSON.parse(text) : null, retries: attempt };
    } catch (error) {
      lastFailure = String((error as Error & { cause?: unknown }).cause ?? error);
    }
  }
  throw new Error(`${method} ${path} (key ${key}): no answer after ${MAX_ATTEMPTS} attempts; last: ${lastFailure}`);
}
