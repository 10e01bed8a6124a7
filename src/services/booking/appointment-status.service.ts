import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Appointment, AppointmentItem } from '../../entities';
import { AppointmentStatus } from '../../entities/booking/booking.enums';
import { AuditAction } from '../../entities/audit/audit.enums';
import { Role } from '../../entities/access/access.enums';
import { BadInputError, ConflictError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { localTime } from '../../core/local-time';
import { inTransaction } from '../transaction';

const { BOOKED, CONFIRMED, ARRIVED, CANCELLED, NO_SHOW } = AppointmentStatus;

type Transition = 'confirm' | 'checkIn' | 'cancel' | 'noShow';

/** Which statuses each step leaves from and where it goes; COMPLETED is reached by recording a visit. */
const TRANSITIONS: Record<Transition, { from: AppointmentStatus[]; to: AppointmentStatus }> = {
  confirm: { from: [BOOKED], to: CONFIRMED },
  checkIn: { from: [BOOKED, CONFIRMED], to: ARRIVED },
  cancel: { from: [BOOKED, CONFIRMED], to: CANCELLED },
  noShow: { from: [BOOKED, CONFIRMED], to: NO_SHOW },
};

/** 预约状态: confirm, check in (到店), cancel with a reason, no-show (爽约). */
export class AppointmentStatusService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  confirm(id: string): Promise<Appointment> {
    return this.move(id, 'confirm', (appointment, now) => (appointment.confirmedAt = now));
  }

  checkIn(id: string): Promise<Appointment> {
    return this.move(id, 'checkIn', async (appointment, now) => {
      const store = await appointment.store.loadOrFail();
      const day = localTime(appointment.startsAt, store.timezone).date;
      if (day !== localTime(now, store.timezone).date)
        throw new ConflictError(`Check-in is possible on the day of the appointment (${day}) only.`, {
          reason: 'NOT_TODAY',
        });
      appointment.checkedInAt = now;
    });
  }

  cancel(id: string, reason: string): Promise<Appointment> {
    if (!reason.trim())
      throw new BadInputError('reason', 'required', 'Say why the appointment is cancelled.');
    return this.move(id, 'cancel', (appointment, now) => {
      appointment.cancelledAt = now;
      appointment.cancelReason = reason.trim();
    });
  }

  markNoShow(id: string): Promise<Appointment> {
    return this.move(id, 'noShow', (appointment, now) => (appointment.noShowAt = now));
  }

  private move(
    id: string,
    transition: Transition,
    apply: (appointment: Appointment, now: Date) => unknown,
  ): Promise<Appointment> {
    return inTransaction(this.em, async (em) => {
      const appointment = await em.findOne(Appointment, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!appointment) throw new NotFoundError('Appointment', id);
      if (this.viewer.role === Role.THERAPIST && !(await this.servesIn(em, appointment)))
        throw new NotFoundError('Appointment', id);
      const { from, to } = TRANSITIONS[transition];
      if (!from.includes(appointment.status))
        throw new ConflictError(`The appointment is ${appointment.status}; it cannot become ${to}.`, {
          reason: 'INVALID_STATE',
        });
      await apply(appointment, new Date());
      appointment.status = to;
      if (to === CANCELLED || to === NO_SHOW)
        // The slot is free again for other bookings (the exclusion constraints skip non-blocking items).
        await em.nativeUpdate(AppointmentItem, { appointment: appointment.id }, { blocking: false });
      this.audit.recordChange(
        em,
        AuditAction.UPDATE,
        'Appointment',
        appointment.id,
        appointment.customer.id,
        ['status', ...(to === CANCELLED ? ['cancelReason'] : [])],
      );
      return appointment;
    });
  }

  private async servesIn(em: EntityManager, appointment: Appointment): Promise<boolean> {
    return (
      (await em.count(AppointmentItem, { appointment: appointment.id, therapist: this.viewer.userId })) > 0
    );
  }
}
