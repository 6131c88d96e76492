// The average price of an execution (what `price`, `quote` and `trade` show
// next to the total): total ÷ filled. The quotient of two exact decimals is
// usually not one (442 / 22 = 20.0909…), so it is given to the same 8
// decimal places as a price, rounded half to even (the rounding that does
// not drift when many averages are summed), and printed canonically. It is
// derived for people and scripts to read, never stored nor used to price.

import { PRICE_DECIMALS, formatScaled } from '../core/decimal.js';

const SCALE = 10n ** BigInt(PRICE_DECIMALS);

/** A canonical decimal string (as totals are) in units of 1e-8. */
function scaled(decimal: string): bigint {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return BigInt(whole) * SCALE + BigInt(fraction.padEnd(PRICE_DECIMALS, '0') || '0');
}

/** total ÷ filled to 8 decimals, half to even; null when nothing was filled. */
export function averagePrice(total: string, filled: number): string | null {
  if (filled <= 0) return null;
  const units = scaled(total);
  const divisor = BigInt(filled);
  let quotient = units / divisor;
  const twice = (units % divisor) * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) quotient += 1n;
  return formatScaled(quotient);
}

/** An execution, quote or trade with its average price after its own fields (an additive JSON field). */
export function withAverage<T extends { total: string; filled: number }>(execution: T): T & { averagePrice: string | null } {
  return { ...execution, averagePrice: averagePrice(execution.total, execution.filled) };
}
