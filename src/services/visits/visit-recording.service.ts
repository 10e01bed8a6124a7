import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  Appointment,
  Customer,
  Product,
  ServiceItem,
  Store,
  User,
  Visit,
  VisitLine,
  VisitProductUse,
} from '../../entities';
import { AppointmentStatus } from '../../entities/booking/booking.enums';
import { AuditAction } from '../../entities/audit/audit.enums';
import { Role } from '../../entities/access/access.enums';
import { StockMovementReason } from '../../entities/catalogue/catalogue.enums';
import { HealthSection, mayAccessHealth } from '../../core/health-access';
import type { RecordVisitInput, VisitLineInput } from '../../schema/visits/visit.inputs';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { runIdempotent } from '../idempotency';
import { withUniqueConflicts, type UniqueRule } from '../constraint-errors';

const VISIT_UNIQUE: UniqueRule[] = [
  {
    constraint: 'visit_appointment_id_unique',
    reason: 'INVALID_STATE',
    message: 'A visit was already recorded from this appointment.',
  },
];
import { moveStock } from '../catalogue/stock';
import { assertHealthConsent, healthConsentStatus } from '../health/health-consent';
import { todayIn } from '../../core/time';

/** A visit may be recorded a little ahead of the clock of the device sending it, never later. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * 服务记录: records a visit in one transaction — lines, products used (stock decreases by conditional
 * updates), the customer's aggregates (one atomic UPDATE, right under concurrent visits), and the
 * appointment it came from becomes COMPLETED. Any failure leaves nothing written.
 */
export class VisitRecordingService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async record(input: RecordVisitInput): Promise<Visit> {
    const { idempotencyKey, ...request } = input;
    const visitId = await withUniqueConflicts(VISIT_UNIQUE, () =>
      runIdempotent(
        this.em,
        this.viewer,
        {
          operation: 'recordVisit',
          key: idempotencyKey,
          input: request,
          keptOn: 'visit_organization_id_idempotency_key_unique',
        },
        {
          run: (em) => this.create(em, input),
          remember: (id) => ({ visitId: id }),
          replay: async (_em, kept: { visitId: string }) => kept.visitId,
        },
      ),
    );
    return this.em.findOneOrFail(Visit, { id: visitId }, { refresh: true, populate: ['customer'] });
  }

  /** The visit, in the request's transaction; returns its id. */
  private async create(em: EntityManager, input: RecordVisitInput): Promise<string> {
    const { customer, store, appointment } = await this.subject(em, input);
    const lines = await this.lines(em, input, appointment);
    this.checkAccess(input, customer, lines, todayIn(store.timezone));
    const visitedAt = input.visitedAt ?? new Date();
    if (visitedAt.getTime() > Date.now() + CLOCK_SKEW_MS)
      throw new BadInputError('visitedAt', 'past', 'A visit cannot be recorded for the future.');

    const visit = em.create(Visit, {
      organization: this.viewer.organizationId,
      store,
      customer,
      appointment: appointment ?? null,
      visitedAt,
      effect: input.effect,
      satisfaction: input.satisfaction,
      feedback: input.feedback,
      suggestions: input.suggestions,
      nextVisitIntent: input.nextVisitIntent,
      nextVisitOn: input.nextVisitOn,
      conditionNotes: input.conditionNotes,
      recordedBy: this.viewer.userId ?? null,
      idempotencyKey: input.idempotencyKey,
    });
    await this.addLines(em, visit, store, lines);
    await this.countVisit(em, customer.id, visitedAt);
    if (appointment) {
      appointment.status = AppointmentStatus.COMPLETED;
      appointment.completedAt = new Date();
    }
    await em.flush();
    this.audit.recordChange(em, AuditAction.CREATE, 'Visit', visit.id, customer.id, changedFields(input));
    return visit.id;
  }

  /** Who and where: from the checked-in appointment, or the walk-in's customer and store. */
  private async subject(em: EntityManager, input: RecordVisitInput) {
    let appointment: Appointment | undefined;
    let customerId = input.customerId;
    let storeId = input.storeId;
    if (input.appointmentId) {
      appointment =
        (await em.findOne(
          Appointment,
          { id: input.appointmentId },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        )) ?? undefined;
      if (!appointment) throw new NotFoundError('Appointment', input.appointmentId);
      if (appointment.status !== AppointmentStatus.ARRIVED)
        throw new ConflictError(
          appointment.status === AppointmentStatus.COMPLETED
            ? 'A visit was already recorded from this appointment.'
            : `The appointment is ${appointment.status}: check the customer in (ARRIVED) first.`,
          { reason: 'INVALID_STATE' },
        );
      if (customerId && customerId !== appointment.customer.id)
        throw new BadInputError('customerId', 'match', 'customerId is not the customer of the appointment.');
      if (storeId && storeId !== appointment.store.id)
        throw new BadInputError('storeId', 'match', 'storeId is not the store of the appointment.');
      customerId = appointment.customer.id;
      storeId = appointment.store.id;
    }
    if (!customerId)
      throw new BadInputError(
        'customerId',
        'required',
        'A walk-in visit needs customerId (or give appointmentId).',
      );
    if (!storeId)
      throw new BadInputError(
        'storeId',
        'required',
        'A walk-in visit needs storeId (or give appointmentId).',
      );
    const customer = await em.findOne(Customer, { id: customerId });
    if (!customer) throw new NotFoundError('Customer', customerId);
    if (customer.archivedAt)
      throw new BadInputError('customerId', 'active', 'The customer is archived: restore the record first.');
    const store = await em.findOne(Store, { id: storeId });
    if (!store) throw new NotFoundError('Store', storeId);
    return { customer, store, appointment };
  }

  /** The lines asked for, or the appointment's services and therapists; all ids checked in 3 queries. */
  private async lines(em: EntityManager, input: RecordVisitInput, appointment?: Appointment) {
    let requested: VisitLineInput[] | undefined = input.lines;
    if (!requested && appointment) {
      const items = await appointment.items.loadItems();
      requested = items.map((item) => ({ serviceId: item.service.id, therapistId: item.therapist.id }));
    }
    if (!requested?.length)
      throw new BadInputError('lines', 'required', 'A walk-in visit needs at least one service line.');
    const services = await em.find(ServiceItem, { id: { $in: requested.map((line) => line.serviceId) } });
    const therapistIds = requested.map((line, index) => {
      const id = line.therapistId ?? (this.viewer.role === Role.THERAPIST ? this.viewer.userId : undefined);
      if (!id)
        throw new BadInputError(
          `lines[${index}].therapistId`,
          'required',
          'Say which therapist gave the service.',
        );
      return id;
    });
    const therapists = await em.find(User, { id: { $in: therapistIds }, active: true });
    const productIds = requested.flatMap((line) => line.products?.map((use) => use.productId) ?? []);
    const products = productIds.length ? await em.find(Product, { id: { $in: productIds } }) : [];
    return requested.map((line, index) => {
      const service = services.find((candidate) => candidate.id === line.serviceId);
      if (!service) throw new NotFoundError('ServiceItem', line.serviceId);
      const therapist = therapists.find((candidate) => candidate.id === therapistIds[index]);
      if (!therapist) throw new NotFoundError('StaffMember', therapistIds[index]);
      const uses = (line.products ?? []).map((use) => {
        const product = products.find((candidate) => candidate.id === use.productId);
        if (!product) throw new NotFoundError('Product', use.productId);
        return { product, quantity: use.quantity };
      });
      return { index, service, therapist, input: line, uses };
    });
  }

  /**
   * A therapist records only visits in which they gave a service. Condition notes are health data:
   * written only by a role that may access the customer's health profile (a therapist on a line
   * serves the customer today).
   */
  private checkAccess(
    input: RecordVisitInput,
    customer: Customer,
    lines: { therapist: User }[],
    today: string,
  ) {
    const onALine = lines.some((line) => line.therapist.id === this.viewer.userId);
    if (this.viewer.role === Role.THERAPIST && !onALine)
      throw new ForbiddenError('A therapist records only visits in which they gave a service.');
    if (input.conditionNotes === undefined || input.conditionNotes === null) return;
    const relation = {
      consultantId: customer.assignedConsultant?.id,
      therapistId: customer.assignedTherapist?.id,
      servedToday: onALine,
      healthConsentWithdrawn: healthConsentStatus(customer) === 'WITHDRAWN',
    };
    const allowed = [HealthSection.SAFETY, HealthSection.CLINICAL].some((section) =>
      mayAccessHealth(this.viewer, section, relation),
    );
    if (!allowed)
      throw new ForbiddenError(
        'conditionNotes is health data your role may not write for this customer: leave it out, nothing was recorded.',
      );
    assertHealthConsent(customer, today);
  }

  private async addLines(
    em: EntityManager,
    visit: Visit,
    store: Store,
    lines: Awaited<ReturnType<VisitRecordingService['lines']>>,
  ) {
    for (const line of lines) {
      const visitLine = em.create(VisitLine, {
        organization: this.viewer.organizationId,
        visit,
        position: line.index,
        service: line.service,
        therapist: line.therapist,
        durationMinutes: line.input.durationMinutes ?? line.service.durationMinutes,
        bodyArea: line.input.bodyArea,
        listPrice: line.service.price,
      });
      visit.lines.add(visitLine);
      for (const [useIndex, use] of line.uses.entries()) {
        visitLine.products.add(
          em.create(VisitProductUse, {
            organization: this.viewer.organizationId,
            line: visitLine,
            product: use.product,
            quantity: use.quantity,
          }),
        );
        await moveStock(em, {
          organizationId: this.viewer.organizationId,
          storeId: store.id,
          productId: use.product.id,
          delta: -use.quantity,
          reason: StockMovementReason.VISIT_USE,
          visitId: visit.id,
          recordedById: this.viewer.userId ?? null,
          productName: use.product.name,
          field: `lines[${line.index}].products[${useIndex}].quantity`,
        });
      }
    }
  }

  /** visitCount and lastVisitAt in one UPDATE: concurrent visits each count, the latest wins. */
  private async countVisit(em: EntityManager, customerId: string, visitedAt: Date) {
    await em
      .getConnection()
      .execute(
        'update customer set visit_count = visit_count + 1, last_visit_at = greatest(last_visit_at, ?) where id = ? and organization_id = ?',
        [visitedAt, customerId, this.viewer.organizationId],
        'run',
        em.getTransactionContext(),
      );
  }
}

function changedFields(input: RecordVisitInput): string[] {
  const fields = ['visitedAt', 'lines'];
  for (const name of [
    'effect',
    'satisfaction',
    'feedback',
    'suggestions',
    'nextVisitIntent',
    'nextVisitOn',
    'conditionNotes',
  ] as const)
    if (input[name] !== undefined && input[name] !== null) fields.push(name);
  return fields;
}
