import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed, type GraphUserSeed, type Seed } from '../../src/sandbox/seed.ts';
import { seededRandom } from '../../src/sandbox/sim-server.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig } from '../support/cli.ts';
import { duplicateContacts, visibleState } from '../support/visible-state.ts';

/**
 * SIGKILLs at random points across a full sync and the incremental syncs after it (new hires, edits, leavers, phone
 * changes): after each kill the sync is started again, and the end must equal a run that was never killed, with no
 * duplicate. The bounded form kills 12 times; CONTACTSYNC_LONG_RELIABILITY=1 kills 100 times.
 */
const KILLS = process.env.CONTACTSYNC_LONG_RELIABILITY === '1' ? 100 : 12;

const demo = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const tenant = { ...demo.tenants[0]!, users: demo.tenants[0]!.users.slice(0, 40) };
const seed: Seed = { ...demo, tenants: [tenant] };

/** A change made in Microsoft 365 before an incremental sync; `round` keeps each round's change new. */
interface Phase {
  readonly name: string;
  /** about how many crash points its sync passes (kills are drawn below it) */
  readonly crashPoints: number;
  change(sims: RunningSimulators, round: number): void;
}

const template = tenant.users.find((u) => u.businessPhones.length > 0 && u.accountEnabled !== false)!;
const domain = template.mail!.split('@')[1]!;

const FULL: Phase = { name: 'full sync', crashPoints: 150, change: () => {} };
const INCREMENTAL: readonly Phase[] = [
  {
    name: 'new hires and edits',
    crashPoints: 30,
    change: (sims, round) => {
      for (let i = 0; i < 4; i++) {
        const email = `crash.hire${round}.${i}@${domain}`;
        const hire: GraphUserSeed = {
          ...template,
          id: `00000000-0000-4000-99${String(round).padStart(2, '0')}-${String(i).padStart(12, '0')}`,
          userPrincipalName: email,
          mail: email,
          proxyAddresses: [`SMTP:${email}`],
          givenName: `Crash${round}x${i}`,
          surname: 'Hire',
          displayName: `Crash${round}x${i} Hire`,
        };
        sims.graph.addUser(tenant.id, hire);
      }
      for (const user of tenant.users.slice(round % 20, (round % 20) + 4))
        sims.graph.updateUser(tenant.id, user.id, { jobTitle: `Title of round ${round}` });
    },
  },
  {
    name: 'leavers',
    crashPoints: 12,
    change: (sims, round) =>
      tenant.users
        .slice(20 + (round % 6) * 3, 23 + (round % 6) * 3)
        .forEach((u) => sims.graph.deleteUser(tenant.id, u.id)),
  },
  {
    name: 'phone changes',
    crashPoints: 20,
    change: (sims, round) =>
      tenant.users
        .slice(0, 5)
        .forEach((u, i) =>
          sims.graph.updateUser(tenant.id, u.id, { businessPhones: [`+1 206 555 ${String(1000 + round * 10 + i)}`] }),
        ),
  },
];

async function sync(config: string, dir: string, crashAt: number) {
  return runCli(['sync', '--config', config], {
    CONTACTSYNC_DATA_DIR: dir,
    ...(crashAt > 0 ? { CONTACTSYNC_CRASH_AT: String(crashAt) } : {}),
  });
}

async function world() {
  const sims = await startSimulators(seed);
  const dir = mkdtempSync(join(tmpdir(), 'crashes-'));
  const config = simulatorConfig(sims, dir, {
    tenants: [{ id: tenant.id, displayName: tenant.displayName }],
    settings: seed.settings,
  });
  return { sims, dir, config };
}

describe('crashes across full and incremental runs', () => {
  beforeAll(() => buildCli(), 60_000);

  it(`killed ${KILLS} times at random points and restarted each time, ends as a run never killed, with no duplicate`, async () => {
    const clean = await world();
    const killed = await world();
    const random = seededRandom(2026);
    const cap = Math.max(2, Math.ceil(KILLS / 8));
    let kills = 0;
    const finishedEarly: { phase: string; code: number | null; stderr: string }[] = [];
    try {
      for (let round = 0; round === 0 || kills < KILLS; round++) {
        const phase = round === 0 ? FULL : INCREMENTAL[(round - 1) % INCREMENTAL.length]!;
        phase.change(clean.sims, round);
        phase.change(killed.sims, round);
        const reference = await sync(clean.config, clean.dir, 0);
        expect(reference.code, `${phase.name}, clean: ${reference.stderr}`).not.toBe(1);
        // Killed at a random point, restarted and killed again, until a restart finishes or this round's kills are spent.
        for (let inRound = 0; inRound < cap && kills < KILLS; inRound++) {
          const run = await sync(killed.config, killed.dir, 1 + Math.floor(random() * phase.crashPoints));
          if (run.signal !== 'SIGKILL') {
            finishedEarly.push({ phase: phase.name, code: run.code, stderr: run.stderr });
            break;
          }
          kills += 1;
        }
        const restart = await sync(killed.config, killed.dir, 0);
        expect(restart.code, `${phase.name} (round ${round}), restart: ${restart.stderr}`).not.toBe(1);
        expect(duplicateContacts(killed.sims), `duplicates after ${phase.name} (round ${round})`).toEqual([]);
        expect(visibleState(killed.sims), `state after ${phase.name} (round ${round})`).toEqual(
          visibleState(clean.sims),
        );
      }
      expect(kills).toBe(KILLS);
      // A run whose random point lay beyond its last write simply finished, as a sync does.
      expect(finishedEarly.filter((r) => r.code === 1)).toEqual([]);
    } finally {
      await clean.sims.close();
      await killed.sims.close();
    }
  }, 900_000);
});
