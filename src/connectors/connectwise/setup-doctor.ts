import { doctorCheck, listedNames, type DoctorCheck, type DoctorInput } from '../target-setup.ts';
import type { ConnectwisePsa, ResolvedTypes } from './connectwise-psa.ts';
import { namesOfKind } from './communication-types.ts';
import { connectConnectwise } from './connect.ts';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The communication types the config names, checked against the database's: each must exist and be of its kind
 * (an email type for `emailType`, phone types for `phoneType` and `mobileType`), or every write of that field fails.
 */
export function typeProblems(
  types: ResolvedTypes,
  names: { readonly emailType: string; readonly phoneType: string; readonly mobileType: string },
): DoctorCheck {
  const name = 'ConnectWise communication types';
  const missing = [
    ...(types.email === null ? [`emailType ${JSON.stringify(names.emailType)} is no email type`] : []),
    ...(types.phone === null ? [`phoneType ${JSON.stringify(names.phoneType)} is no phone type`] : []),
    ...(types.mobile === null ? [`mobileType ${JSON.stringify(names.mobileType)} is no phone type`] : []),
  ];
  if (missing.length > 0)
    return {
      name,
      state: 'fail',
      detail: `${missing.join('; ')} in this ConnectWise (its email types: ${namesOfKind(types.all, true)}; its phone types: ${namesOfKind(types.all, false)}): set connectwise.emailType, phoneType and mobileType in the config to names it has.`,
    };
  return {
    name,
    state: 'ok',
    detail: `email ${JSON.stringify(names.emailType)} (id ${types.email}), phone ${JSON.stringify(names.phoneType)} (id ${types.phone}), mobile ${JSON.stringify(names.mobileType)} (id ${types.mobile})`,
  };
}

/** Advice rather than a fault: without the codebase, pages simply do not link into ConnectWise. */
async function linksCheck(connectwise: ConnectwisePsa, block: Record<string, unknown>): Promise<DoctorCheck> {
  const configured = typeof block.codebase === 'string' ? block.codebase : null;
  const base = await connectwise.apiBase().catch(() => null);
  const seen = base === null ? null : (/\/([^/]+\/)apis\/3\.0\/$/.exec(base)?.[1] ?? null);
  const ok = configured !== null && (seen === null || seen === configured);
  return {
    name: 'ConnectWise links',
    state: ok ? 'ok' : 'warn',
    detail: ok
      ? `into ${String(block.site)}/${configured}`
      : seen !== null
        ? `add "codebase": "${seen}" under connectwise in the config to link into ConnectWise`
        : 'none yet: add "codebase" under connectwise in the config (such as "v4_6_release/")',
  };
}

/**
 * Doctor's checks of ConnectWise: the sign-in, the permissions (companies and contacts read), the communication types
 * the config names, each mapped company's sites, the links.
 */
export async function connectwiseDoctor(input: DoctorInput): Promise<DoctorCheck[]> {
  const block = (input.block ?? {}) as Record<string, unknown>;
  const connectwise = connectConnectwise(block, input.transport);
  const signedIn = await doctorCheck('ConnectWise PSA', async () => {
    const version = await connectwise.version();
    return `signed in${version === null ? '' : ` (${version})`} at ${await connectwise.apiBase()}`;
  });
  const checks = [signedIn];
  if (signedIn.state !== 'ok') return checks;
  checks.push(
    await doctorCheck('ConnectWise permissions', async () => {
      const companies = await connectwise.listAccounts();
      const first = companies[0];
      const contacts = first === undefined ? [] : await connectwise.listContacts(first.id);
      return `companies and contacts read: ${count(companies.length, 'company', 'companies')}${first === undefined ? '' : `, ${count(contacts.length, 'contact', 'contacts')} of ${JSON.stringify(first.name)}`}`;
    }),
  );
  const names = {
    emailType: typeof block.emailType === 'string' ? block.emailType : 'Email',
    phoneType: typeof block.phoneType === 'string' ? block.phoneType : 'Direct',
    mobileType: typeof block.mobileType === 'string' ? block.mobileType : 'Cell',
  };
  const types = await doctorCheck('ConnectWise communication types', async () => {
    await connectwise.types();
    return '';
  });
  checks.push(types.state === 'ok' ? typeProblems(await connectwise.types(), names) : types);
  for (const tenant of input.mapped)
    checks.push(
      await doctorCheck(
        `ConnectWise sites of ${tenant.displayName}`,
        async () => `${listedNames(await connectwise.listLocations(Number(tenant.customerId)), false)}`,
      ),
    );
  checks.push(await linksCheck(connectwise, block));
  return checks;
}
