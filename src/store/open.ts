// The one place a store is chosen, by its location (SPEC §8): a path is the
// embedded file store; a postgres:// or postgresql:// URL is the PostgreSQL
// store (§9), loaded only when asked for so a file user never pays for it.
// Every front end opens its state here.

import { redact } from './postgres/location.js';
import type { StateStore, StoreOptions } from './store.js';

const DATABASE_URL = /^postgres(ql)?:\/\//i;

/** True when `location` names a database rather than a file. */
export function isDatabaseUrl(location: string): boolean {
  return DATABASE_URL.test(location);
}

/** A location as it may be shown: a URL's password becomes `***`. */
export function displayLocation(location: string): string {
  return isDatabaseUrl(location) ? redact(location) : location;
}

export async function openStore(location: string, given: StoreOptions = {}): Promise<StateStore> {
  // The command line is shown to other processes (the lock holder, pg_stat_activity) and may hold a URL with a password.
  const options = given.command === undefined ? given : { ...given, command: redact(given.command) };
  if (isDatabaseUrl(location)) {
    const { PostgresStore } = await import('./postgres/store.js');
    return new PostgresStore(location, options);
  }
  const { FileStore } = await import('./file/store.js');
  return new FileStore(location, options);
}
