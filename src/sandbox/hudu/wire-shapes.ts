import type { AssetField, Layout } from './asset-body.ts';

/** The simulator's records, and how Hudu's API shows them (its `Asset`, `Asset_Layout` and `Company`). */

export interface Company {
  readonly id: number;
  name: string;
}

export interface AssetRecord {
  readonly id: number;
  readonly company_id: number;
  readonly asset_layout_id: number;
  name: string;
  primary_mail: string | null;
  archived: boolean;
  /** the value of each layout field by label; a field without one is blank */
  fields: Map<string, string | null>;
  readonly created_at: string;
  updated_at: string;
}

function slugOf(name: string, id: number): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${base || 'asset'}-${id}`;
}

/** Every field of the asset's layout in its order, null where it is blank. */
export function fieldsOf(asset: AssetRecord, layout: Layout): AssetField[] {
  return layout.fields.map((field) => ({ label: field.label, value: asset.fields.get(field.label) ?? null }));
}

export function companyWire(company: Company, baseUrl: string): Record<string, unknown> {
  const slug = slugOf(company.name, company.id);
  return { id: company.id, name: company.name, slug, archived: false, url: `${baseUrl}/c/${slug}` };
}

export function layoutWire(layout: Layout): Record<string, unknown> {
  return {
    id: layout.id,
    name: layout.name,
    slug: slugOf(layout.name, layout.id),
    active: true,
    fields: layout.fields.map((field, i) => ({ ...field, show_in_list: false, position: i + 1 })),
  };
}

/** Hudu's `Asset`: every field of the layout, with the layout field's id and position. */
export function assetWire(
  asset: AssetRecord,
  layout: Layout,
  companyName: string | null,
  baseUrl: string,
): Record<string, unknown> {
  const slug = slugOf(asset.name, asset.id);
  return {
    id: asset.id,
    company_id: asset.company_id,
    asset_layout_id: asset.asset_layout_id,
    slug,
    name: asset.name,
    primary_serial: null,
    primary_mail: asset.primary_mail,
    primary_model: null,
    primary_manufacturer: null,
    company_name: companyName,
    object_type: 'Asset',
    asset_type: layout.name,
    archived: asset.archived,
    url: `${baseUrl}/a/${slug}`,
    created_at: asset.created_at,
    updated_at: asset.updated_at,
    fields: layout.fields.map((field, i) => ({
      id: field.id,
      label: field.label,
      value: asset.fields.get(field.label) ?? null,
      position: i + 1,
    })),
    cards: [],
  };
}
