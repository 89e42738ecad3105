import type { OperatorDecision } from './link.ts';

/** A dispute: several contacts of one target could be a person's; a technician chooses. */
export interface ConflictRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly userPrincipalName: string;
  /** the target the dispute is in, by id */
  readonly side: OperatorDecision['side'];
  readonly rule: string | null;
  readonly candidates: readonly string[];
  /** each candidate as a technician knows it ("First Last <email> (id)"), by id; absent on disputes found before */
  readonly candidateLabels?: Readonly<Record<string, string>>;
  readonly status: 'open' | 'resolved';
  readonly resolution: 'link' | 'create' | 'ignore' | null;
  readonly resolutionTarget: string | null;
  /** when the run that found it ran */
  readonly createdAt: string;
}
