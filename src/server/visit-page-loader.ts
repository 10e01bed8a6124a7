import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ServiceItem, User, VisitLine, type Visit } from '../entities';
import type { ConnectionShape } from '../schema/connection.type';
import { loadChildPages, type ChildPageKey, type Embedded } from '../services/child-pages';
import { customerVisits, VISIT_LINE_ORDER } from '../services/customer-lists';
import { rowShape, type RowOf, type RowShape } from '../services/rows';
import type { RowLoaders } from './row-loaders';
import type { Viewer } from './viewer';

/** json_build_object of every mapped column of a shape, for a row embedded in another's json. */
function jsonRow(shape: RowShape<unknown>, alias: string): string {
  return `json_build_object(${shape.columns.map((column) => `'${column}', ${alias}."${column}"`).join(', ')})`;
}

/**
 * `Customer.visits` pages for a page of customers in one statement. When the response selects the
 * lines (look-ahead by the resolver, `want`), they come in the same statement as json with the
 * service and therapist they name, primed into the row loaders the line resolvers read: the issue's
 * list page then costs one statement for visits, lines, services and therapists together.
 */
export class VisitPageLoader {
  private lines = false;
  readonly pages: DataLoader<ChildPageKey, ConnectionShape<RowOf<Visit>>, string>;

  constructor(
    private readonly em: EntityManager,
    viewer: Viewer | null,
    private readonly rows: RowLoaders,
    count: (parentId: string) => Promise<number>,
    cacheKeyFn: (key: ChildPageKey) => string,
  ) {
    this.pages = new DataLoader(
      (keys) =>
        loadChildPages(em, viewer, customerVisits, keys, count, this.lines ? this.embedLines() : undefined),
      { cacheKeyFn },
    );
  }

  /** Fields selected on the visit nodes. */
  want(fields: Set<string>): this {
    if (fields.has('lines')) this.lines = true;
    return this;
  }

  private embedLines(): Embedded<Visit> {
    const lineShape = rowShape(this.em, VisitLine);
    const serviceShape = rowShape(this.em, ServiceItem);
    const userShape = rowShape(this.em, User);
    const lines = this.rows.byParent(VisitLine, 'visit', VISIT_LINE_ORDER);
    const services = this.rows.byId(ServiceItem);
    const users = this.rows.byId(User);
    const seenServices = new Set<string>();
    const seenUsers = new Set<string>();
    return {
      sql: `(select coalesce(json_agg(json_build_object('line', ${jsonRow(lineShape, 'l')},
                       'service', ${jsonRow(serviceShape, 's')}, 'therapist', ${jsonRow(userShape, 'u')})
                     order by l.position), '[]'::json)
               from "${lineShape.table}" l
               join "${serviceShape.table}" s on s.id = l.service_id and s.organization_id = l.organization_id
               left join "${userShape.table}" u on u.id = l.therapist_id and u.organization_id = l.organization_id
              where l.visit_id = t.id and l.organization_id = t.organization_id)`,
      take: (visit, json) => {
        const embedded = json as {
          line: Record<string, unknown>;
          service: Record<string, unknown>;
          therapist: Record<string, unknown>;
        }[];
        lines.prime(
          visit.id,
          embedded.map(({ line, service, therapist }) => {
            // A page names the same few services and therapists again and again: map each once.
            const serviceId = String(service.id);
            if (!seenServices.has(serviceId)) {
              seenServices.add(serviceId);
              services.prime(serviceId, serviceShape.map(service));
            }
            const therapistId = therapist.id ? String(therapist.id) : undefined;
            if (therapistId && !seenUsers.has(therapistId)) {
              seenUsers.add(therapistId);
              users.prime(therapistId, userShape.map(therapist));
            }
            return lineShape.map(line);
          }),
        );
      },
    };
  }
}
