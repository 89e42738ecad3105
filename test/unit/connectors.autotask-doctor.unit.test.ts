import { describe, expect, it } from 'vitest';
import { contactFieldProblems } from '../../src/connectors/autotask/setup-doctor.ts';

const field = (name: string, more: Partial<{ isRequired: boolean; isReadOnly: boolean; length: number }> = {}) => ({
  name,
  isRequired: false,
  isReadOnly: false,
  length: null,
  ...more,
});

describe("doctor's reading of Autotask's contact fields", () => {
  it('passes an instance that requires only what every create sends', () => {
    const check = contactFieldProblems([
      field('id', { isRequired: true, isReadOnly: true }),
      field('companyID', { isRequired: true }),
      field('firstName', { isRequired: true, length: 50 }),
      field('lastName', { isRequired: true, length: 50 }),
      field('isActive', { isRequired: true }),
      field('emailAddress', { length: 254 }),
    ]);
    expect(check.state).toBe('ok');
  });

  it('fails an instance that requires a field contactsync never fills, naming it', () => {
    const check = contactFieldProblems([
      field('firstName', { isRequired: true }),
      field('lastName', { isRequired: true }),
      field('title', { isRequired: true }),
      field('alternatePhone', { isRequired: true }),
      field('lastActivityDate', { isRequired: true, isReadOnly: true }),
    ]);
    expect(check.state).toBe('fail');
    expect(check.detail).toContain('"alternatePhone"');
    expect(check.detail).toMatch(/every new contact is held/);
    expect(check.detail).not.toContain('lastActivityDate');
  });

  it('warns of a required field contactsync fills when Microsoft 365 has a value: users without one are held', () => {
    const check = contactFieldProblems([
      field('firstName', { isRequired: true }),
      field('title', { isRequired: true }),
    ]);
    expect(check.state).toBe('warn');
    expect(check.detail).toContain('"title"');
    expect(check.detail).toMatch(/is held/);
  });

  it('warns when a name or title takes fewer characters than contactsync shortens to', () => {
    const check = contactFieldProblems([field('firstName', { length: 20 }), field('title', { length: 50 })]);
    expect(check.state).toBe('warn');
    expect(check.detail).toContain('"firstName" takes 20 characters');
  });
});
