// Where things are, whatever directory the bench is started from.

import { fileURLToPath } from 'node:url';

export const OMS = fileURLToPath(new URL('../../bin/oms.js', import.meta.url));
export const BENCH = fileURLToPath(new URL('../', import.meta.url));
