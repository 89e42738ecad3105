// Rate-limit use: a backlog of BMS creates against BMS's limit (1,500 calls per window per endpoint, the hour
// compressed to `windowMs`). Reports the calls made in each full window over the calls allowed, and the 429s caused.
import { BmsPsa } from '../../src/connectors/bms/bms-psa.ts';
import { createApiBudget } from '../../src/connectors/api-budgets.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';

const creates = Number(process.argv[2] ?? 5000);
const windowMs = Number(process.argv[3] ?? 20_000);
const limit = 1500;

const sims = await startSimulators(
  parseSeed({
    bms: {
      accounts: [{ id: 1, name: 'Backlog Ltd', locations: [{ id: 11, name: 'HQ', isMain: true }] }],
      emailTypes: [{ id: 1, name: 'Work' }],
      phoneTypes: [{ id: 1, name: 'Office' }],
    },
  }),
);
sims.bms.limiter.limit = limit;
sims.bms.limiter.windowMs = windowMs;
const bms = new BmsPsa({
  credentials: sims.credentials.bms,
  baseUrl: sims.urls.bms!,
  budget: createApiBudget({ bms: { limit, windowMs } }),
});
const started = Date.now();
for (let i = 0; i < creates; i++) {
  const result = await bms.createContact(1, {
    firstName: `F${i}`,
    lastName: 'Backlog',
    jobTitle: null,
    emailAddress: `f${i}@backlog.example`,
    emailTypeId: 1,
    phoneNumber: '+12065550100',
    phoneTypeId: 1,
    mobilePhone: null,
    locationId: 11,
    isActive: true,
  });
  if (!result.ok) throw new Error(`create ${i} refused: ${result.reasons[0]?.message}`);
}
const elapsedMs = Date.now() - started;
const posts = sims.requests.filter(
  (r) => r.server === 'bms' && r.route === '/v2/crm/contacts/summary' && r.method === 'POST',
);
const throttled = posts.filter((r) => r.status === 429).length;
const first = posts[0]!.at;
const perWindow = new Map<number, number>();
for (const post of posts)
  if (post.status !== 429)
    perWindow.set(
      Math.floor((post.at - first) / windowMs),
      (perWindow.get(Math.floor((post.at - first) / windowMs)) ?? 0) + 1,
    );
const full = [...perWindow.entries()]
  .filter(([window]) => window < Math.floor((posts.at(-1)!.at - first) / windowMs))
  .map(([, n]) => n);
const utilization = full.length === 0 ? 0 : full.reduce((a, b) => a + b, 0) / full.length / limit;
console.log(
  JSON.stringify({
    bench: 'rate-limit',
    api: 'bms',
    creates,
    limit,
    windowMs,
    elapsedMs,
    fullWindows: full.length,
    callsPerFullWindow: full,
    utilization: Number(utilization.toFixed(3)),
    throttled429: throttled,
  }),
);
await sims.close();
