import type { EntityManager } from '@mikro-orm/postgresql';
import {
  Allergy,
  Customer,
  HealthProfile,
  MedicalCondition,
  Organization,
  SpecialCondition,
} from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { HealthSection, mayAccessHealth } from '../../core/health-access';
import { assertHealthConsent, healthConsentStatus } from './health-consent';
import { customersServedToday } from '../read/serving';
import { todayIn } from '../../core/time';
import type {
  AllergyInput,
  HealthProfileInput,
  MedicalConditionInput,
  SpecialConditionInput,
} from '../../schema/health/health-profile.inputs';
import { BadInputError, ForbiddenError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { assertVersion, withUniqueConflicts } from '../constraint-errors';
import { changedFields } from '../changes';
import { inTransaction } from '../transaction';

type RecordKind = 'Allergy' | 'MedicalCondition' | 'SpecialCondition';
type HealthRecordEntity = Allergy | MedicalCondition | SpecialCondition;

const RECORDS = {
  Allergy: { entity: Allergy, section: HealthSection.SAFETY, required: ['substance', 'category'] },
  MedicalCondition: { entity: MedicalCondition, section: HealthSection.CLINICAL, required: ['condition'] },
  SpecialCondition: {
    entity: SpecialCondition,
    section: HealthSection.SAFETY,
    required: ['kind', 'startsOn'],
  },
} as const;

type RecordInput = AllergyInput | MedicalConditionInput | SpecialConditionInput;

/** Writes to the health profile. Who may write a section is who may read it (core/health-access). */
export class HealthService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async updateProfile(customerId: string, expectedVersion: number | undefined, input: HealthProfileInput) {
    return withUniqueConflicts([], () =>
      inTransaction(this.em, async (em) => {
        await this.customerFor(em, customerId, HealthSection.CLINICAL);
        // Customers get their profile when created; one without (brought in by an import, or written
        // by a tool) gets it on its first write rather than an INTERNAL_SERVER_ERROR.
        const profile =
          (await em.findOne(HealthProfile, { customer: customerId })) ??
          em.create(HealthProfile, { organization: this.viewer.organizationId, customer: customerId });
        assertVersion('Health profile', profile.version, expectedVersion);
        const changed: string[] = [];
        const assign = <K extends keyof HealthProfile>(field: K, value: HealthProfile[K] | undefined) => {
          if (value === undefined || JSON.stringify(profile[field]) === JSON.stringify(value)) return;
          profile[field] = value;
          changed.push(String(field));
        };
        assign('constitution', input.constitution === null ? undefined : input.constitution);
        if (input.constitution === null && profile.constitution) {
          profile.constitution = undefined;
          changed.push('constitution');
        }
        // A null list empties it: its column is never NULL (23502 answered INTERNAL_SERVER_ERROR).
        const list = <T>(value: T[] | null | undefined) => (value === null ? [] : value);
        assign('secondaryConstitutions', list(input.secondaryConstitutions));
        assign('lifestyle', input.lifestyle ? { ...input.lifestyle } : undefined);
        assign(
          'skinProfile',
          input.skinProfile
            ? { ...input.skinProfile, concerns: input.skinProfile.concerns ?? [] }
            : undefined,
        );
        assign('currentComplaints', list(input.currentComplaints));
        assign('wellnessGoals', list(input.wellnessGoals));
        if (input.notes !== undefined && (input.notes ?? undefined) !== profile.notes) {
          profile.notes = input.notes ?? undefined;
          changed.push('notes');
        }
        if (changed.length)
          this.audit.recordChange(em, AuditAction.UPDATE, 'HealthProfile', profile.id, customerId, changed);
        return profile;
      }),
    );
  }

  async addRecord(kind: RecordKind, customerId: string, input: RecordInput): Promise<HealthRecordEntity> {
    const definition = RECORDS[kind];
    for (const field of definition.required) {
      if ((input as Record<string, unknown>)[field] == null) {
        throw new BadInputError(field, 'required', `${field} is required to add a ${kind}.`);
      }
    }
    return inTransaction(this.em, async (em) => {
      await this.customerFor(em, customerId, definition.section);
      const record = em.create(
        definition.entity as typeof Allergy,
        {
          organization: this.viewer.organizationId,
          customer: customerId,
          recordedBy: this.viewer.userId,
        } as never,
      );
      const changed = this.copy(record, input);
      this.validateRecord(record);
      this.audit.recordChange(em, AuditAction.CREATE, kind, record.id, customerId, changed);
      return record;
    });
  }

  async updateRecord(kind: RecordKind, id: string, input: RecordInput): Promise<HealthRecordEntity> {
    return inTransaction(this.em, async (em) => {
      const record = await this.recordFor(em, kind, id);
      const changed = this.copy(record, input);
      this.validateRecord(record);
      if (changed.length)
        this.audit.recordChange(em, AuditAction.UPDATE, kind, record.id, record.customer.id, changed);
      return record;
    });
  }

  async removeRecord(kind: RecordKind, id: string): Promise<string> {
    return inTransaction(this.em, async (em) => {
      const record = await this.recordFor(em, kind, id, 'remove');
      this.audit.recordChange(em, AuditAction.DELETE, kind, record.id, record.customer.id, []);
      em.remove(record);
      return id;
    });
  }

  private async recordFor(
    em: EntityManager,
    kind: RecordKind,
    id: string,
    purpose: 'write' | 'remove' = 'write',
  ): Promise<HealthRecordEntity> {
    const definition = RECORDS[kind];
    const record = (await em.findOne(definition.entity as typeof Allergy, {
      id,
    })) as HealthRecordEntity | null;
    if (!record) throw new NotFoundError(kind, id);
    await this.customerFor(em, record.customer.id, definition.section, purpose);
    return record;
  }

  /** The customer, when the viewer may change this section; writes (not removals) also need consent. */
  private async customerFor(
    em: EntityManager,
    customerId: string,
    section: HealthSection,
    purpose: 'write' | 'remove' = 'write',
  ): Promise<Customer> {
    const customer = await em.findOne(Customer, { id: customerId });
    if (!customer) throw new NotFoundError('Customer', customerId);
    const relation = {
      consultantId: customer.assignedConsultant?.id,
      therapistId: customer.assignedTherapist?.id,
      servedToday: (await customersServedToday(em, this.viewer, [customer.id])).has(customer.id),
      healthConsentWithdrawn: healthConsentStatus(customer) === 'WITHDRAWN',
    };
    if (!mayAccessHealth(this.viewer, section, relation)) {
      throw new ForbiddenError('Your role may not change this part of the health profile of this customer.');
    }
    if (purpose === 'write') {
      const organization = await em.findOneOrFail(Organization, { id: this.viewer.organizationId });
      assertHealthConsent(customer, todayIn(organization.timezone));
    }
    return customer;
  }

  /** A null for a required field (substance, category…) is BAD_USER_INPUT naming it (changes.ts). */
  private copy(record: HealthRecordEntity, input: RecordInput): string[] {
    return changedFields(record as object, input as Record<string, unknown>);
  }

  private validateRecord(record: HealthRecordEntity): void {
    for (const [field, text] of Object.entries({
      substance: (record as Allergy).substance,
      condition: (record as MedicalCondition).condition,
    })) {
      if (text !== undefined && !text.trim())
        throw new BadInputError(field, 'required', `${field} must not be blank.`);
    }
    if (record instanceof SpecialCondition && record.endsOn && record.endsOn < record.startsOn) {
      throw new BadInputError('endsOn', 'afterStart', 'endsOn must be on or after startsOn.');
    }
  }
}
