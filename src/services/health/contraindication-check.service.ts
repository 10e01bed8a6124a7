import type { EntityManager } from '@mikro-orm/postgresql';
import { Allergy, MedicalCondition, SpecialCondition } from '../../entities';
import type { ServiceItem } from '../../entities';
import { matchContraindications, type ContraindicationResult } from './contraindication';
import { localTime } from '../../core/local-time';

/** Loads the customer's health facts (three statements) and matches the services' tags on the local date. */
export class ContraindicationCheckService {
  constructor(private readonly em: EntityManager) {}

  async check(
    customerId: string,
    services: ServiceItem[],
    startsAt: Date,
    timeZone: string,
  ): Promise<ContraindicationResult> {
    if (!services.some((service) => service.contraindications.length > 0))
      return { healthReviewRequired: false, blocking: false, findings: [] };
    // One after the other: inside the booking transaction they share a single connection.
    const allergies = await this.em.find(Allergy, { customer: customerId });
    const specialConditions = await this.em.find(SpecialCondition, { customer: customerId });
    const medicalConditions = await this.em.find(MedicalCondition, { customer: customerId });
    return matchContraindications(
      services,
      { allergies, specialConditions, medicalConditions },
      localTime(startsAt, timeZone).date,
    );
  }
}
