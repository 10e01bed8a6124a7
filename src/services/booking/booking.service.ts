import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Appointment, AppointmentItem, Customer, ServiceItem, Store, User } from '../../entities';
import { AppointmentStatus } from '../../entities/booking/booking.enums';
import { AuditAction } from '../../entities/audit/audit.enums';
import type {
  BookAppointmentInput,
  RescheduleAppointmentInput,
} from '../../schema/booking/appointment.inputs';
import { BadInputError, ConflictError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { BookingResources, type PlannedItem } from './booking-resources';
import { runIdempotent } from '../idempotency';
import { inTransaction } from '../transaction';
import { ContraindicationCheckService } from '../health/contraindication-check.service';
import type { ContraindicationResult } from '../health/contraindication';
import { assertVersion, withConstraintRules } from '../constraint-errors';

export interface Booking {
  appointment: Appointment;
  contraindications: ContraindicationResult & { customer: { id: string } };
}

type ItemRequest = BookAppointmentInput['items'][number];

/** A start a few minutes ago still counts: the front desk books the customer standing there. */
const PAST_GRACE_MS = 10 * 60_000;

/**
 * 预约: books services in sequence, picks or checks therapists and rooms, runs the contraindication
 * check. PostgreSQL's exclusion constraints are the final word on double booking: a concurrent
 * booking of the same therapist or room fails here with CONFLICT naming the clash.
 */
export class BookingService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async book(input: BookAppointmentInput): Promise<Booking> {
    const { idempotencyKey, ...request } = input;
    return this.translateClashes(() =>
      runIdempotent(
        this.em,
        this.viewer,
        {
          operation: 'bookAppointment',
          key: idempotencyKey,
          input: request,
          keptOn: 'appointment_organization_id_idempotency_key_unique',
        },
        {
          run: (em) => this.create(em, input),
          remember: (booking) => ({ appointmentId: booking.appointment.id }),
          replay: (em, kept: { appointmentId: string }) => this.replay(em, kept.appointmentId),
        },
      ),
    );
  }

  private async create(em: EntityManager, input: BookAppointmentInput): Promise<Booking> {
    const store = await em.findOne(Store, { id: input.storeId });
    if (!store) throw new NotFoundError('Store', input.storeId);
    const customer = await em.findOne(Customer, { id: input.customerId });
    if (!customer) throw new NotFoundError('Customer', input.customerId);
    if (customer.archivedAt)
      throw new BadInputError('customerId', 'active', 'The customer is archived: restore the record first.');
    const items = await this.plan(em, store, input.startsAt, input.items);
    const appointment = em.create(Appointment, {
      organization: this.viewer.organizationId,
      store,
      customer,
      channel: input.channel,
      startsAt: items[0].startsAt,
      endsAt: items[items.length - 1].endsAt,
      notes: input.notes,
      bookedBy: this.viewer.userId ?? null,
      idempotencyKey: input.idempotencyKey,
    });
    const check = await this.checkAndPersist(em, store, appointment, items, input.strict);
    this.audit.recordChange(em, AuditAction.CREATE, 'Appointment', appointment.id, customer.id, [
      'startsAt',
      'items',
      'channel',
      ...(input.notes ? ['notes'] : []),
    ]);
    return { appointment, contraindications: check };
  }

  async reschedule(id: string, expectedVersion: number, input: RescheduleAppointmentInput): Promise<Booking> {
    return this.translateClashes(() =>
      inTransaction(this.em, async (em) => {
        const appointment = await em.findOne(Appointment, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!appointment) throw new NotFoundError('Appointment', id);
        assertVersion('Appointment', appointment.version, expectedVersion);
        if (![AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED].includes(appointment.status))
          throw new ConflictError(`A ${appointment.status} appointment cannot be rescheduled.`, {
            reason: 'INVALID_STATE',
          });
        const store = await appointment.store.loadOrFail();
        const previous = await appointment.items.loadItems();
        const requested: ItemRequest[] =
          input.items ??
          previous.map((item) => ({
            serviceId: item.service.id,
            therapistId: item.therapist.id,
            roomId: item.room?.id,
          }));
        // The old items go first, so the new ones do not clash with the slot they leave.
        for (const item of previous) em.remove(item);
        await em.flush();
        const items = await this.plan(em, store, input.startsAt, requested);
        appointment.startsAt = items[0].startsAt;
        appointment.endsAt = items[items.length - 1].endsAt;
        appointment.status = AppointmentStatus.BOOKED;
        appointment.confirmedAt = undefined;
        const check = await this.checkAndPersist(em, store, appointment, items, input.strict);
        this.audit.recordChange(
          em,
          AuditAction.UPDATE,
          'Appointment',
          appointment.id,
          appointment.customer.id,
          ['startsAt', 'items'],
        );
        return { appointment, contraindications: check };
      }),
    );
  }

  private async plan(
    em: EntityManager,
    store: Store,
    startsAt: Date,
    requested: ItemRequest[],
  ): Promise<PlannedItem[]> {
    if (startsAt.getTime() < Date.now() - PAST_GRACE_MS)
      throw new BadInputError('startsAt', 'future', 'An appointment cannot start in the past.');
    const services = await em.find(
      ServiceItem,
      { id: { $in: requested.map((item) => item.serviceId) } },
      { populate: ['contraindications'] },
    );
    let next = startsAt;
    const items = requested.map((request, index): PlannedItem => {
      const service = services.find((candidate) => candidate.id === request.serviceId);
      if (!service) throw new NotFoundError('ServiceItem', request.serviceId);
      if (!service.active)
        throw new BadInputError(
          `items[${index}].serviceId`,
          'active',
          `${service.name} is not offered any more.`,
        );
      const endsAt = new Date(next.getTime() + service.durationMinutes * 60_000);
      const blockedUntil = new Date(endsAt.getTime() + service.bufferMinutes * 60_000);
      const item = { position: index, service, startsAt: next, endsAt, blockedUntil, ...pick(request) };
      // The next service starts once therapist and room of this one are free again.
      next = blockedUntil;
      return item;
    });
    await new BookingResources(em, store).assign(items);
    return items;
  }

  private async checkAndPersist(
    em: EntityManager,
    store: Store,
    appointment: Appointment,
    items: PlannedItem[],
    strict?: boolean,
  ): Promise<Booking['contraindications']> {
    const check = await new ContraindicationCheckService(em).check(
      appointment.customer.id,
      items.map((item) => item.service),
      appointment.startsAt,
      store.timezone,
    );
    if (strict && check.healthReviewRequired)
      throw new ConflictError(
        'A contraindication of the booked services needs a health review first; nothing was booked.',
        { reason: 'CONTRAINDICATION' },
      );
    appointment.healthReviewRequired = check.healthReviewRequired;
    for (const item of items) {
      appointment.items.add(
        em.create(AppointmentItem, {
          organization: this.viewer.organizationId,
          appointment,
          position: item.position,
          service: item.service,
          therapist: em.getReference(User, item.therapistId!),
          room: item.roomId ?? null,
          startsAt: item.startsAt,
          endsAt: item.endsAt,
          blockedUntil: item.blockedUntil,
        }),
      );
    }
    await em.flush();
    return { ...check, customer: { id: appointment.customer.id } };
  }

  /** The booking made first with the key, its contraindications checked again (they are not kept). */
  private async replay(em: EntityManager, appointmentId: string): Promise<Booking> {
    const earlier = await em.findOneOrFail(Appointment, { id: appointmentId });
    const store = await earlier.store.loadOrFail();
    const items = await earlier.items.loadItems({ populate: ['service.contraindications'] });
    const check = await new ContraindicationCheckService(em).check(
      earlier.customer.id,
      items.map((item) => item.service.getEntity()),
      earlier.startsAt,
      store.timezone,
    );
    return { appointment: earlier, contraindications: { ...check, customer: { id: earlier.customer.id } } };
  }

  /** Exclusion-constraint races become CONFLICT, never a 500; deadlocks were retried before this. */
  private translateClashes(work: () => Promise<Booking>): Promise<Booking> {
    return withConstraintRules(
      [
        {
          constraint: 'appointment_item_room_overlap',
          reason: 'ROOM_BUSY',
          message: 'The room was booked by someone else a moment ago: pick another time or room.',
        },
        {
          constraint: 'appointment_item_therapist_overlap',
          reason: 'THERAPIST_BUSY',
          message: 'The therapist was booked by someone else a moment ago: pick another time or therapist.',
        },
      ],
      work,
    );
  }
}

function pick(request: ItemRequest): { therapistId?: string; roomId?: string } {
  return { therapistId: request.therapistId ?? undefined, roomId: request.roomId ?? undefined };
}
