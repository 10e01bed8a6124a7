import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../entities/access/access.enums';
import type { Viewer } from '../../core/viewer';
import { ORGANIZATION_PARAMETER, runPrepared } from '../sql';
import { uuidArray } from '../../core/uuid';

/**
 * Whether the therapist served the customer `customerId` (a column or expression) today: SQL with
 * four placeholders, bound in this order to organization, therapist, organization, therapist.
 */
const servedTodayText = (customerId: string) => `(exists (select 1
                      from appointment_item i
                      join appointment a on a.id = i.appointment_id
                      join store s on s.id = a.store_id
                     where a.customer_id = ${customerId} and a.organization_id = ${ORGANIZATION_PARAMETER} and i.therapist_id = ?
                       and i.blocking and a.status not in ('CANCELLED', 'NO_SHOW')
                       and (i.starts_at at time zone s.timezone)::date = (now() at time zone s.timezone)::date)
         or exists (select 1
                      from visit_line l
                      join visit v on v.id = l.visit_id
                      join store s on s.id = v.store_id
                     where v.customer_id = ${customerId} and v.organization_id = ${ORGANIZATION_PARAMETER} and l.therapist_id = ?
                       and (v.visited_at at time zone s.timezone)::date = (now() at time zone s.timezone)::date))`;

/**
 * The same condition over a customer column of another statement (server/compiled-read), with its
 * values: one definition of "served today" for the loaders and the compiled reads alike.
 */
export function servedTodaySql(
  customerId: string,
  organizationId: string,
  therapistId: string,
): { text: string; values: string[] } {
  return {
    text: servedTodayText(customerId),
    values: [organizationId, therapistId, organizationId, therapistId],
  };
}

const SERVED_TODAY = `select c.id from unnest(?::uuid[]) as c(id) where ${servedTodayText('c.id')}`;

/**
 * Which of these customers the viewer serves as therapist today, "today" in the time zone of the
 * store where it happens: an appointment item with them that still holds its time (not cancelled,
 * not a no-show), or a visit line they gave. One statement for any number of customers; none for
 * viewers who are not therapists.
 */
export async function customersServedToday(
  em: EntityManager,
  viewer: Viewer | null,
  customerIds: readonly string[],
): Promise<Set<string>> {
  if (!viewer?.userId || viewer.role !== Role.THERAPIST || customerIds.length === 0) return new Set();
  const values = [
    uuidArray(customerIds),
    viewer.organizationId,
    viewer.userId,
    viewer.organizationId,
    viewer.userId,
  ];
  const rows: { id: string }[] = await runPrepared(em, SERVED_TODAY, values);
  return new Set(rows.map((row) => row.id));
}
