import { allow } from 'graphql-shield';
import type { IRule } from 'graphql-shield';

type ShieldRule = IRule | typeof allow;
import { ALL_ROLES, Role } from '../entities/access/access.enums';
import { type ContactChannel } from '../entities/customers/customers.enums';
import {
  ACCESS_SECTIONS_OF,
  BREAK_GLASS_ROLES,
  HEALTH_ACCESS,
  HealthAccessSection,
  HealthSection,
  REQUESTABLE_SECTIONS,
  type HealthCondition,
} from '../core/health-access';
import { customerFieldRule } from './rules/assigned-customer.rule';
import { consentedContactRule } from './rules/consented-contact.rule';
import { healthProfileRule, healthRule } from './rules/health.rule';
import { hasRole, isAuthenticated, mayWrite } from './rules/role.rule';

/** How a role may read a field; feeds the access-matrix doc and `viewer.readableFields`. */
export type FieldCondition =
  | 'ALWAYS'
  | 'ASSIGNED_CUSTOMERS'
  | 'SERVED_CUSTOMERS'
  | 'CONSENTED_CUSTOMERS'
  /** Only for customers the viewer holds an approved access grant (档案查阅审批) or break-glass on. */
  | 'GRANTED'
  | 'ASSIGNED_OR_GRANTED'
  | 'SERVED_OR_GRANTED'
  | 'NEVER';

/** A shield rule together with a description of it per role. */
export interface Grant {
  rule: ShieldRule;
  conditionFor(role: Role | 'ANONYMOUS'): FieldCondition;
  /** The rule's answer follows from the role alone (no parent, args or API-key scopes). */
  readsOnlyRole: boolean;
  /**
   * Roles for which the rule answers true whatever the parent, args and scopes: the first line of the
   * rule lets them through. build-schema.ts resolves the field for them without the shield's promise;
   * test/architecture/unshielded-fields.test.ts asks the rule itself for each of them.
   */
  alwaysFor?: readonly Role[];
  /**
   * A health rule (rules/health.rule.ts): where `conditionFor(role)` is ALWAYS the role reads the field
   * by role for every customer of the organization who has not withdrawn health consent (OWNER even
   * then): what server/compiled-read relies on to compile the field, checking the consent per row.
   */
  healthByRole?: boolean;
  /**
   * A Customer field (rules/assigned-customer.rule.ts) that roles in `conditionFor` ASSIGNED_CUSTOMERS
   * read exactly where the customer is assigned to them as consultant: server/compiled-read tests that
   * per row.
   */
  assignedByRole?: boolean;
}

const fromHealth: Record<HealthCondition, FieldCondition> = {
  ALWAYS: 'ALWAYS',
  ASSIGNED: 'ASSIGNED_CUSTOMERS',
  SERVING: 'SERVED_CUSTOMERS',
  NEVER: 'NEVER',
};

export const STAFF_ROLES = ALL_ROLES.filter((role) => role !== Role.INTEGRATION);
/** Roles that read customer records at all (the auditor reads the audit log, never customer content). */
export const CUSTOMER_READERS = ALL_ROLES.filter((role) => role !== Role.AUDITOR);

export const grant = {
  /** Anyone, even without a token (login). */
  anyone: (): Grant => ({
    readsOnlyRole: true,
    alwaysFor: ALL_ROLES,
    rule: allow,
    conditionFor: () => 'ALWAYS',
  }),
  authenticated: (): Grant => ({
    readsOnlyRole: true,
    alwaysFor: ALL_ROLES,
    rule: isAuthenticated,
    conditionFor: (role) => (role === 'ANONYMOUS' ? 'NEVER' : 'ALWAYS'),
  }),
  roles: (...roles: Role[]): Grant => ({
    readsOnlyRole: true,
    alwaysFor: roles,
    rule: hasRole(roles),
    conditionFor: (role) => (role !== 'ANONYMOUS' && roles.includes(role) ? 'ALWAYS' : 'NEVER'),
  }),
  /** Mutations: like `roles`, and an API key needs the customers:write scope. */
  writers: (...roles: Role[]): Grant => ({
    readsOnlyRole: false,
    rule: mayWrite(roles),
    conditionFor: (role) => (role !== 'ANONYMOUS' && roles.includes(role) ? 'ALWAYS' : 'NEVER'),
  }),
  /** Ledger postings: like `writers`, and an API key needs the ledger:write scope. */
  ledgerWriters: (...roles: Role[]): Grant => ({
    readsOnlyRole: false,
    rule: mayWrite(roles, 'ledger:write'),
    conditionFor: (role) => (role !== 'ANONYMOUS' && roles.includes(role) ? 'ALWAYS' : 'NEVER'),
  }),
  /** Customer fields that some roles read for every customer and others only for their own. */
  customer: (always: Role[], assigned: Role[]): Grant => ({
    readsOnlyRole: false,
    assignedByRole: true,
    alwaysFor: always,
    rule: customerFieldRule(always, assigned),
    conditionFor: (role) =>
      role === 'ANONYMOUS'
        ? 'NEVER'
        : always.includes(role)
          ? 'ALWAYS'
          : assigned.includes(role)
            ? 'ASSIGNED_CUSTOMERS'
            : 'NEVER',
  }),
  /** Contact fields: `consented` roles (marketing) only where the customer consented on a channel. */
  consentedContact: (always: Role[], consented: Role[], channels: ContactChannel[]): Grant => ({
    readsOnlyRole: false,
    alwaysFor: always,
    rule: consentedContactRule(always, consented, channels),
    conditionFor: (role) =>
      role === 'ANONYMOUS'
        ? 'NEVER'
        : always.includes(role)
          ? 'ALWAYS'
          : consented.includes(role)
            ? 'CONSENTED_CUSTOMERS'
            : 'NEVER',
  }),
  /** Health fields of `sections` by role; an access grant of any of their parts also opens them. */
  health: (...sections: HealthSection[]): Grant =>
    healthGrant(
      sections,
      sections.flatMap((section) => ACCESS_SECTIONS_OF[section]),
    ),
  /** Health fields of one access part (HISTORY …): by the role's section, or a grant naming the part. */
  healthPart: (...parts: HealthAccessSection[]): Grant =>
    healthGrant(
      Object.values(HealthSection).filter((section) =>
        parts.some((part) => ACCESS_SECTIONS_OF[section].includes(part)),
      ),
      parts,
    ),
  /** By role for `sections`, under a grant only for `parts` (a visit's notes: NOTES, not SAFETY). */
  healthWith: (sections: HealthSection[], parts: HealthAccessSection[]): Grant =>
    healthGrant(sections, parts),
  healthProfile: (): Grant => ({
    readsOnlyRole: false,
    healthByRole: true,
    rule: healthProfileRule,
    conditionFor: (role) =>
      withGrants(
        role,
        bestHealthCondition(role, [HealthSection.SAFETY, HealthSection.CLINICAL]),
        Object.values(HealthAccessSection),
      ),
  }),
};

function healthGrant(sections: HealthSection[], parts: HealthAccessSection[]): Grant {
  return {
    readsOnlyRole: false,
    healthByRole: true,
    rule: healthRule(sections, parts),
    conditionFor: (role) => withGrants(role, bestHealthCondition(role, sections), parts),
  };
}

/** A role that can be granted one of `parts` (asked for, or break-glass SAFETY) reads it also then. */
function withGrants(
  role: Role | 'ANONYMOUS',
  condition: FieldCondition,
  parts: readonly HealthAccessSection[],
): FieldCondition {
  if (role === 'ANONYMOUS') return condition;
  const grantable =
    parts.some((part) => REQUESTABLE_SECTIONS[role]?.includes(part)) ||
    (BREAK_GLASS_ROLES.includes(role) && parts.includes(HealthAccessSection.SAFETY));
  if (!grantable) return condition;
  const granted: Partial<Record<FieldCondition, FieldCondition>> = {
    NEVER: 'GRANTED',
    ASSIGNED_CUSTOMERS: 'ASSIGNED_OR_GRANTED',
    SERVED_CUSTOMERS: 'SERVED_OR_GRANTED',
  };
  return granted[condition] ?? condition;
}

function bestHealthCondition(role: Role | 'ANONYMOUS', sections: HealthSection[]): FieldCondition {
  if (role === 'ANONYMOUS') return 'NEVER';
  const order: HealthCondition[] = ['ALWAYS', 'ASSIGNED', 'SERVING', 'NEVER'];
  const best = sections
    .map((section) => HEALTH_ACCESS[role][section])
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))[0];
  return fromHealth[best];
}
