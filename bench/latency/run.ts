// Latency: in daemon mode with the default poll interval, 50 users created one by one in the Graph simulator at
// random moments; the time from each creation until the contact is in BMS. Prints p50 and p95.
import pino from 'pino';
import { Daemon } from '../../src/jobs/daemon.ts';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { startSandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed, type GraphUserSeed } from '../../src/sandbox/seed.ts';
import { seededRandom } from '../../src/sandbox/sim-server.ts';

const users = Number(process.argv[2] ?? 50);
const pollSeconds = Number(process.argv[3] ?? 60);
const spreadSeconds = Number(process.argv[4] ?? 120);

const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const box = await startSandbox({ seed, logger: pino({ level: 'silent' }) });
await box.syncAll({ force: true });
const daemon = new Daemon({ store: box.store, runner: box.runner, pollSeconds, reconcileHours: 24 });
const running = daemon.start();

const random = seededRandom(7);
const tenants = seed.tenants;
const template = tenants[0]!.users.find((u) => u.userPrincipalName.startsWith('james.smith@'))!;
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
const deadline = Date.now() + (pollSeconds + 30) * 1000;
while (arrivedAt.size < users && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
clearInterval(watcher);
await daemon.stop();
await running;
await box.close();
const latencies = [...arrivedAt.values()].sort((a, b) => a - b);
const percentile = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? null;
console.log(
  JSON.stringify({
    bench: 'latency',
    users,
    arrived: latencies.length,
    pollSeconds,
    p50Ms: percentile(50),
    p95Ms: percentile(95),
    maxMs: latencies.at(-1) ?? null,
  }),
);
