// Feeds `oms import -` CSV rows in small bursts until told to stop, so an
// import runs for as long as a test needs to watch it (its progress bar
// shows only after a moment), however slow the machine: the test ends the
// feed once it has seen what it looks for, rather than guessing a duration.
// Usage: node feed-rows.mjs STOP_FILE FIRST_ORDER_ID
// Writes the header, then 50 rows every 50 ms until STOP_FILE exists.

import fs from 'node:fs';

const [stopFile, firstId] = process.argv.slice(2);
let orderId = Number(firstId);
process.stdout.write('order_id,symbol,side,amount,price\n');
const timer = setInterval(() => {
  if (fs.existsSync(stopFile)) {
    clearInterval(timer);
    return;
  }
  let rows = '';
  for (let i = 0; i < 50; i++, orderId++) rows += `${orderId},SYM,Buy,1,${orderId}\n`;
  process.stdout.write(rows);
}, 50);
