// Where a state lives: the snapshot path the user names, and its companion
// files named from its stem (the path less a final `.json`), as SPEC §2 says.

import path from 'node:path';

export interface StatePaths {
  snapshot: string;
  journal: string;
  lock: string;
  index: string;
  dir: string;
  stem: string;
}

export const DEFAULT_STATE = 'oms-state.json';

/** The path given, else $OMS_STATE, else the default. An empty one stays empty: it is refused when opened, never taken to mean the default. */
export function resolveStatePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env['OMS_STATE'] ?? DEFAULT_STATE;
}

export function statePaths(snapshot: string): StatePaths {
  const absolute = path.resolve(snapshot);
  const stem = absolute.endsWith('.json') ? absolute.slice(0, -'.json'.length) : absolute;
  return {
    snapshot: absolute,
    journal: `${stem}.journal`,
    lock: `${stem}.lock`,
    index: `${stem}.index`,
    dir: path.dirname(absolute),
    stem,
  };
}

/** A temp file beside `target`, unique to this process and call. */
export function tempPathFor(target: string): string {
  return `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * The pid that made `name` if it is a temp file of one of this state's own
 * files (never another state's or a user's file that merely starts alike).
 */
export function tempOwner(paths: StatePaths, name: string): number | undefined {
  const match = /^(.*)\.tmp-(\d+)-[a-z0-9]+$/.exec(name);
  if (!match) return undefined;
  const own = [paths.snapshot, paths.journal, paths.index, paths.lock].map((file) => path.basename(file));
  return own.includes(match[1] as string) ? Number(match[2]) : undefined;
}
