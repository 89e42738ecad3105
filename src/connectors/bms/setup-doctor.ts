import type { Psa } from '../../domain/ports.ts';
import type { PsaType } from '../../domain/psa-contact.ts';
import type { Settings } from '../../domain/settings.ts';
import { foldName } from '../../normalize/name.ts';
import { doctorCheck, explainFailure, listedNames, type DoctorCheck, type DoctorInput } from '../target-setup.ts';
import { bmsBlockOf, connectBms } from './connect.ts';
import { checkBmsSwagger } from './swagger-check.ts';
import { BMS_REGIONS } from './wire.ts';

/**
 * The BMS type lists against the types the settings give (names or ids, over every tenant): a name BMS does not list
 * (or a list it does not serve) fails every contact written to BMS, so it is a problem now, not at the first sync.
 */
async function typeChecks(bms: Psa, settings: readonly Settings[]): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const kind of ['email', 'phone'] as const) {
    const name = `Kaseya BMS ${kind} types`;
    const setting = `psa.${kind}Type`;
    const given = new Set(settings.map((s) => (kind === 'email' ? s.psa.emailType : s.psa.phoneType)));
    const named = [...given].filter((value) => typeof value === 'string');
    let types: readonly PsaType[];
    try {
      types = await (kind === 'email' ? bms.listEmailTypes() : bms.listPhoneTypes());
    } catch (error) {
      checks.push({
        name,
        state: named.length > 0 ? 'fail' : 'warn',
        detail:
          named.length > 0
            ? `the settings name ${named.map((n) => `"${n}"`).join(', ')} (${setting}). ${explainFailure(error)}`
            : `could not be read; the settings give the type id, so none is needed.`,
      });
      continue;
    }
    const missing = [...given].filter((value) =>
      typeof value === 'number'
        ? !types.some((t) => t.id === value)
        : !types.some((t) => foldName(t.name) === foldName(value)),
    );
    checks.push(
      missing.length === 0
        ? { name, state: 'ok', detail: `${listedNames(types, true)} (setting ${setting})` }
        : {
            name,
            state: 'fail',
            detail: `the settings give ${missing.map((m) => (typeof m === 'number' ? `the id ${m}` : `"${m}"`)).join(', ')} (${setting}), which BMS does not have: every contact written to BMS would fail. BMS has ${listedNames(types, true)}: set ${setting} to one of them.`,
          },
    );
  }
  return checks;
}

/** BMS's published Swagger document against every path and body field the connector uses. */
async function swaggerCheck(baseUrl: string): Promise<DoctorCheck> {
  const name = 'Kaseya BMS Swagger document';
  const report = await checkBmsSwagger(baseUrl);
  if (!report.readable)
    return {
      name,
      state: 'warn',
      detail: `could not be read, so the connector's guesses about BMS's API are unchecked. Tried: ${report.tried.join('; ')}.`,
    };
  if (report.missing.length === 0)
    return { name, state: 'ok', detail: `${report.url} has every path and body field contactsync uses` };
  return {
    name,
    state: 'fail',
    detail:
      `${report.url} lacks ${report.missing.length} point${report.missing.length === 1 ? '' : 's'} contactsync uses ` +
      `(each is set in src/connectors/bms/wire.ts):\n${report.missing.map((m) => `    - ${m.what} (${m.evidence === 'guess' ? 'a guess' : 'confirmed by public clients'})`).join('\n')}`,
  };
}

/** Doctor's checks of BMS: the sign-in, the type lists, each mapped account's locations, the Swagger document. */
export async function bmsDoctor(input: DoctorInput): Promise<DoctorCheck[]> {
  const block = bmsBlockOf(input.block);
  const bms = connectBms(block, input.transport);
  const signedIn = await doctorCheck(
    'Kaseya BMS',
    async () => `signed in; ${(await bms.listAccounts()).length} accounts`,
  );
  const checks = [signedIn];
  if (signedIn.state === 'ok') checks.push(...(await typeChecks(bms, await input.settings())));
  const accounts = signedIn.state === 'ok' ? input.mapped.map((t) => ({ ...t, id: Number(t.customerId) })) : [];
  for (const tenant of accounts)
    checks.push(
      await doctorCheck(
        `Kaseya BMS locations of ${tenant.displayName}`,
        async () => `${listedNames(await bms.listLocations(tenant.id), false)}`,
      ),
    );
  const first = accounts[0];
  if (input.capture && first !== undefined)
    checks.push(
      await doctorCheck('Kaseya BMS contacts', async () => {
        const contacts = await bms.listContacts(first.id);
        const contact = contacts[0];
        if (contact !== undefined) {
          await bms.readContact(contact.id);
          if (contact.emailAddress !== null) await bms.findContactsByEmail(first.id, contact.emailAddress);
        }
        return `${contacts.length} read`;
      }),
    );
  checks.push(await swaggerCheck(block.baseUrl ?? BMS_REGIONS[block.region]));
  return checks;
}
