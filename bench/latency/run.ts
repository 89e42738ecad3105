// Latency: in daemon mode with the default poll interval, 50 users created one by one in the Graph simulator at
// random moments; the time from each creation until the contact is in BMS. Prints p50 and p95.
//
// `--push`: the same with change notifications. The daemon's notification endpoint listens on loopback, every
// tenant is subscribed, and pushed tenants are polled only every 15 minutes (the safety poll): a hire arrives by its
// notice. The Graph simulator delivers as CONTRACTS.md says Graph does (a 3 s answer timeout, retries, silent drops),
// so the figures measure the product and the simulator's delivery, not Graph's own latency, which is documented as
// unknown for users. Also prints how long the endpoint took to answer each delivery and how many the simulator had to
// retry or dropped.
import pino from 'pino';
import { Daemon } from '../../src/jobs/daemon.ts';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { startSandbox } from '../../src/sandbox/run-sandbox.ts';
import { startSandboxPush } from '../../src/sandbox/sandbox-push.ts';
import { parseSeed, type GraphUserSeed } from '../../src/sandbox/seed.ts';
import { seededRandom } from '../../src/sandbox/sim-server.ts';

const push = process.argv.includes('--push');
const [users, pollSeconds, spreadSeconds] = [50, 60, 120].map((fallback, i) =>
  Number(process.argv.filter((a) => !a.startsWith('--'))[i + 2] ?? fallback),
) as [number, number, number];
/** the daemon's default safety poll of a pushed tenant */
const PUSH_POLL_SECONDS = 900;

const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const box = await startSandbox({ seed, logger: pino({ level: 'silent' }) });
await box.syncAll({ force: true });

let daemon: Daemon | null = null;
const pushed = push
  ? await startSandboxPush(box, (tenantIds) => tenantIds.forEach((id) => daemon?.nudge(id)), {
      onEndpointError: (message) => console.error(message),
    })
  : null;
const services = pushed?.push ?? null;
await services?.keeper.reconcile();
daemon = new Daemon({
  store: box.store,
  runner: box.runner,
  pollSeconds,
  reconcileHours: 24,
  ...(services === null ? {} : { modes: () => services!.deliveryModes(), pushPollSeconds: PUSH_POLL_SECONDS }),
});
const running = daemon.start();

// With notifications, hires go to the pushed tenants only: the others would be measured by their polls.
const modes = services === null ? null : await services.deliveryModes();
const tenants = seed.tenants.filter((t) => modes === null || modes.get(t.id)?.mode === 'push');
if (tenants.length === 0) throw new Error('no tenant is pushed: the subscriptions could not be made');
const random = seededRandom(7);
const template = seed.tenants[0]!.users.find((u) => u.userPrincipalName.startsWith('james.smith@'))!;
const hires = Array.from({ length: users }, (_, i) => ({
  at: random() * spreadSeconds * 1000,
  tenant: tenants[i % tenants.length]!,
  i,
})).sort((a, b) => a.at - b.at);
const createdAt = new Map<string, number>();
const arrivedAt = new Map<string, number>();
const start = Date.now();
const watcher = setInterval(() => {
  for (const [email, at] of createdAt) {
    if (arrivedAt.has(email)) continue;
    const account = box.sims.bms.dump().accounts.find((a) => a.contacts.some((c) => c.emailAddress === email));
    if (account !== undefined) arrivedAt.set(email, Date.now() - at);
  }
}, 100);
for (const hire of hires) {
  const wait = start + hire.at - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const domain = hire.tenant.users[0]!.mail!.split('@')[1]!;
  const email = `latency.${hire.i}@${domain}`;
  const user: GraphUserSeed = {
    ...template,
    id: `00000000-0000-4000-9000-${String(hire.i).padStart(12, '0')}`,
    userPrincipalName: email,
    mail: email,
    proxyAddresses: [`SMTP:${email}`],
    givenName: `Hire${hire.i}`,
    surname: 'Latency',
    displayName: `Hire${hire.i} Latency`,
    usageLocation: hire.tenant.users[0]!.usageLocation,
    businessPhones: [hire.tenant.users.find((u) => u.businessPhones.length > 0)!.businessPhones[0]!],
  };
  box.sims.graph.addUser(hire.tenant.id, user);
  createdAt.set(email, Date.now());
}
// A hire that missed its notice would wait for the safety poll: a minute and a half is enough for the others.
const deadline = Date.now() + (push ? 90 : pollSeconds + 30) * 1000;
while (arrivedAt.size < users && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
clearInterval(watcher);
await daemon.stop();
await running;
await pushed?.close();
const delivered = box.sims.subscriptions.deliveries.filter((d) => d.kind === 'notification');
const dropped = box.sims.subscriptions.dropped.reduce((sum, d) => sum + d.count, 0);
await box.close();

const sorted = (values: Iterable<number>) => [...values].sort((a, b) => a - b);
const percentile = (values: readonly number[], p: number) =>
  values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] ?? null;
const latencies = sorted(arrivedAt.values());
const answers = sorted(delivered.map((d) => d.ms));
console.log(
  JSON.stringify({
    bench: push ? 'push' : 'latency',
    users,
    arrived: latencies.length,
    pollSeconds,
    ...(push ? { pushPollSeconds: PUSH_POLL_SECONDS, tenants: tenants.length } : {}),
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: latencies.at(-1) ?? null,
    ...(push
      ? {
          deliveries: delivered.length,
          failedDeliveries: delivered.filter((d) => d.status === null || d.status < 200 || d.status >= 300).length,
          dropped,
          answerP50Ms: percentile(answers, 50),
          answerP95Ms: percentile(answers, 95),
          answerMaxMs: answers.at(-1) ?? null,
        }
      : {}),
  }),
);
