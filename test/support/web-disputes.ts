import { expect } from 'vitest';
import type { TargetProfile } from '../../src/domain/target-profile.ts';
import { textOf } from './web.ts';
import type { WebSandbox } from './web-sandbox.ts';

/** A table row of a page, by its field. */
export function rowOf(body: string, field: string): string {
  return textOf(new RegExp(`<tr[^>]*data-field="${field}"[\\s\\S]*?</tr>`).exec(body)?.[0] ?? '');
}

/**
 * A person disputed in `target`, as their Manage page shows them: no contact there yet because a decision waits,
 * with a link to that dispute on Conflicts (where the dispute is), and never "contact none".
 */
export async function expectDecisionWaits(web: WebSandbox, tenantId: string, userId: string, target: TargetProfile) {
  const open = await web.box.store.listConflicts({ tenantId, status: 'open' });
  const dispute = open.find((c) => c.userId === userId && c.side === target.id);
  expect(dispute, `${userId} is disputed in ${target.words.name}`).toBeDefined();
  const page = await web.admin.get(`/contacts/${tenantId}/${userId}`);
  expect(page.statusCode).toBe(200);
  const text = textOf(page.body);
  expect(text).toMatch(
    new RegExp(
      `no ${target.words.name} contact yet: a decision waits on Conflicts \\( ?${dispute!.id.slice(0, 8)} ?\\)`,
    ),
  );
  expect(text).not.toMatch(/contact none/);
  const href = `/conflicts?tenant=${encodeURIComponent(tenantId)}#conflict-${dispute!.id}`;
  expect(page.body).toContain(`href="${href}"`);
  // Side by side, the target's column says the same of every field.
  expect(rowOf(page.body, 'First name')).toContain('no contact yet: a decision waits');
  // The link leads to that dispute.
  expect((await web.admin.get(href.split('#')[0]!)).body).toContain(`id="conflict-${dispute!.id}"`);
}
