// Transaction.executeAll for a store whose commands are best awaited one
// after another (the file store looks facts up locally: nothing to gather
// ahead). The rule of what a failure does to the commands after it is
// written once here.

import { isRejection } from '../core/errors.js';
import type { Executed, Given, Transaction } from './store.js';

export async function executeInTurn(tx: Pick<Transaction, 'execute'>, commands: ReadonlyArray<Given>): Promise<Executed[]> {
  const results: Executed[] = [];
  let failure: Executed | undefined;
  for (const { command, opId } of commands) {
    if (failure) {
      results.push(failure);
      continue;
    }
    try {
      results.push({ outcome: await tx.execute(command, opId) });
    } catch (error) {
      results.push({ error });
      // Not a refusal decided before anything changed: the write may be unfinished.
      if (!isRejection(error)) failure = { error };
    }
  }
  return results;
}
