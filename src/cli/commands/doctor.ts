// oms doctor: verify a state and explain what was found (exit 0 healthy, 4
// damaged); --salvage writes a new healthy state from what is intact.

import { OmsError } from '../../core/errors.js';
import { diagnose, type Finding } from '../../store/doctor.js';
import { isDatabaseUrl } from '../../store/open.js';
import { salvage } from '../../store/salvage.js';
import type { CliContext } from '../context.js';
import { count } from '../../text/count.js';
import type { CommandOutput } from '../output.js';

export interface DoctorOptions {
  salvage?: string;
}

function findingLine(ctx: CliContext, finding: Pick<Finding, 'severity' | 'message' | 'line' | 'byte'> & { part: string }): string {
  const mark = finding.severity === 'damage' ? ctx.theme.bad('DAMAGE') : finding.severity === 'note' ? ctx.theme.warn('note  ') : ctx.theme.good('ok    ');
  // Errors already name their place; add only what the message does not say.
  const places = [
    finding.line !== undefined && !finding.message.includes(`line ${finding.line}`) ? `line ${finding.line}` : '',
    finding.byte !== undefined && !finding.message.includes(`byte ${finding.byte}`) ? `byte ${finding.byte}` : '',
  ].filter(Boolean);
  const where = places.length ? ` (${places.join(', ')})` : '';
  return `${mark} ${finding.part}: ${finding.message}${where}`;
}

export async function runDoctor(options: DoctorOptions, ctx: CliContext): Promise<CommandOutput> {
  const database = isDatabaseUrl(ctx.statePath);
  if (options.salvage !== undefined) {
    if (database) {
      throw new OmsError('INVALID_ARGUMENT', 'salvage: oms doctor checks a PostgreSQL state and never rewrites it; oms copy makes a copy of it', { field: 'salvage' });
    }
    const report = salvage(ctx.statePath, options.salvage);
    return {
      json: report,
      text: () =>
        [
          `Wrote ${report.to} from ${report.from} (starting from the old ${report.base})`,
          `Kept ${count(report.operations, 'operation')} up to operation ${report.lastOperation}; ${count(report.liveOrders, 'live order')}`,
          ...(report.leftOut.length ? ['Left out:', ...report.leftOut.map((line) => `  - ${line}`)] : ['Nothing was left out']),
        ].join('\n'),
    };
  }
  const report = database ? await (await import('../../store/postgres/doctor.js')).diagnosePostgres(ctx.statePath) : diagnose(ctx.statePath);
  return {
    json: report,
    exitCode: report.healthy ? 0 : 4,
    text: () =>
      [
        ...report.findings.map((finding) => findingLine(ctx, finding)),
        report.healthy
          ? ctx.theme.good(`healthy: ${count(report.liveOrders, 'live order')} now, ${count(report.operations, 'operation')}`)
          : ctx.theme.bad(`damaged: see above; oms doctor --salvage NEWPATH writes a new state from what is intact`),
      ].join('\n'),
  };
}
