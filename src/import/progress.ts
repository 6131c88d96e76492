// A one-line progress bar for an import a person is watching: drawn on
// stderr only when it is a terminal (the caller decides) and only once the
// import has run for more than a moment, so short imports and pipelines stay
// quiet. It redraws at most ten times a second and clears itself at the end.

export interface ImportProgress {
  /** Rows read so far, and bytes of the file read so far. */
  update(rows: number, bytes: number): void;
  /** Every row is read; the batch is being committed. */
  committing(): void;
  done(): void;
}

const DELAY_MS = 1000;
const REDRAW_MS = 100;
const BAR_WIDTH = 24;

export interface TerminalStream {
  write(chunk: string): unknown;
  columns?: number;
}

export class ProgressBar implements ImportProgress {
  private readonly started: number;
  private drawn = 0;
  private shown = false;
  private rows = 0;

  constructor(
    private readonly stream: TerminalStream,
    private readonly label: string,
    /** Bytes in the file; undefined for stdin (no percentage then). */
    private readonly totalBytes: number | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  update(rows: number, bytes: number): void {
    this.rows = rows;
    const now = this.now();
    if (now - this.started < DELAY_MS || now - this.drawn < REDRAW_MS) return;
    this.drawn = now;
    const rate = Math.round(rows / ((now - this.started) / 1000));
    const count = `${rows.toLocaleString('en-US')} rows, ${rate.toLocaleString('en-US')} rows/s`;
    if (this.totalBytes === undefined || this.totalBytes === 0) {
      this.draw(`importing ${this.label}: ${count}`);
      return;
    }
    const share = Math.min(1, bytes / this.totalBytes);
    const filled = Math.round(share * BAR_WIDTH);
    this.draw(`importing ${this.label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(share * 100)}% ${count}`);
  }

  committing(): void {
    if (this.drawn > 0 || this.now() - this.started >= DELAY_MS) this.draw(`importing ${this.label}: ${this.rows.toLocaleString('en-US')} rows read, committing...`);
  }

  done(): void {
    this.clear();
  }

  /** Takes the bar off the line (a notice is about to be written); the next update redraws it. */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  private draw(text: string): void {
    this.shown = true;
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    this.stream.write(`\r\x1b[K${text.length > width ? text.slice(0, width) : text}`);
  }
}
