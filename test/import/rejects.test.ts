// The rejects file: the input's columns, delimiter and BOM, op_id filled in,
// error replaced, risky cells protected; in place only after commit.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RejectsFile } from '../../src/import/rejects.js';
import { header } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function target(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-rejects-'));
  dirs.push(dir);
  return path.join(dir, 'bad.csv');
}

describe('rejects file', () => {
  it('keeps the columns, adds op_id and error, protects formulas, and appears only on commit', () => {
    const file = target();
    const rejects = RejectsFile.open(file, header('order_id,symbol,side,amount,price,source,error'), ';', true);
    rejects.add(['1', 'JPM', 'Buy', '1,000', '20', "'=SUM(A1)", 'old error'], 'import:x:abc:1', 'line 2: amount: bad');
    rejects.add(['=2', 'JPM', 'Buy', '5', '20', '-desk', ''], undefined, 'line 3: order_id: bad; price: worse');
    expect(fs.existsSync(file)).toBe(false);
    rejects.commit();
    expect(fs.readFileSync(file, 'utf8')).toBe(
      '\uFEFForder_id;symbol;side;amount;price;source;op_id;error\r\n' +
        "1;JPM;Buy;\"1,000\";20;'=SUM(A1);import:x:abc:1;line 2: amount: bad\r\n" +
        "'=2;JPM;Buy;5;20;'-desk;;\"line 3: order_id: bad; price: worse\"\r\n",
    );
    expect(fs.readdirSync(path.dirname(file))).toEqual(['bad.csv']);
  });

  it('fills an existing op_id column only where the row had none', () => {
    const file = target();
    const rejects = RejectsFile.open(file, header('action,order_id,op_id'), ',', false);
    rejects.add(['remove', '1', ''], 'derived', 'e1');
    rejects.add(['remove', '2', 'mine'], 'mine', 'e2');
    rejects.commit();
    expect(fs.readFileSync(file, 'utf8')).toBe('action,order_id,op_id,error\r\nremove,1,derived,e1\r\nremove,2,mine,e2\r\n');
  });

  it('leaves nothing behind when discarded', () => {
    const file = target();
    const rejects = RejectsFile.open(file, header('order_id,symbol,side,amount,price'), ',', false);
    rejects.add(['1', 'A', 'B', 'C', 'D'], undefined, 'e');
    rejects.discard();
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });

  it('refuses a place it cannot write', () => {
    expect(() => RejectsFile.open(path.join(target(), 'no', 'such', 'dir.csv'), header('order_id,symbol,side,amount,price'), ',', false)).toThrow(/rejects: cannot write/);
  });
});
