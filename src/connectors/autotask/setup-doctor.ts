import { doctorCheck, explainFailure, listedNames, type DoctorCheck, type DoctorInput } from '../target-setup.ts';
import type { AutotaskFieldInfo, AutotaskPsa } from './autotask-psa.ts';
import { autotaskBlockOf, connectAutotask } from './connect.ts';
import { portFieldOf } from './mapping.ts';
import { AUTOTASK_TEXT_LIMIT, CONTACT_FIELDS } from './wire.ts';

/** The contact fields every create sends: the company, the names, and whether the contact is active. */
const FILLED: readonly string[] = [
  CONTACT_FIELDS.id,
  CONTACT_FIELDS.companyId,
  CONTACT_FIELDS.firstName,
  CONTACT_FIELDS.lastName,
  CONTACT_FIELDS.isActive,
];
/** The names and title: shortened to `AUTOTASK_TEXT_LIMIT`, which must not be more than the instance takes. */
const SHORTENED: readonly string[] = [CONTACT_FIELDS.firstName, CONTACT_FIELDS.lastName, CONTACT_FIELDS.title];

/**
 * The fields this Autotask instance requires of a contact beyond those every create sends (an instance can require
 * more), and the text lengths it takes: a required field contactsync never fills fails every create (the sync holds
 * every new contact); one it fills from Microsoft 365 (a title, a phone) holds the users who have none.
 */
export function contactFieldProblems(fields: readonly AutotaskFieldInfo[]): DoctorCheck {
  const name = 'Autotask contact fields';
  const extra = fields.filter((f) => f.isRequired && !f.isReadOnly && !FILLED.includes(f.name)).map((f) => f.name);
  const required = extra.filter((f) => portFieldOf(f) === null);
  const filled = extra.filter((f) => portFieldOf(f) !== null);
  const short = fields.filter(
    (f) => SHORTENED.includes(f.name) && f.length !== null && f.length > 0 && f.length < AUTOTASK_TEXT_LIMIT,
  );
  if (required.length > 0)
    return {
      name,
      state: 'fail',
      detail: `this Autotask requires ${required.map((f) => `"${f}"`).join(', ')} of a contact, which contactsync does not fill: every new contact is held. Make ${required.length === 1 ? 'it' : 'them'} optional in Autotask (Admin > Features & Settings > Contacts), or give ${required.length === 1 ? 'it a default' : 'them defaults'} there.`,
    };
  if (filled.length > 0)
    return {
      name,
      state: 'warn',
      detail: `this Autotask requires ${filled.map((f) => `"${f}"`).join(', ')} of a contact: a user Microsoft 365 has no value for is held, with the field named. Make ${filled.length === 1 ? 'it' : 'them'} optional in Autotask (Admin > Features & Settings > Contacts) to send such users too.`,
    };
  if (short.length > 0)
    return {
      name,
      state: 'warn',
      detail: `${short.map((f) => `"${f.name}" takes ${f.length} characters`).join(', ')}, fewer than the ${AUTOTASK_TEXT_LIMIT} contactsync shortens to: a longer value is refused.`,
    };
  return { name, state: 'ok', detail: `no field required beyond ${FILLED.filter((f) => f !== 'id').join(', ')}` };
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const same = (a: string, b: string) => a.replace(/\/$/, '').toLowerCase() === b.replace(/\/$/, '').toLowerCase();

/** Advice rather than a fault: without the zone's web address, pages simply do not link into Autotask. */
async function linksCheck(autotask: AutotaskPsa, configured: string | undefined): Promise<DoctorCheck> {
  const zone = await autotask.zone().catch(() => null);
  const seen = zone?.webUrl ?? null;
  return {
    name: 'Autotask links',
    state: configured !== undefined && (seen === null || same(seen, configured)) ? 'ok' : 'warn',
    detail:
      configured !== undefined
        ? seen === null || same(seen, configured)
          ? `into ${configured}`
          : `autotask.webUrl is "${configured}", but Autotask says the zone is ${seen}: set it to "${seen}"`
        : seen !== null
          ? `none yet: add "webUrl": "${seen}" under autotask in the config (the zone's web address)`
          : 'none yet: add "webUrl" under autotask in the config (the zone\'s web address, such as https://ww5.autotask.net/)',
  };
}

/**
 * Doctor's checks of Autotask: the sign-in and the database's use of its hourly limit, the permissions (companies
 * and contacts read), the contact fields the instance requires, each mapped company's locations, the links.
 */
export async function autotaskDoctor(input: DoctorInput): Promise<DoctorCheck[]> {
  const block = autotaskBlockOf(input.block);
  const autotask = connectAutotask(block, input.transport);
  const signedIn = await doctorCheck('Autotask PSA', async () => {
    const zone = await autotask.zone();
    const { used, limit } = await autotask.threshold();
    return `signed in${zone.name === null ? '' : ` (zone ${zone.name})`}; the database spent ${used} of its ${limit} requests this hour${used > limit / 2 ? ' (past half: Autotask slows every call, and contactsync spends less)' : ''}`;
  });
  const checks = [signedIn];
  if (signedIn.state !== 'ok') return checks;
  checks.push(
    await doctorCheck('Autotask permissions', async () => {
      const companies = await autotask.listAccounts();
      const first = companies[0];
      const contacts = first === undefined ? [] : await autotask.listContacts(first.id);
      return `companies and contacts read: ${count(companies.length, 'company', 'companies')}${first === undefined ? '' : `, ${count(contacts.length, 'contact', 'contacts')} of ${JSON.stringify(first.name)}`}`;
    }),
  );
  try {
    checks.push(contactFieldProblems(await autotask.contactFields()));
  } catch (error) {
    checks.push({
      name: 'Autotask contact fields',
      state: 'warn',
      detail: `could not be read: ${explainFailure(error)}`,
    });
  }
  for (const tenant of input.mapped)
    checks.push(
      await doctorCheck(
        `Autotask locations of ${tenant.displayName}`,
        async () => `${listedNames(await autotask.listLocations(Number(tenant.customerId)), false)}`,
      ),
    );
  checks.push(await linksCheck(autotask, block.webUrl));
  return checks;
}
