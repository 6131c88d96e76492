// Crash safety (SPEC §2, issue 4): the built binary runs a script of
// mutations with known operation ids (adds, modifies, removes, big quotes,
// trades, quote executions, multi-row imports) on a state of a few thousand
// orders and is killed at random moments, mostly SIGKILL, sometimes SIGTERM.
// Kill delays are drawn across the whole life of the command and, more
// densely, around its end, where the fsync and the checkpoint happen. After
// every kill the state must open, hold every acknowledged operation exactly
// once and the one in flight whole or not at all; the retry of that step must
// say whether it was already there. At the end, rerunning the whole script is
// all replays and the state equals the model's, order for order.
//
// Time: the test's timeout is a count of commands at the pace measured when
// the file starts; the kill delays and lock waits follow the measured time of
// the script's own commands; and kills stop early when what is left of the
// timeout would not cover the rest of the script, its rerun and the checks,
// so a machine that slows down mid-run gets fewer kills, not a timeout.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measurePace, paceOf } from '../pace.js';
import { crashScript, type Step } from './fixtures-store/crash-script.js';
import { companions, prng, runJson, seedState, spawnOms, stemOf, tempDir } from './fixtures-store/support.js';

const SEED = Number(process.env['OMS_CRASH_SEED'] ?? Date.now() % 1_000_000);
const ORDERS = 3000;
const STEPS = 60;
const KILLS_WANTED = 52;
/**
 * The work, in typical `status` commands: every step at least once, each kill
 * a killed run, two readers and the retry, the rerun and the final checks,
 * on a state of thousands of orders, where a command costs about twice a
 * `status` on no state at all.
 */
const STATE_COST = 2;
const WORK = (STEPS + KILLS_WANTED * 4 + STEPS + 4) * STATE_COST;
const pace = await measurePace();
const TIMEOUT_MS = pace.commands(WORK);

interface Attempt {
  pid: number | undefined;
  acknowledged: boolean;
  killed: boolean;
  json: any;
  ms: number;
  detail: string;
}

describe(`crash safety (OMS_CRASH_SEED=${SEED})`, () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  it('survives SIGKILL/SIGTERM at random moments, then a full rerun is all replays and matches the model', async () => {
    const state = temp.state;
    const script = crashScript(SEED, ORDERS, STEPS, temp.dir);
    await seedState(state, script.seed);
    const random = prng(SEED + 1);
    const deadline = Date.now() + TIMEOUT_MS;
    let phaseStarted = Date.now();
    const acknowledged: string[] = [];
    const stats = { kills: 0, sigterms: 0, inFlightCommitted: 0, inFlightLost: 0, locksLeft: 0, tempFilesSeen: 0, checkpoints: 0, killsInCheckpointingRuns: 0 };
    const snapshotInode = (): number => fs.statSync(state).ino;
    const lockHolderPid = (): number | undefined => {
      try {
        return (JSON.parse(fs.readFileSync(`${stemOf(state)}.lock`, 'utf8')) as { pid: number }).pid;
      } catch {
        return undefined;
      }
    };
    // Kill delays are drawn around how long a command takes: measured on this state first, then followed as the script runs.
    let typicalMs = await timeOf(() => runJson(state, ['status']));
    let cutShort = false;
    /**
     * Whether what is left of the timeout covers one more kill (four commands)
     * and then the rest without kills, the rerun and the checks, with three
     * times the typical time of these very commands for load that rises.
     */
    const timeForAKill = (stepsLeft: number): boolean => {
      const commandsLeft = 4 + stepsLeft + script.steps.length + 4;
      return Date.now() + commandsLeft * typicalMs * 3 < deadline;
    };

    const attempt = async (step: Step, kill?: { ms: number; signal: 'SIGKILL' | 'SIGTERM' }): Promise<Attempt> => {
      const started = Date.now();
      const inode = snapshotInode();
      const child = spawnOms(state, ['--json', '--lock-timeout', '0', ...step.args]);
      const timer = kill ? setTimeout(() => child.kill(kill.signal), kill.ms) : undefined;
      const result = await child;
      clearTimeout(timer);
      const ms = Date.now() - started;
      const checkpointed = snapshotInode() !== inode;
      if (checkpointed) stats.checkpoints++;
      if (checkpointed && result.exitCode !== 0) stats.killsInCheckpointingRuns++;
      let json: any;
      try {
        json = JSON.parse(String(result.stdout));
      } catch {
        json = undefined;
      }
      const detail = `${step.label}: exit ${result.exitCode} signal ${result.signal} stderr ${String(result.stderr).slice(0, 400)}`;
      if (result.exitCode === 0 && json !== undefined) return { pid: child.pid, acknowledged: true, killed: false, json, ms, detail };
      const killed = result.signal === 'SIGKILL' || result.signal === 'SIGTERM' || (kill?.signal === 'SIGTERM' && result.exitCode === 143);
      return { pid: child.pid, acknowledged: false, killed, json, ms, detail };
    };

    /** Opens the state as two readers would; returns whether the step in flight is there. */
    const verifyAfterKill = async (step: Step): Promise<boolean> => {
      const [status, history] = await Promise.all([
        runJson(state, ['status']),
        runJson(state, ['history', '--limit', String(acknowledged.length + step.opIds.length + 5)]),
      ]);
      expect(status.exitCode, status.stderr).toBe(0);
      expect(history.exitCode, history.stderr).toBe(0);
      const seen = (history.json.operations as { opId: string }[]).map((op) => op.opId).filter((id) => id.startsWith('c-'));
      expect(new Set(seen).size, 'an operation recorded twice').toBe(seen.length);
      const seenSet = new Set(seen);
      for (const id of acknowledged) expect(seenSet.has(id), `acknowledged ${id} is missing`).toBe(true);
      const extra = seen.filter((id) => !acknowledged.includes(id));
      for (const id of extra) expect(step.opIds, `${id} is there but was never run`).toContain(id);
      expect([0, step.opIds.length], `step "${step.label}" is half there`).toContain(extra.length);
      return extra.length > 0;
    };

    const replayedAll = (step: Step, json: any): boolean => (step.args[0] === 'import' ? json.replayed === step.opIds.length && json.applied === 0 : json.replayed === true);
    const appliedAll = (step: Step, json: any): boolean => (step.args[0] === 'import' ? json.applied === step.opIds.length && json.replayed === 0 : json.replayed === false);

    for (const [index, step] of script.steps.entries()) {
      let present: boolean | undefined;
      for (let killsOfStep = 0; ; ) {
        let wantKill = stats.kills < KILLS_WANTED && killsOfStep < 3;
        if (wantKill && !timeForAKill(script.steps.length - index)) {
          cutShort = true;
          wantKill = false;
        }
        const signal = random() < 0.15 ? 'SIGTERM' : 'SIGKILL';
        const ms = random() < 0.35 ? 5 + random() * typicalMs : typicalMs * (0.75 + random() * 0.35);
        const outcome = await attempt(step, wantKill ? { ms, signal } : undefined);
        if (outcome.acknowledged) {
          if (present !== undefined) expect(present ? replayedAll(step, outcome.json) : appliedAll(step, outcome.json), `${outcome.detail} ${JSON.stringify(outcome.json)}`).toBe(true);
          typicalMs = typicalMs * 0.8 + outcome.ms * 0.2;
          break;
        }
        expect(outcome.killed, outcome.detail).toBe(true);
        killsOfStep++;
        stats.kills++;
        if (signal === 'SIGTERM') {
          stats.sigterms++;
          // A lock may remain from an earlier SIGKILL, but never one this process held.
          expect(lockHolderPid(), `SIGTERM left its lock behind (${outcome.detail})`).not.toBe(outcome.pid);
        }
        if (fs.existsSync(`${stemOf(state)}.lock`)) stats.locksLeft++;
        stats.tempFilesSeen += companions(state).filter((name) => name.includes('.tmp-')).length;
        present = await verifyAfterKill(step);
        if (present) stats.inFlightCommitted++;
        else stats.inFlightLost++;
      }
      acknowledged.push(...step.opIds);
    }
    console.log(`crash test seed ${SEED}:`, stats, `typical command ${Math.round(typicalMs)} ms, kill phase ${Date.now() - phaseStarted} ms of a ${TIMEOUT_MS} ms timeout`);
    if (cutShort) console.warn(`crash test: kills stopped at ${stats.kills} of ${KILLS_WANTED}; the machine slowed down so much that more would not fit the timeout`);
    phaseStarted = Date.now();
    expect(stats.kills).toBeGreaterThanOrEqual(cutShort ? 1 : 50);

    // The whole script again, three at a time: every step is a replay.
    const queue = [...script.steps];
    const rerun = async (): Promise<void> => {
      for (let step = queue.shift(); step; step = queue.shift()) {
        // Each waits for at most the two other reruns.
        const result = await runJson(state, ['--lock-timeout', String(paceOf(typicalMs).seconds(2)), ...step.args]);
        expect(result.exitCode, `${step.label}: ${result.stderr}`).toBe(0);
        expect(replayedAll(step, result.json), `${step.label} was not a replay: ${JSON.stringify(result.json)}`).toBe(true);
      }
    };
    await Promise.all([rerun(), rerun(), rerun()]);
    console.log(`rerun of ${script.steps.length} steps: ${Date.now() - phaseStarted} ms; temp files left behind: ${companions(state).filter((name) => name.includes('.tmp-')).join(', ') || 'none'}`);

    const [orders, trades, history, status] = await Promise.all([
      runJson(state, ['orders']),
      runJson(state, ['trades', '--limit', '100000']),
      runJson(state, ['history', '--limit', '100000']),
      runJson(state, ['status']),
    ]);
    const strip = (order: { acceptedAt?: string }): object => ({ ...order, acceptedAt: undefined });
    expect(orders.json.orders.map(strip)).toEqual(script.model.orders().map(strip));
    const tradesOldestFirst = [...trades.json.trades].reverse();
    expect(
      tradesOldestFirst.map((trade: any) => ({
        tradeId: trade.tradeId,
        symbol: trade.symbol,
        side: trade.side,
        requested: trade.requested,
        filled: trade.filled,
        total: trade.total,
        fills: trade.fills,
        quoteId: trade.quoteId,
      })),
    ).toEqual(script.trades);
    const opIds = (history.json.operations as { opId: string }[]).map((op) => op.opId).filter((id) => id.startsWith('c-'));
    expect(opIds.sort()).toEqual(script.steps.flatMap((step) => step.opIds).sort());
    expect(status.json.liveOrders).toBe(script.model.orders().length);
    expect(status.json.trades).toBe(script.trades.length);
    expect(companions(state).filter((name) => !name.includes('.tmp-') && !name.endsWith('.csv'))).toEqual(
      ['state.index', 'state.journal', 'state.json'].filter((name) => fs.existsSync(path.join(temp.dir, name))),
    );
  }, TIMEOUT_MS);
});

async function timeOf(run: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await run();
  return Date.now() - started;
}
