import { doctorCheck, listedNames, type DoctorCheck, type DoctorInput } from '../target-setup.ts';
import { connectHalo, haloBlockOf } from './connect.ts';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Doctor's checks of Halo: the sign-in and the clients it sees (with how many name a Microsoft 365 tenant), the
 * permissions (users read), each mapped client's sites and whether it names the tenant mapped to it.
 */
export async function haloDoctor(input: DoctorInput): Promise<DoctorCheck[]> {
  const halo = connectHalo(haloBlockOf(input.block), input.transport);
  let clients: Awaited<ReturnType<typeof halo.listAccounts>> = [];
  const signedIn = await doctorCheck('HaloPSA', async () => {
    clients = await halo.listAccounts();
    const linked = clients.filter((c) => (c.directoryTenantIds ?? []).length > 0).length;
    return `signed in; ${count(clients.length, 'client', 'clients')}, ${linked} of them linked to a Microsoft 365 tenant (mapped by it before the name)`;
  });
  const checks = [signedIn];
  if (signedIn.state !== 'ok') return checks;
  checks.push(
    await doctorCheck('Halo permissions', async () => {
      const first = clients[0];
      const users = first === undefined ? [] : await halo.listContacts(first.id);
      return `clients and users read${first === undefined ? '' : `: ${count(users.length, 'user', 'users')} of ${JSON.stringify(first.name)}`}`;
    }),
  );
  for (const tenant of input.mapped) {
    const client = clients.find((c) => String(c.id) === tenant.customerId);
    checks.push(
      await doctorCheck(`Halo sites of ${tenant.displayName}`, async () => {
        const sites = await halo.listLocations(Number(tenant.customerId));
        const main = sites.find((s) => s.isMain);
        return `${listedNames(sites, false)}${main === undefined ? '' : ` (main: ${JSON.stringify(main.name)})`}`;
      }),
    );
    const tenants = client?.directoryTenantIds ?? [];
    if (tenants.length > 0)
      checks.push({
        name: `Halo client of ${tenant.displayName}`,
        state: 'ok',
        detail: `${JSON.stringify(client!.name)} is linked to ${count(tenants.length, 'Microsoft 365 tenant', 'Microsoft 365 tenants')}`,
      });
  }
  return checks;
}
