import { ALL_ROLES } from '../entities/access/access.enums';
import { policies } from '.';
import type { FieldCondition } from './grant';

const SYMBOL: Record<FieldCondition, string> = {
  ALWAYS: '✓',
  ASSIGNED_CUSTOMERS: 'assigned',
  SERVED_CUSTOMERS: 'served',
  CONSENTED_CUSTOMERS: 'consented',
  GRANTED: 'granted',
  ASSIGNED_OR_GRANTED: 'assigned, granted',
  SERVED_OR_GRANTED: 'served, granted',
  NEVER: '—',
};

/** docs/access-matrix.md, generated from the policy map so it cannot drift from the code. */
export function renderAccessMatrix(): string {
  const roles = ['ANONYMOUS' as const, ...ALL_ROLES];
  const lines = [
    '# Access matrix (generated)',
    '',
    'Generated from `src/policies` by `npm run docs`; a test fails when it is out of date. Rows are',
    'GraphQL `Type.field`; columns are roles. A field missing from the policy map is denied.',
    '',
    "- ✓ — always (within the caller's organization)",
    '- assigned — only for customers assigned to the caller as consultant (专属顾问)',
    '- served — only for customers the caller serves as therapist (assigned 专属技师)',
    "- granted — only for customers the caller holds an access grant on that names the field's part",
    '  (档案查阅审批 approved by a manager, or break-glass; see docs/architecture.md)',
    '- — — never: the field resolves to null with a FORBIDDEN error at its path',
    '',
  ];
  for (const [typeName, fields] of Object.entries(policies).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(
      `## ${typeName}`,
      '',
      `| field | ${roles.join(' | ')} |`,
      `|---|${roles.map(() => '---').join('|')}|`,
    );
    for (const [fieldName, fieldGrant] of Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(
        `| ${fieldName} | ${roles.map((role) => SYMBOL[fieldGrant.conditionFor(role)]).join(' | ')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
