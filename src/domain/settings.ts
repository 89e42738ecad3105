import { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import { issueInWords, schemaKeysAt } from './issue-words.ts';
import { isSupportedCountry } from 'libphonenumber-js/max';

/**
 * The sync settings: one JSON shape for the config file, the seed file, the CLI and the UI.
 * Global settings are complete (defaults fill what is missing); a tenant's settings override any subset.
 */

const upnPattern = z.string().trim().min(1, 'a pattern cannot be empty');

const scopeFields = {
  requireEnabled: z.boolean(),
  includeGuests: z.boolean(),
  requireLicense: z.boolean(),
  groupIds: z.array(z.string().trim().min(1, 'a group id cannot be empty')),
  upnDomains: z.array(z.string().trim().min(1, 'a domain cannot be empty')),
  excludeUpnPatterns: z.array(upnPattern),
};

const region = z
  .string()
  .regex(/^[A-Z]{2}$/, 'a region is a two-letter ISO 3166 code in capitals, such as "US" or "GB"')
  .refine(
    (value): boolean => isSupportedCountry(value),
    'this region has no telephone numbering plan known to contactsync',
  );

const blankReplacement = z
  .string()
  .trim()
  .refine(
    (value) => value === 'tenantMain' || /\d/.test(value),
    "type a number such as 000-000-0000, or tenantMain for the tenant's main number; to hold the contact until Microsoft 365 has a phone, leave the field empty on the page (--set phones.blankReplacement=null, or null in the config file)",
  )
  .nullable();

const phonesFields = {
  setPrimary: z.boolean(),
  primaryType: z.enum(['office', 'mobile']),
  blankReplacement,
  /** the placeholder goes into the documentation platform too, not only to the targets that require a phone */
  blankReplacementEverywhere: z.boolean(),
  defaultRegion: region,
};

const locationFields = {
  strategy: z.enum(['default', 'officeLocation']),
  default: z.string().trim().min(1, 'a location name cannot be empty').nullable(),
};

const typeName = z.string().trim().min(1, 'a type name cannot be empty');

/** A PSA's type by name, or by its id (a number, or digits alone) for a PSA whose type lists cannot be read. */
const psaType = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z.union([z.number().int().positive('a type id is a whole number above 0'), typeName]),
);

const psaFields = {
  autoPush: z.boolean(),
  emailType: psaType,
  phoneType: psaType,
  leavers: z.enum(['inactivate', 'ignore']),
  leaverContactType: typeName.nullable(),
};

const guardFields = {
  minCount: z.number().int().min(0),
  maxFraction: z.number().min(0).max(1),
};

const settingsSchema = z.strictObject({
  scope: z.strictObject(scopeFields),
  names: z.strictObject({ splitDisplayName: z.boolean() }),
  primaryEmail: z.enum(['primarySmtp', 'upn']),
  phones: z.strictObject(phonesFields),
  location: z.strictObject(locationFields),
  contactType: typeName.nullable(),
  psa: z.strictObject(psaFields),
  deletionGuard: z.strictObject(guardFields),
  blankNeverOverwrites: z.boolean(),
  pollSeconds: z.number().int().min(5, 'poll at most every 5 seconds').max(86_400),
});

const settingsOverrideSchema = z
  .strictObject({
    scope: z.strictObject(scopeFields).partial(),
    names: z.strictObject({ splitDisplayName: z.boolean() }).partial(),
    primaryEmail: settingsSchema.shape.primaryEmail,
    phones: z.strictObject(phonesFields).partial(),
    location: z.strictObject(locationFields).partial(),
    contactType: settingsSchema.shape.contactType,
    psa: z.strictObject(psaFields).partial(),
    deletionGuard: z.strictObject(guardFields).partial(),
    blankNeverOverwrites: z.boolean(),
    pollSeconds: settingsSchema.shape.pollSeconds,
  })
  .partial();

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsOverride = z.infer<typeof settingsOverrideSchema>;

export const DEFAULT_SETTINGS: Settings = {
  scope: {
    requireEnabled: true,
    includeGuests: false,
    requireLicense: true,
    groupIds: [],
    upnDomains: [],
    excludeUpnPatterns: [],
  },
  names: { splitDisplayName: true },
  primaryEmail: 'primarySmtp',
  phones: {
    setPrimary: true,
    primaryType: 'office',
    blankReplacement: null,
    blankReplacementEverywhere: false,
    defaultRegion: 'US',
  },
  location: { strategy: 'default', default: null },
  contactType: null,
  psa: { autoPush: true, emailType: 'Work', phoneType: 'Office', leavers: 'inactivate', leaverContactType: null },
  deletionGuard: { minCount: 5, maxFraction: 0.1 },
  blankNeverOverwrites: true,
  pollSeconds: 60,
};

/** One problem with a settings document, named by its dotted key. */
export interface SettingsProblem {
  readonly key: string;
  readonly message: string;
}

/** Thrown with every problem of a settings document at once, so that one edit can fix them all. */
export class SettingsError extends Error {
  readonly code = 'Validation';
  constructor(
    readonly source: string,
    readonly problems: readonly SettingsProblem[],
  ) {
    super(
      `${source} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n')}`,
    );
    this.name = 'SettingsError';
  }
}

function problemsOf(error: z.ZodError): SettingsProblem[] {
  return error.issues.flatMap((issue) => {
    const key = issue.path.map(String).join('.') || '(root)';
    if (issue.code === 'unrecognized_keys') {
      const known = schemaKeysAt(settingsOverrideSchema, issue.path);
      return issue.keys.map((unknown) => {
        const guess = didYouMean(unknown, known);
        return {
          key: key === '(root)' ? unknown : `${key}.${unknown}`,
          message: `is not a setting${guess === null ? '' : ` (did you mean ${key === '(root)' ? guess : `${key}.${guess}`}?)`}`,
        };
      });
    }
    return [{ key, message: issueInWords(issue) }];
  });
}

/** Every problem of a partial settings document, by key; none when it is valid. */
export function settingsOverrideProblems(value: unknown): SettingsProblem[] {
  const parsed = settingsOverrideSchema.safeParse(value ?? {});
  return parsed.success ? [] : problemsOf(parsed.error);
}

/** Validates a partial settings document (a tenant's overrides, or the global section of a config file). */
export function parseSettingsOverride(value: unknown, source = 'settings'): SettingsOverride {
  const parsed = settingsOverrideSchema.safeParse(value ?? {});
  if (!parsed.success) throw new SettingsError(source, problemsOf(parsed.error));
  return parsed.data;
}

/** `base` with the keys `patch` sets (an absent or undefined key leaves the base value). */
function overlay<T extends object>(base: T, patch: { readonly [K in keyof T]?: T[K] | undefined } | undefined): T {
  if (patch === undefined) return base;
  const result = { ...base };
  for (const key of Object.keys(patch) as (keyof T)[]) {
    const value = patch[key];
    if (value !== undefined) result[key] = value as T[keyof T];
  }
  return result;
}

/** The effective settings: defaults, then the global overrides, then the tenant's. */
export function resolveSettings(...layers: readonly SettingsOverride[]): Settings {
  let merged: Settings = DEFAULT_SETTINGS;
  for (const layer of layers) {
    merged = {
      scope: overlay(merged.scope, layer.scope),
      names: overlay(merged.names, layer.names),
      primaryEmail: layer.primaryEmail ?? merged.primaryEmail,
      phones: overlay(merged.phones, layer.phones),
      location: overlay(merged.location, layer.location),
      contactType: layer.contactType === undefined ? merged.contactType : layer.contactType,
      psa: overlay(merged.psa, layer.psa),
      deletionGuard: overlay(merged.deletionGuard, layer.deletionGuard),
      blankNeverOverwrites: layer.blankNeverOverwrites ?? merged.blankNeverOverwrites,
      pollSeconds: layer.pollSeconds ?? merged.pollSeconds,
    };
  }
  // The layers were validated one by one; the whole is checked again so that a bad merge cannot slip through.
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) throw new SettingsError('settings', problemsOf(parsed.error));
  return parsed.data;
}
