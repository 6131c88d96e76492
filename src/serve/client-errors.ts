// Requests Node's HTTP parser refuses before fastify sees them (headers over
// Node's 16 KiB limit, a URL too long, bytes that are not HTTP, a client too
// slow to send its headers). fastify's default answer has its own JSON shape;
// SPEC §12 wants ours, so this writes the response on the socket itself.

import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { OmsError } from '../core/errors.js';

/** Node's limit on the request line and headers together (its --max-http-header-size default). */
export const HEADER_LIMIT = 16 * 1024;

function describe(error: NodeJS.ErrnoException): { status: number; error: OmsError } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, error: new OmsError('INVALID_ARGUMENT', `headers: the request line and headers are larger than the limit of ${HEADER_LIMIT} bytes`, { field: 'headers' }) };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, error: new OmsError('INVALID_ARGUMENT', 'request: not received in time', { field: 'request' }) };
    default:
      return { status: 400, error: new OmsError('INVALID_ARGUMENT', `request: not a valid HTTP/1.1 request (${error.code ?? error.message})`, { field: 'request' }) };
  }
}

/** fastify's clientErrorHandler: the error document `render` makes (our shape), one log line, the connection closed. */
export function clientErrorHandler(logger: Logger, render: (error: OmsError) => string): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const { status, error: answer } = describe(error);
    logger.info({ status, code: error.code }, 'client error');
    if (socket.writable) {
      const body = Buffer.from(render(answer), 'utf8');
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${body.length}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n`);
      socket.write(body);
    }
    socket.destroy(error);
  };
}
