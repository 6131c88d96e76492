// A directory as an inbox. A file is ready once two polls in a row see the
// same size and mtime (so one still being copied in is left alone); its
// version is that size and mtime. Settled files are renamed into done/ or
// rejected/ under the directory; rename keeps the mtime, so a file found
// there is recognised as the same version.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { OmsError, type Problem } from '../core/errors.js';
import { isInboxFile, numberedName, problemsJson, type Folder, type InboxFile, type InboxLocation, type OpenFile } from './location.js';

const CHUNK_BYTES = 1 << 16;

async function versionOf(file: string): Promise<string | undefined> {
  try {
    const stat = await fsp.stat(file, { bigint: true });
    return stat.isFile() ? `${stat.size}-${stat.mtimeNs}` : undefined;
  } catch {
    return undefined;
  }
}

export class DirectoryInbox implements InboxLocation {
  /** Versions seen by the previous poll. */
  private previous = new Map<string, string>();

  constructor(readonly label: string) {}

  async list(): Promise<InboxFile[]> {
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(this.label, { withFileTypes: true });
    } catch (error) {
      throw new OmsError('SOURCE_UNAVAILABLE', `${this.label}: cannot list the inbox: ${(error as Error).message}`, { file: this.label }, { cause: error });
    }
    const seen = new Map<string, string>();
    const ready: InboxFile[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || !isInboxFile(entry.name)) continue;
      const label = path.join(this.label, entry.name);
      const version = await versionOf(label);
      if (version === undefined) continue;
      seen.set(entry.name, version);
      if (this.previous.get(entry.name) === version) ready.push({ name: entry.name, label, version, size: Number(version.split('-')[0]) });
    }
    this.previous = seen;
    return ready.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async open(file: InboxFile, signal: AbortSignal): Promise<OpenFile | undefined> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file.label, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new OmsError('SOURCE_UNAVAILABLE', `${file.label}: cannot read: ${(error as Error).message}`, { file: file.label }, { cause: error });
    }
    const stat = await handle.stat({ bigint: true });
    if (`${stat.size}-${stat.mtimeNs}` !== file.version) {
      await handle.close();
      return undefined;
    }
    const stream = handle.createReadStream({ highWaterMark: CHUNK_BYTES, signal });
    return { size: file.size, chunks: stream, close: () => stream.destroy() };
  }

  async settle(file: InboxFile, folder: Folder, problems?: Problem[]): Promise<string | undefined> {
    if ((await versionOf(file.label)) !== file.version) return undefined;
    const dir = path.join(this.label, folder);
    await fsp.mkdir(dir, { recursive: true });
    const target = await this.freeName(dir, file);
    if (problems) {
      const temp = `${target}.problems.json.${process.pid}.tmp`;
      await fsp.writeFile(temp, problemsJson(problems));
      await fsp.rename(temp, `${target}.problems.json`);
    }
    try {
      await fsp.rename(file.label, target);
    } catch (error) {
      // Another server moved it first.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return target;
  }

  /** NAME, unless another file holds it there; the same version may be replaced (a move that was redone). */
  private async freeName(dir: string, file: InboxFile): Promise<string> {
    for (let n = 0; ; n++) {
      const target = path.join(dir, n === 0 ? file.name : numberedName(file.name, n));
      const version = await versionOf(target);
      if (version === undefined || version === file.version) return target;
    }
  }

  close(): void {}
}
