// The reference is split over README.md and docs/*.md, edited by several
// people at once; a section renamed in one file silently breaks the links
// into it from the others. This checks that every relative link resolves to
// a file and every #anchor to a heading (GitHub's slugs), in milliseconds.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCS = path.join(ROOT, 'docs');
const FILES = [path.join(ROOT, 'README.md'), ...fs.readdirSync(DOCS).filter((name) => name.endsWith('.md')).map((name) => path.join(DOCS, name))];

/** Text outside fenced code blocks: a link or heading inside one is only an example. */
function prose(file: string): string[] {
  const lines: string[] = [];
  let fenced = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced) lines.push(line);
  }
  return lines;
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(file)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    out.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return out;
}

function links(file: string): string[] {
  const text = prose(file).join('\n').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '').filter((target) => !/^[a-z]+:/i.test(target));
}

describe('links between README.md and docs/', () => {
  it.each(FILES.map((file) => [path.relative(ROOT, file), file]))('%s: every relative link and anchor resolves', (_name, file) => {
    const broken: string[] = [];
    for (const target of links(file)) {
      const [relative = '', anchor] = target.split('#');
      const destination = relative === '' ? file : path.resolve(path.dirname(file), relative);
      if (!fs.existsSync(destination)) broken.push(`${target}: no such file`);
      else if (anchor !== undefined && destination.endsWith('.md') && !anchors(destination).has(anchor)) broken.push(`${target}: no such heading`);
    }
    expect(broken).toEqual([]);
  });
});
