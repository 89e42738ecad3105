import type { PsaType } from '../../domain/psa-contact.ts';
import { DEFAULT_SETTINGS } from '../../domain/settings.ts';
import { foldName } from '../../normalize/name.ts';
import { isConnectorError } from '../http/connector-error.ts';
import { QUICK_CHECK, type SetupAsker, type SetupQuestion } from '../target-setup.ts';
import { connectBms } from './connect.ts';
import { BMS_ENDPOINTS, BMS_REGIONS, bmsTypeIdsWhere, type BmsRegion } from './wire.ts';

const typeId = (answer: string) =>
  /^\d+$/.test(answer) && Number(answer) > 0 ? null : 'a type id is a whole number such as 3, not its name';

/** The type ids `init` asks for when BMS cannot give the types the settings name. */
export const TYPE_QUESTIONS = {
  bmsEmailType: {
    env: 'CONTACTSYNC_BMS_EMAIL_TYPE_ID',
    question: 'Kaseya BMS email type id (a number)',
    check: typeId,
  },
  bmsPhoneType: {
    env: 'CONTACTSYNC_BMS_PHONE_TYPE_ID',
    question: 'Kaseya BMS phone type id (a number)',
    check: typeId,
  },
} as const satisfies Record<string, SetupQuestion>;

/** One of BMS's type lists: the types, or why it could not be read (BMS does not serve it where contactsync asks). */
type TypeList = { readonly types: readonly PsaType[] } | { readonly unreadable: string };

/**
 * BMS's email and phone types, read as soon as the credentials are known, so that a type the settings cannot name is
 * found at once rather than by the first contact written. Throws when BMS cannot be asked at all (sign-in, network).
 */
async function readTypes(
  credentials: { userName: string; password: string; tenant: string },
  region: BmsRegion,
  given: string | undefined,
): Promise<Record<'email' | 'phone', TypeList>> {
  const baseUrl = given ?? BMS_REGIONS[region];
  const psa = connectBms({ ...credentials, region, baseUrl }, QUICK_CHECK);
  const read = async (kind: 'email' | 'phone'): Promise<TypeList> => {
    try {
      return { types: await (kind === 'email' ? psa.listEmailTypes() : psa.listPhoneTypes()) };
    } catch (error) {
      if (!isConnectorError(error, 'NotFound')) throw error;
      const { method, path } = BMS_ENDPOINTS[kind === 'email' ? 'emailTypes' : 'phoneTypes'];
      return {
        unreadable: `Kaseya BMS does not list its ${kind} types where contactsync asks (${method} ${path} answered ${error.status ?? 'nothing'}), so the ${kind} type must be given by its id, or every contact written to BMS would fail. ${bmsTypeIdsWhere(baseUrl)}`,
      };
    }
  };
  return { email: await read('email'), phone: await read('phone') };
}

/**
 * The BMS email and phone types the settings name (`Work`, `Office` by default) must exist in BMS, or every contact
 * written there fails: read at once. When BMS does not list them, or lacks the one named, the type's id is asked for
 * and written into the settings.
 */
export async function askTypeIds(asker: SetupAsker, baseUrl: string | undefined): Promise<void> {
  const a = asker.answers;
  if (a.bmsTenant === undefined || a.bmsUserName === undefined || a.bmsPassword === undefined) return;
  let lists: Awaited<ReturnType<typeof readTypes>>;
  try {
    lists = await readTypes(
      { userName: a.bmsUserName, password: a.bmsPassword, tenant: a.bmsTenant },
      (a.bmsRegion ?? 'us') as BmsRegion,
      baseUrl,
    );
  } catch {
    // Not signed in, or BMS out of reach: said by the sign-in check above; contactsync doctor checks the types later.
    return;
  }
  for (const kind of ['email', 'phone'] as const) {
    const key = kind === 'email' ? 'bmsEmailType' : 'bmsPhoneType';
    const wanted = String(DEFAULT_SETTINGS.psa[kind === 'email' ? 'emailType' : 'phoneType']);
    const list = lists[kind];
    let why: string;
    let known: ((answer: string) => string | null) | undefined;
    if ('types' in list) {
      const named = list.types.find((t) => foldName(t.name) === foldName(wanted));
      const listing = list.types.map((t) => `"${t.name}" (id ${t.id})`).join(', ') || 'none';
      known = (answer) =>
        list.types.some((t) => t.id === Number(answer)) ? null : `BMS has no ${kind} type ${answer}: ${listing}`;
      if (named !== undefined && !asker.given(key)) {
        asker.say(`  ✓ Kaseya BMS has the ${kind} type "${named.name}" (id ${named.id}) the settings name.`);
        continue;
      }
      why = `Kaseya BMS has no ${kind} type "${wanted}", the one the settings name: its ${kind} types are ${listing}.`;
    } else why = list.unreadable;
    if (asker.given(key)) {
      await asker.ask(key, known);
      continue;
    }
    if (!asker.interactive) {
      asker.problem(`${why} Set ${TYPE_QUESTIONS[key].env} to the id.`);
      continue;
    }
    asker.say(`  ✗ ${why}`);
    await asker.ask(key, known);
  }
}
