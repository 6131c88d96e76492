// What the numbers were measured on, printed with every table: the same
// bench on another machine gives other numbers, and a shared or virtual
// machine is noisier than a quiet one.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

function quietly(read) {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function disk(dir) {
  const line = quietly(() => execFileSync('df', ['-P', '-T', dir], { encoding: 'utf8' }).trim().split('\n')[1]);
  if (!line) return 'unknown';
  const [device, type, blocks] = line.split(/\s+/);
  const name = device?.replace('/dev/', '') ?? '';
  const rotational = quietly(() => fs.readFileSync(`/sys/block/${name}/queue/rotational`, 'utf8').trim());
  const kind = rotational === '0' ? 'non-rotational' : rotational === '1' ? 'rotational' : 'unknown kind';
  return `${device} (${type}, ${Math.round(Number(blocks) / 1024 / 1024)} GiB, ${kind})`;
}

function hypervisor() {
  const cpuinfo = quietly(() => fs.readFileSync('/proc/cpuinfo', 'utf8')) ?? '';
  return /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo) ? 'virtual machine' : 'bare metal or unknown';
}

export function describeMachine(dir) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    host: hypervisor(),
    disk: disk(dir),
    loadAverageAtStart: loadAverage(),
  };
}

export function loadAverage() {
  return os.loadavg().map((load) => Math.round(load * 100) / 100);
}

export function machineLine(machine) {
  const end = machine.loadAverageAtEnd ? `, at end ${machine.loadAverageAtEnd.join(' ')}` : '';
  return `${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, Node ${machine.node}, ${machine.os}, ${machine.host}; disk ${machine.disk}; load average (1/5/15 min) at start ${machine.loadAverageAtStart.join(' ')}${end}`;
}
