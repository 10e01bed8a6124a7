import { Appointment, Communication, Visit } from '../../entities';
import { Role } from '../../entities/access/access.enums';
import type { Viewer } from '../../core/viewer';
import type { ChildList } from '../read/child-pages';

const NOBODY = '00000000-0000-0000-0000-000000000000';

/** A therapist sees only rows in which they give a service; everyone else all of them. */
const therapistOnly = (exists: string) => (viewer: Viewer) =>
  viewer.role === Role.THERAPIST
    ? { sql: `and exists (${exists})`, params: [viewer.userId ?? NOBODY] }
    : { sql: '', params: [] };

/** The order of a visit's lines, for every loader of them (a primed loader must be the same one). */
export const VISIT_LINE_ORDER = 't.position asc';
/** The order of an appointment's items, likewise. */
export const APPOINTMENT_ITEM_ORDER = 't.position asc';

/** The order `Customer.accounts` lists wallets in (its loader and its companion share it). */
export const ACCOUNT_ORDER = 't.kind asc, t.created_at asc, t.id asc';
/** Tier moves are rare (a few a year); the newest this many are shown. */
export const TIER_HISTORY_LIMIT = 100;

/** `Customer.visits`: newest first. */
export const customerVisits: ChildList<Visit> = {
  entity: Visit,
  table: 'visit',
  parentColumn: 'customer_id',
  orderColumn: 'visited_at',
  sortValueOf: (visit) => visit.visitedAt,
  scope: therapistOnly('select 1 from visit_line l where l.visit_id = t.id and l.therapist_id = ?'),
};

/** `Customer.appointments`: latest start first (upcoming ones on top, then the past). */
export const customerAppointments: ChildList<Appointment> = {
  entity: Appointment,
  table: 'appointment',
  parentColumn: 'customer_id',
  orderColumn: 'starts_at',
  sortValueOf: (appointment) => appointment.startsAt,
  scope: therapistOnly(
    'select 1 from appointment_item i where i.appointment_id = t.id and i.therapist_id = ?',
  ),
};

/** `Customer.communications` (沟通记录): latest contact first. */
export const customerCommunications: ChildList<Communication> = {
  entity: Communication,
  table: 'communication_entry',
  parentColumn: 'customer_id',
  orderColumn: 'occurred_at',
  sortValueOf: (entry) => entry.occurredAt,
  scope: () => ({ sql: '', params: [] }),
};
