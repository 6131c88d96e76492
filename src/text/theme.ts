// The colour scheme: every colour the CLI uses comes from here, and colour is
// on only when SPEC §3 allows it (a TTY, no NO_COLOR, no --no-color, TERM not
// dumb; FORCE_COLOR forces it).

import type { Side } from '../core/types.js';

export interface Theme {
  enabled: boolean;
  side(side: Side, text?: string): string;
  heading(text: string): string;
  dim(text: string): string;
  good(text: string): string;
  warn(text: string): string;
  bad(text: string): string;
}

export function colorLevel(options: { color: boolean; isTTY: boolean; env: NodeJS.ProcessEnv }): 0 | 1 | 2 | 3 {
  const { env } = options;
  if (!options.color || (env['NO_COLOR'] ?? '') !== '' || env['TERM'] === 'dumb') return 0;
  const forced = env['FORCE_COLOR'];
  if (forced !== undefined) {
    if (forced === '0' || forced === 'false') return 0;
    const level = Number(forced);
    return level >= 1 && level <= 3 ? (level as 1 | 2 | 3) : 1;
  }
  if (!options.isTTY) return 0;
  const colorterm = env['COLORTERM'] ?? '';
  if (colorterm === 'truecolor' || colorterm === '24bit') return 3;
  return /256/.test(env['TERM'] ?? '') ? 2 : 1;
}

const plain = (text: string): string => text;

/** No colour: chalk is not even loaded (most runs are piped). */
export const PLAIN_THEME: Theme = {
  enabled: false,
  side: (side, text = side) => text,
  heading: plain,
  dim: plain,
  good: plain,
  warn: plain,
  bad: plain,
};

export async function loadTheme(level: 0 | 1 | 2 | 3): Promise<Theme> {
  if (level === 0) return PLAIN_THEME;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level });
  return {
    enabled: true,
    side: (side, text = side) => (side === 'Buy' ? chalk.green(text) : chalk.red(text)),
    heading: (text) => chalk.bold(text),
    dim: (text) => chalk.dim(text),
    good: (text) => chalk.green(text),
    warn: (text) => chalk.yellow(text),
    bad: (text) => chalk.red(text),
  };
}
