import type { EntityManager } from '@mikro-orm/core';
import {
  Allergy,
  Appointment,
  AppointmentItem,
  type Customer,
  MedicalCondition,
  type Room,
  type ServiceItem,
  SpecialCondition,
  type StaffProfile,
  type Store,
} from '../entities';
import { AppointmentStatus, BookingChannel } from '../entities/booking/booking.enums';
import { matchContraindications } from '../services/health/contraindication';
import { instantAt } from '../core/local-time';
import { DAY, dateOf, type OperationsContext } from './operations-context';
import type { VisitRecorder } from './visits.seeder';

const SLOTS = ['10:00', '13:00', '16:00', '19:00'];

/** The seeded health facts of each customer, for the contraindication check of seeded bookings. */
export async function healthFacts(em: EntityManager, customers: Customer[]) {
  const ids = customers.map((customer) => customer.id);
  const [allergies, specialConditions, medicalConditions] = [
    await em.find(Allergy, { customer: { $in: ids } }, { filters: false }),
    await em.find(SpecialCondition, { customer: { $in: ids } }, { filters: false }),
    await em.find(MedicalCondition, { customer: { $in: ids } }, { filters: false }),
  ];
  return (customer: Customer) => ({
    allergies: allergies.filter((fact) => fact.customer.id === customer.id),
    specialConditions: specialConditions.filter((fact) => fact.customer.id === customer.id),
    medicalConditions: medicalConditions.filter((fact) => fact.customer.id === customer.id),
  });
}

type HealthFacts = Awaited<ReturnType<typeof healthFacts>>;

/**
 * Appointments: a grid per therapist from three days ago to three days ahead, about half the slots
 * taken, customers in turn. Past ones mostly completed (each with its visit, counted on the
 * customer), the rest no-shows or cancellations; today's begun ones arrived; later ones booked or
 * confirmed. Each carries the contraindication check's health-review flag.
 */
export function bookAppointments(
  em: EntityManager,
  context: OperationsContext,
  profiles: StaffProfile[],
  rooms: Map<Store, Room[]>,
  services: ServiceItem[],
  facts: HealthFacts,
  visits: VisitRecorder,
): void {
  const { organization, customers, rng, now } = context;
  let picked = 0;
  for (const [index, profile] of profiles.entries()) {
    const store = profile.store.getEntity();
    const own = rooms.get(store)!;
    for (let day = -3; day <= 3; day++) {
      for (const time of SLOTS) {
        if (!rng.chance(0.55)) continue;
        const startsAt = instantAt(dateOf(now, day, store), Number(time.slice(0, 2)) * 60, store.timezone);
        const service = rng.pick(
          services.filter((s) => !s.roomKind || own.some((room) => room.kind === s.roomKind)),
        );
        const room = service.roomKind ? own.filter((r) => r.kind === service.roomKind)[index % 2] : undefined;
        const customer = customers[(picked++ * 7 + index) % customers.length];
        const endsAt = new Date(startsAt.getTime() + service.durationMinutes * 60_000);
        const past = endsAt.getTime() < now;
        const status = past
          ? rng.chance(0.85)
            ? AppointmentStatus.COMPLETED
            : rng.pick([AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED])
          : day === 0 && startsAt.getTime() < now
            ? AppointmentStatus.ARRIVED
            : rng.pick([AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED, AppointmentStatus.CONFIRMED]);
        const check = matchContraindications([service], facts(customer), dateOf(now, day, store));
        const appointment = em.create(Appointment, {
          organization,
          store,
          customer,
          channel: rng.pick(Object.values(BookingChannel)),
          status,
          startsAt,
          endsAt,
          healthReviewRequired: check.healthReviewRequired,
          confirmedAt: status === AppointmentStatus.BOOKED ? undefined : new Date(startsAt.getTime() - DAY),
          checkedInAt: [AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED].includes(status)
            ? startsAt
            : undefined,
          completedAt: status === AppointmentStatus.COMPLETED ? endsAt : undefined,
          cancelledAt:
            status === AppointmentStatus.CANCELLED ? new Date(startsAt.getTime() - DAY) : undefined,
          cancelReason: status === AppointmentStatus.CANCELLED ? '客户临时出差' : undefined,
          noShowAt: status === AppointmentStatus.NO_SHOW ? endsAt : undefined,
          createdAt: new Date(startsAt.getTime() - 3 * DAY),
        });
        em.create(AppointmentItem, {
          organization,
          appointment,
          position: 0,
          service,
          therapist: profile.user.getEntity(),
          room,
          startsAt,
          endsAt,
          blockedUntil: new Date(endsAt.getTime() + service.bufferMinutes * 60_000),
          blocking: status !== AppointmentStatus.CANCELLED && status !== AppointmentStatus.NO_SHOW,
        });
        if (status !== AppointmentStatus.COMPLETED) continue;
        visits.record(customer, store, profile.user.getEntity(), service, startsAt, appointment);
        customer.visitCount += 1;
        if (!customer.lastVisitAt || customer.lastVisitAt < startsAt) customer.lastVisitAt = startsAt;
      }
    }
  }
}
