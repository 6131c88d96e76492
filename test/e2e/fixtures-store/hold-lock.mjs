// Holds a state's writer lock through the real lock code (the built
// dist/store/lock.js) until told to let go, so lock tests can have a live
// holder, kill one with SIGKILL, or leave a zombie behind.
// Usage: node hold-lock.mjs STEM.lock [releaseAfterMs]

import { WriterLock } from '../../../dist/store/lock.js';

const [lockPath, releaseAfter] = process.argv.slice(2);
const lock = await WriterLock.acquire(lockPath, { timeoutMs: 10_000, command: 'hold-lock fixture' });
process.on('SIGTERM', () => {
  lock.release();
  process.exit(0);
});
process.stdout.write(`locked ${process.pid}\n`);
if (releaseAfter !== undefined) {
  setTimeout(() => {
    lock.release();
    process.exit(0);
  }, Number(releaseAfter));
} else {
  setInterval(() => {}, 60_000);
}
