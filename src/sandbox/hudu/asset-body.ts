/**
 * Reading the `asset` of a create or update body against its layout, as Hudu's API documentation describes it:
 * `custom_fields` is an array of `{"<key>": value}` objects, each key naming a field of the asset's layout. On create
 * the key "must exactly match the name of the custom field ... converted to snake case: lowercase letters and
 * underscores in place of spaces"; on update it is "keyed by the field's label (case-insensitive, spaces or underscores
 * allowed)". Keys of the asset other than those read here are dropped, as Rails' strong parameters drop them.
 */

export interface LayoutField {
  readonly id: number;
  readonly label: string;
  readonly required: boolean;
  readonly field_type: string;
}

export interface Layout {
  readonly id: number;
  readonly name: string;
  readonly fields: readonly LayoutField[];
}

export interface AssetField {
  readonly label: string;
  readonly value: string | null;
}

/** What a create or update sets; an attribute left out is not changed. */
export interface AssetChanges {
  readonly name?: string;
  readonly primary_mail?: string | null;
  readonly asset_layout_id?: number;
  /** every field of the layout, in its order: the custom fields replace the asset's, a field not sent is blank */
  readonly fields?: readonly AssetField[];
}

export type AssetBodyResult =
  | { readonly ok: true; readonly changes: AssetChanges }
  | { readonly ok: false; readonly status: 400 | 422; readonly problems: readonly string[] };

/** A label as create's keys spell it: lower case, underscores in place of spaces. */
export function snakeCaseLabel(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, '_');
}

/** An update's key as compared with a label: case and spaces or underscores do not matter. */
function looseKey(key: string): string {
  return key
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '_');
}

function blankToNull(value: string): string | null {
  return value.trim() === '' ? null : value;
}

/** A custom field's value as stored: text, or null when blank; anything but text, a number or a boolean is refused. */
function fieldValue(value: unknown): string | null | undefined {
  if (value === null) return null;
  if (typeof value === 'string') return blankToNull(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function readCustomFields(
  raw: unknown,
  layout: Layout,
  mode: 'create' | 'update',
  problems: string[],
): AssetField[] | undefined {
  if (!Array.isArray(raw)) {
    problems.push('custom_fields must be an array of {"<field label in snake case>": value} objects');
    return undefined;
  }
  const given = new Map<string, string | null>();
  const keyOf = mode === 'create' ? (key: string) => key : looseKey;
  const byKey = new Map(layout.fields.map((field) => [snakeCaseLabel(field.label), field]));
  raw.forEach((item: unknown, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`custom_fields[${i}] must be an object {"<field label in snake case>": value}`);
      return;
    }
    for (const [key, value] of Object.entries(item)) {
      const field = byKey.get(keyOf(key));
      if (field === undefined) {
        problems.push(
          `custom field "${key}" names no field of layout ${layout.name} (its fields: ${[...byKey.keys()].join(', ') || 'none'})`,
        );
        continue;
      }
      const stored = fieldValue(value);
      if (stored === undefined) problems.push(`custom field "${key}" (${field.label}) must be text`);
      else given.set(field.label, stored);
    }
  });
  const fields = layout.fields.map((field) => ({ label: field.label, value: given.get(field.label) ?? null }));
  for (const field of layout.fields)
    if (field.required && (given.get(field.label) ?? null) === null)
      problems.push(
        `${field.label} can't be blank: it is a required field of layout ${layout.name} (custom field "${snakeCaseLabel(field.label)}")`,
      );
  return fields;
}

/**
 * Reads `{asset: {...}}` for a create (name, layout and required fields needed) or an update (only what is given
 * changes, except that `custom_fields`, when given, replaces every custom field of the asset).
 */
export function readAssetBody(
  body: string,
  /** the asset's layout for an update; null for a create, whose layout is the body's `asset_layout_id` */
  current: Layout | null,
  layoutOf: (id: number) => Layout | undefined,
  ignoredKeys: readonly string[],
): AssetBodyResult {
  const mode = current === null ? 'create' : 'update';
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return { ok: false, status: 400, problems: ['the request body is not valid JSON'] };
  }
  const asset = (document as { asset?: unknown } | null)?.asset;
  if (asset === null || typeof asset !== 'object' || Array.isArray(asset))
    return { ok: false, status: 400, problems: ['param is missing or the value is empty: asset'] };
  const given = Object.fromEntries(Object.entries(asset).filter(([key]) => !ignoredKeys.includes(key)));
  const problems: string[] = [];
  const changes: { -readonly [K in keyof AssetChanges]: AssetChanges[K] } = {};
  const layoutId = given.asset_layout_id;
  const layout =
    current ?? (typeof layoutId === 'number' || typeof layoutId === 'string' ? layoutOf(Number(layoutId)) : undefined);
  if (layout === undefined) {
    const problem =
      layoutId === undefined || layoutId === null
        ? "asset_layout_id can't be blank"
        : `asset_layout_id ${String(layoutId)} names no asset layout`;
    return { ok: false, status: 422, problems: [problem] };
  }
  if (current === null) changes.asset_layout_id = layout.id;
  else if (layoutId !== undefined && Number(layoutId) !== current.id)
    problems.push(
      `asset_layout_id ${String(layoutId)} is not the asset's layout ${current.id}: move an asset with move_layout`,
    );

  if ('name' in given || mode === 'create') {
    if (typeof given.name !== 'string' || given.name.trim() === '') problems.push("Name can't be blank");
    else changes.name = given.name;
  }
  if ('primary_mail' in given) {
    if (given.primary_mail !== null && typeof given.primary_mail !== 'string')
      problems.push('primary_mail must be text');
    else changes.primary_mail = given.primary_mail === null ? null : blankToNull(given.primary_mail);
  }
  // A create without custom fields still has the layout's required fields to fill.
  if ('custom_fields' in given || mode === 'create') {
    const fields = readCustomFields(given.custom_fields ?? [], layout, mode, problems);
    if (fields !== undefined) changes.fields = fields;
  }
  return problems.length > 0 ? { ok: false, status: 422, problems } : { ok: true, changes };
}
