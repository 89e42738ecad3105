import { HuduDocStore } from '../../src/connectors/hudu/hudu-doc-store.ts';
import { splitDisplayName } from '../../src/normalize/name.ts';
import { startHudu } from '../support/hudu-simulator.ts';
import type { ProxiedRequest } from './recording-proxy.ts';
import { docStoreClient } from './doc-store-client.ts';
import type { ContractContact, RunningTarget, TargetContractAdapter } from './target-contract.ts';

const PEOPLE_LAYOUT = 5;
const KEY = 'hudu-contract-key';
const WRONG_KEY = 'hudu-wrong-contract-key';
const HAND_NOTE = 'Prefers Teams; desk phone ext. 4411';

const digits = (phone: string) => phone.replace(/\D/g, '');
const phoneOf = (text: string | null | undefined): string | null =>
  text === null || text === undefined || digits(text) === '' ? null : `+${digits(text)}`;

/** A person as the suite's fields, from what an asset body sends (`name`, `primary_mail`, custom fields by key). */
function sentPerson(body: unknown): Partial<ContractContact> {
  const asset = (body as { asset?: Record<string, unknown> } | null)?.asset ?? {};
  const fields: Record<string, unknown> = Object.assign({}, ...((asset.custom_fields as object[] | undefined) ?? []));
  const { firstName, lastName } = splitDisplayName(typeof asset.name === 'string' ? asset.name : null);
  return {
    ...(asset.name === undefined ? {} : { firstName: firstName ?? '', lastName: lastName ?? '' }),
    ...(asset.primary_mail === undefined ? {} : { email: String(asset.primary_mail) }),
    ...('title' in fields ? { title: fields.title === '' ? null : String(fields.title) } : {}),
    ...('phone' in fields ? { phone: phoneOf(String(fields.phone)) } : {}),
  };
}

/** Hudu as a documentation platform: the `DocStore` port against the Hudu simulator. */
export const huduTarget: TargetContractAdapter = {
  name: 'Hudu',
  // The official client asks page_size=1000 (CONTRACTS.md's 25 is the default).
  pageSize: 1000,
  async start(seed) {
    const companies = seed.customers.map((customer, c) => ({
      id: c + 1,
      name: customer.name,
      assets: customer.people.map((p, i) => ({
        id: (c + 1) * 10_000 + i,
        asset_layout_id: PEOPLE_LAYOUT,
        name: `${p.firstName} ${p.lastName}`,
        primary_mail: p.email,
        fields: [
          { label: 'Title', value: p.title },
          // as a person types it in Hudu
          { label: 'Phone', value: p.phone },
        ],
      })),
    }));
    const { hudu, clock, url } = await startHudu(KEY, {
      assetLayouts: [
        {
          id: PEOPLE_LAYOUT,
          name: 'People',
          fields: [{ label: 'Title' }, { label: 'Phone' }, { label: 'Mobile' }, { label: 'Notes' }],
        },
      ],
      companies,
    });
    const record = (id: string) =>
      companies.flatMap((c) => hudu.assetsOf(c.id)).find((asset) => asset.id === Number(id)) ?? null;
    const running: RunningTarget = {
      url,
      customerIds: companies.map((c) => String(c.id)),
      connect(options) {
        const store = new HuduDocStore({
          baseUrl: options.baseUrl,
          apiKey: options.wrongCredentials === true ? WRONG_KEY : KEY,
          ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
          ...(options.now === undefined ? {} : { now: options.now }),
        });
        return docStoreClient(store, {
          active: (contact) => contact.archived !== true,
          placed: () => ({ contactTypeId: null, locationId: null }),
          leaver: { archived: true },
        });
      },
      held(id) {
        const asset = record(id);
        if (asset === null) return null;
        const fields = hudu.fieldsByLabel(asset.id);
        const { firstName, lastName } = splitDisplayName(asset.name);
        return {
          id,
          firstName: firstName ?? '',
          lastName: lastName ?? '',
          title: fields.Title ?? null,
          email: asset.primary_mail ?? '',
          phone: phoneOf(fields.Phone),
          active: !asset.archived,
        };
      },
      async editByHand(id) {
        hudu.editAsset(Number(id), { fields: { Notes: HAND_NOTE } });
      },
      handEditKept: (id) => hudu.fieldsByLabel(Number(id)).Notes === HAND_NOTE,
      async throttle(on) {
        hudu.server.faults = on ? { throttle429: 1 } : {};
      },
      advance: (ms) => clock.advance(ms),
      now: () => clock.now(),
      close: () => hudu.server.close(),
    };
    return running;
  },
  isLogin: () => false,
  // Hudu lists archived assets only when asked (`archived=true`): the client reads them in a listing of their own,
  // one request for a company without leavers. The pages counted are those of the live people.
  isContactPage: (request: ProxiedRequest) =>
    request.method === 'GET' && request.url.startsWith('/api/v1/assets?') && request.url.includes('archived=false'),
  fieldsWritten(request, before) {
    const sent = sentPerson(request.body);
    return (Object.keys(sent) as (keyof ContractContact)[]).filter((field) =>
      field === 'phone'
        ? phoneOf(sent.phone ?? null) !== phoneOf(before.phone)
        : field === 'email'
          ? String(sent.email).toLowerCase() !== before.email.toLowerCase()
          : sent[field] !== before[field],
    );
  },
  // Hudu refuses an asset without a name.
  refused: { change: { firstName: '', lastName: '' }, field: 'Name' },
  wrongCredentials: { advice: /check the key/, secret: WRONG_KEY },
};
