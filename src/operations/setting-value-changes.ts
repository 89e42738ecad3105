import type { Settings } from '../domain/settings.ts';

/** A setting's effective value before and after a change, as the audit log keeps it. */
export interface SettingValueChange {
  readonly old: unknown;
  readonly new: unknown;
}

// Sync settings hold no secret today; a key named like one is masked all the same, so that none reaches the log.
const SECRET_KEY = /secret|password|token|apikey|api-key/i;
const MASK = '••••••';

function valueAt(settings: Settings, key: string): unknown {
  let value: unknown = settings;
  for (const part of key.split('.')) {
    if (typeof value !== 'object' || value === null || !(part in value)) return null;
    value = (value as Record<string, unknown>)[part];
  }
  return value ?? null;
}

/** Each changed key's effective value before and after, secrets masked: what the audit log shows as old → new. */
export function settingValueChanges(
  keys: readonly string[],
  before: Settings,
  after: Settings,
): Record<string, SettingValueChange> {
  return Object.fromEntries(
    keys.map((key) =>
      SECRET_KEY.test(key)
        ? [key, { old: MASK, new: MASK }]
        : [key, { old: valueAt(before, key), new: valueAt(after, key) }],
    ),
  );
}

/** A value as the audit line prints it: JSON, with a masked secret as it is. */
export function settingValueText(value: unknown): string {
  return value === MASK ? MASK : JSON.stringify(value);
}
