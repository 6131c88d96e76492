// Gathering what one command needs before the ledger decides it: ask the
// ledger, fetch the keys from the archive, and ask again until nothing new is
// needed (a quote's book is known only once the quote is). Every store's
// transaction that must not block runs commands through this, so the rule is
// written once.

import type { Command } from '../core/commands.js';
import type { Archive, Facts, Ledger, Needs, OperationRecord } from '../core/ledger.js';

/** Keys the ledger needs that have not been asked for yet (and notes them as asked). */
function missing(needs: Needs, asked: Set<string>): string[] {
  const keys = needs.keys.filter((key) => !asked.has(key));
  for (const key of keys) asked.add(key);
  return keys;
}

export async function gatherFacts(
  ledger: Ledger,
  archive: Archive,
  command: Command,
  opId: string | undefined,
  /** Loads the books a command needs, for a store that keeps only some in memory. */
  load?: (needs: Needs) => Promise<void>,
): Promise<Facts> {
  const facts = new Map<string, OperationRecord>();
  const asked = new Set<string>();
  for (;;) {
    const needs = ledger.needs(command, opId, facts);
    if (load) await load(needs);
    const keys = missing(needs, asked);
    if (keys.length === 0) return facts;
    for (const [key, record] of await archive.fetch(keys)) facts.set(key, record);
  }
}
