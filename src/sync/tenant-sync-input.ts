import type { DocContact, DocContactType, DocLocation } from '../domain/doc-contact.ts';
import type { DocRequiredField } from '../domain/doc-required-field.ts';
import type { Link, OperatorDecision } from '../domain/link.ts';
import type { NormalizedUser } from '../domain/normalized-user.ts';
import type { TextLimits } from '../domain/plan.ts';
import type { PsaContact, PsaLocation, PsaType } from '../domain/psa-contact.ts';
import type { Reason } from '../domain/reason.ts';
import type { Settings } from '../domain/settings.ts';
import type { Targets } from '../domain/target-profile.ts';
import type { CreatedContactFacts } from './created-twice.ts';

/** Everything the planner knows of one tenant. The planner does no I/O: callers read this, then apply the plan. */
export interface TenantSyncInput {
  readonly tenantId: string;
  /**
   * The targets of the installation: a role without a target is not planned (its action is `none`, naming no
   * contact), and the other role is planned alone.
   */
  readonly targets: Targets;
  readonly settings: Settings;
  /** every user the directory has now, normalized (a user who is gone is simply absent) */
  readonly users: readonly NormalizedUser[];
  /** the transitive members of the groups in `settings.scope.groupIds`; null when no group is configured */
  readonly groupMemberIds: ReadonlySet<string> | null;
  /** the tenant's main number (`businessPhones[0]` of `/organization`), for `blankReplacement: "tenantMain"` */
  readonly organizationPhone: string | null;
  /** the documentation platform's records of the tenant; empty lists when the installation has none */
  readonly doc: {
    readonly contacts: readonly DocContact[];
    readonly locations: readonly DocLocation[];
    readonly contactTypes: readonly DocContactType[];
    /** the fields the platform requires besides its profile's (a layout's, read through the port); none when absent */
    readonly requiredFields?: readonly DocRequiredField[];
  };
  /** null when the tenant has no PSA customer mapped, or the installation has no PSA */
  readonly psa: {
    readonly contacts: readonly PsaContact[];
    readonly locations: readonly PsaLocation[];
    readonly emailTypes: readonly PsaType[];
    readonly phoneTypes: readonly PsaType[];
  } | null;
  /** why nothing goes to the PSA when `psa` is null (no customer mapped): told to every user */
  readonly psaAbsence?: Reason | null;
  readonly links: readonly Link[];
  readonly decisions: readonly OperatorDecision[];
  /** an operator approved the inactivations held back by the deletion guard */
  readonly approveInactivations: boolean;
  /** what the targets take in names and titles; no limit when absent */
  readonly textLimits?: TextLimits;
  /** the contacts contactsync created for the users, by any run, and the disputes of them a person settled */
  readonly createdContacts?: CreatedContactFacts;
}
