// Holds a state's writer lock through the real lock code (the built
// dist/store/lock.js) until told to let go (SIGTERM), so lock tests can have
// a live holder, kill one with SIGKILL, or leave a zombie behind.
// Usage: node hold-lock.mjs STEM.lock WAIT_MS
// WAIT_MS bounds the wait for the lock (the test's hang guard); the tests
// start a holder on a free lock or on a dead holder's, so it never waits.

import { WriterLock } from '../../../dist/store/lock.js';

const [lockPath, waitMs] = process.argv.slice(2);
const lock = await WriterLock.acquire(lockPath, { timeoutMs: Number(waitMs), command: 'hold-lock fixture' });
process.on('SIGTERM', () => {
  lock.release();
  process.exit(0);
});
process.stdout.write(`locked ${process.pid}\n`);
// Keeps the process alive until a signal ends it.
setInterval(() => {}, 60_000);
