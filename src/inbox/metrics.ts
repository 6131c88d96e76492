// The inbox's part of /metrics (Prometheus text): files and rows loaded and
// rejected, polls, and how far the file being imported has got, which is
// what an operator watches during a long one.

export type FileOutcome = 'loaded' | 'rejected' | 'failed';
export type RowOutcome = 'applied' | 'replayed' | 'unchanged' | 'rejected';

function family(name: string, type: string, help: string, samples: string[]): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${samples.join('')}`;
}

export class InboxMetrics {
  readonly files: Record<FileOutcome, number> = { loaded: 0, rejected: 0, failed: 0 };
  readonly rows: Record<RowOutcome, number> = { applied: 0, replayed: 0, unchanged: 0, rejected: 0 };
  readonly polls = { ok: 0, failed: 0 };
  /** The file being imported: rows and bytes read so far (0 when idle). */
  importingRows = 0;
  importingBytes = 0;

  render(): string {
    const labelled = (name: string, counts: Record<string, number>): string[] =>
      Object.entries(counts).map(([outcome, count]) => `${name}{outcome="${outcome}"} ${count}\n`);
    return [
      family('oms_inbox_files_total', 'counter', 'Inbox files by outcome: loaded (moved to done/), rejected (moved to rejected/), failed (could not be read or committed; retried).', labelled('oms_inbox_files_total', this.files)),
      family('oms_inbox_rows_total', 'counter', 'Rows of loaded files (applied, replayed, unchanged) and bad rows of rejected files (rejected).', labelled('oms_inbox_rows_total', this.rows)),
      family('oms_inbox_polls_total', 'counter', 'Looks at the inbox, by whether it could be listed.', labelled('oms_inbox_polls_total', this.polls)),
      family('oms_inbox_importing_rows', 'gauge', 'Rows read so far of the file being imported; 0 when idle.', [`oms_inbox_importing_rows ${this.importingRows}\n`]),
      family('oms_inbox_importing_bytes', 'gauge', 'Bytes read so far of the file being imported; 0 when idle.', [`oms_inbox_importing_bytes ${this.importingBytes}\n`]),
    ].join('');
  }
}
