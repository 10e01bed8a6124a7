import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, CustomerTag, HealthProfile, Organization, Store, Tag } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { StaffRole } from '../../entities/staff/staff.enums';
import type { CreateCustomerInput, UpdateCustomerInput } from '../../schema/customers/customer.inputs';
import { BadInputError, NotFoundError } from '../../core/errors';
import { assertNotMerged } from './customer-merge-guard';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { activeStaff } from '../staff/staff-reference';
import { normalizePhone } from './phone';
import { pinyinKeys } from './pinyin';
import { todayIn } from '../../core/time';
import { assertVersion, withUniqueConflicts, type UniqueRule } from '../constraint-errors';
import { inTransaction } from '../transaction';
import { integrationOf, setIntegrationExternalId } from './customer-external-id.service';

const CUSTOMER_UNIQUE: UniqueRule[] = [
  {
    constraint: 'customer_organization_id_phone_unique',
    field: 'phone',
    reason: 'DUPLICATE_PHONE',
    message: 'Another customer already has this phone number.',
  },
  {
    constraint: 'customer_organization_id_external_id_unique',
    field: 'externalId',
    reason: 'DUPLICATE_EXTERNAL_ID',
    message: 'Another customer already has this externalId.',
  },
  {
    constraint: 'customer_external_id_integration_unique',
    field: 'externalId',
    reason: 'DUPLICATE_EXTERNAL_ID',
    message: 'Another customer already has this externalId from your integration.',
  },
  {
    constraint: 'tag_organization_id_name_unique',
    field: 'tagNames',
    reason: 'DUPLICATE_NAME',
    message: 'A tag with this name was created meanwhile: retry.',
  },
];

type CustomerChanges = Partial<CreateCustomerInput & UpdateCustomerInput>;

const CONSULTANT_ROLES = [StaffRole.CONSULTANT, StaffRole.MANAGER, StaffRole.OWNER];
const THERAPIST_ROLES = [StaffRole.THERAPIST];

export class CustomerService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async create(input: CreateCustomerInput): Promise<Customer> {
    return withUniqueConflicts(CUSTOMER_UNIQUE, () =>
      inTransaction(this.em, async (em) => {
        const code = await this.nextCustomerCode(em);
        const customer = em.create(Customer, {
          organization: this.viewer.organizationId,
          code,
          name: '',
          namePinyin: '',
          nameInitials: '',
        });
        const changed = await this.apply(em, customer, input);
        em.create(HealthProfile, { organization: this.viewer.organizationId, customer });
        this.audit.recordChange(em, AuditAction.CREATE, 'Customer', customer.id, customer.id, changed);
        return customer;
      }),
    );
  }

  async update(id: string, expectedVersion: number, input: UpdateCustomerInput): Promise<Customer> {
    return withUniqueConflicts(CUSTOMER_UNIQUE, () =>
      inTransaction(this.em, async (em) => {
        const customer = await this.findForChange(em, id, expectedVersion);
        const changed = await this.apply(em, customer, input);
        if (changed.length > 0) {
          this.audit.recordChange(em, AuditAction.UPDATE, 'Customer', customer.id, customer.id, changed);
        }
        return customer;
      }),
    );
  }

  async setArchived(id: string, archived: boolean): Promise<Customer> {
    return inTransaction(this.em, async (em) => {
      const customer = await em.findOne(Customer, { id });
      if (!customer) throw new NotFoundError('Customer', id);
      assertNotMerged(customer);
      if (Boolean(customer.archivedAt) !== archived) {
        customer.archivedAt = archived ? new Date() : undefined;
        const action = archived ? AuditAction.ARCHIVE : AuditAction.RESTORE;
        this.audit.recordChange(em, action, 'Customer', customer.id, customer.id, ['archivedAt']);
      }
      return customer;
    });
  }

  /** Replaces the customer's tags by names; unknown names become new tags of the organization. */
  async setTags(id: string, names: string[]): Promise<Customer> {
    const wanted = [...new Set(names.map((name) => name.trim()).filter(Boolean))];
    const tooLong = wanted.find((name) => [...name].length > 30);
    if (tooLong)
      throw new BadInputError('tagNames', 'length', `Tag "${tooLong}" is longer than 30 characters.`);
    if (wanted.length > 30)
      throw new BadInputError('tagNames', 'count', 'A customer can have at most 30 tags.');
    return withUniqueConflicts(CUSTOMER_UNIQUE, () =>
      inTransaction(this.em, async (em) => {
        const customer = await em.findOne(Customer, { id }, { populate: ['tags'] });
        if (!customer) throw new NotFoundError('Customer', id);
        const existing = await em.find(Tag, { name: { $in: wanted } });
        const ruleBased = existing.find((tag) => tag.rule != null);
        if (ruleBased)
          throw new BadInputError(
            'tagNames',
            'ruleBased',
            `"${ruleBased.name}" is a rule-based tag: it is computed from its rule, not set by hand.`,
          );
        const byName = new Map(existing.map((tag) => [tag.name, tag]));
        for (const name of wanted) {
          if (!byName.has(name))
            byName.set(name, em.create(Tag, { organization: this.viewer.organizationId, name }));
        }
        const current = new Set(customer.tags.getItems().map((tag) => tag.name));
        // Rule-based tags stay: the schedule owns them.
        await em.nativeDelete(CustomerTag, {
          customer: customer.id,
          tag: { name: { $nin: wanted }, rule: null },
        });
        for (const name of wanted) {
          if (!current.has(name)) {
            em.create(CustomerTag, {
              organization: this.viewer.organizationId,
              customer,
              tag: byName.get(name)!,
            });
          }
        }
        this.audit.recordChange(em, AuditAction.UPDATE, 'Customer', customer.id, customer.id, ['tags']);
        await em.flush();
        await em.refresh(customer, { populate: ['tags'] });
        return customer;
      }),
    );
  }

  async assignStaff(
    id: string,
    consultantId: string | null | undefined,
    therapistId: string | null | undefined,
  ) {
    return inTransaction(this.em, async (em) => {
      const customer = await em.findOne(Customer, { id });
      if (!customer) throw new NotFoundError('Customer', id);
      const changed: string[] = [];
      if (consultantId !== undefined) {
        customer.assignedConsultant = await staffReferenceOrNone(
          em,
          'consultantId',
          consultantId,
          CONSULTANT_ROLES,
        );
        changed.push('assignedConsultant');
      }
      if (therapistId !== undefined) {
        customer.assignedTherapist = await staffReferenceOrNone(
          em,
          'therapistId',
          therapistId,
          THERAPIST_ROLES,
        );
        changed.push('assignedTherapist');
      }
      this.audit.recordChange(em, AuditAction.UPDATE, 'Customer', customer.id, customer.id, changed);
      return customer;
    });
  }

  private async findForChange(em: EntityManager, id: string, expectedVersion: number): Promise<Customer> {
    const customer = await em.findOne(Customer, { id });
    if (!customer) throw new NotFoundError('Customer', id);
    assertNotMerged(customer);
    assertVersion('Customer', customer.version, expectedVersion);
    return customer;
  }

  /** Validates and copies the given fields; returns the names of the fields that changed. */
  private async apply(em: EntityManager, customer: Customer, input: CustomerChanges): Promise<string[]> {
    const changed: string[] = [];
    const set = <K extends keyof Customer>(field: K, value: Customer[K]) => {
      if (JSON.stringify(customer[field]) !== JSON.stringify(value)) {
        customer[field] = value;
        changed.push(String(field));
      }
    };
    // Every field may arrive as an explicit null (GraphQL allows it for optional fields): it clears,
    // or is refused for the name; it must never reach `.trim()` or `.map()`.
    if (input.name !== undefined) {
      const name = input.name?.trim();
      if (!name) throw new BadInputError('name', 'required', 'name must not be blank.');
      const keys = pinyinKeys(name);
      set('name', name);
      set('namePinyin', keys.full);
      set('nameInitials', keys.initials);
    }
    if (input.phone !== undefined) {
      const phone = input.phone ? normalizePhone(input.phone) : undefined;
      set('phone', phone);
      set('phoneLast4', phone?.slice(-4));
    }
    if (input.birthday !== undefined) {
      if (input.birthday) {
        const organization = await em.findOneOrFail(Organization, { id: this.viewer.organizationId });
        if (input.birthday > todayIn(organization.timezone)) {
          throw new BadInputError('birthday', 'notInFuture', 'birthday must not be in the future.');
        }
        if (input.birthday < '1900-01-01')
          throw new BadInputError('birthday', 'range', 'birthday must be after 1900.');
      }
      set('birthday', input.birthday ?? undefined);
    }
    if (input.email !== undefined) set('email', input.email?.trim().toLowerCase() || undefined);
    for (const field of [
      'gender',
      'address',
      'occupation',
      'source',
      'sourceNote',
      'notes',
      'photoUrl',
      'statusOverride',
    ] as const) {
      if (input[field] !== undefined) set(field, (input[field] ?? undefined) as never);
    }
    if (input.externalId !== undefined) {
      const value = input.externalId?.trim() || undefined;
      // An API key writes its integration's id; two systems may give one number to two customers.
      const integration = integrationOf(this.viewer);
      if (!integration) set('externalId', value);
      else if (await setIntegrationExternalId(em, customer, integration, value)) changed.push('externalId');
    }
    if (input.importantDates !== undefined) {
      set(
        'importantDates',
        (input.importantDates ?? []).map(({ kind, label, date }) => ({ kind, label, date })),
      );
    }
    if (input.preferences === null) set('preferences', {});
    else if (input.preferences !== undefined) {
      const preferences = input.preferences;
      set('preferences', {
        serviceTypes: preferences.serviceTypes ?? [],
        productBrands: preferences.productBrands ?? [],
        scents: preferences.scents ?? [],
        noScent: preferences.noScent ?? false,
        pressure: preferences.pressure,
        music: preferences.music,
        lighting: preferences.lighting,
        roomTemperature: preferences.roomTemperature,
        dietaryRestrictions: preferences.dietaryRestrictions ?? [],
        other: preferences.other,
      });
    }
    if (input.referrerId !== undefined) {
      if (input.referrerId === customer.id)
        throw new BadInputError('referrerId', 'notSelf', 'A customer cannot refer themself.');
      if (input.referrerId && !(await em.findOne(Customer, { id: input.referrerId }))) {
        throw new BadInputError(
          'referrerId',
          'exists',
          'referrerId must be a customer of your organization.',
        );
      }
      set(
        'referrer',
        input.referrerId ? em.getReference(Customer, input.referrerId, { wrapped: true }) : undefined,
      );
    }
    if (input.homeStoreId !== undefined) {
      if (input.homeStoreId && !(await em.findOne(Store, { id: input.homeStoreId }))) {
        throw new BadInputError('homeStoreId', 'exists', 'homeStoreId must be a store of your organization.');
      }
      set(
        'homeStore',
        input.homeStoreId ? em.getReference(Store, input.homeStoreId, { wrapped: true }) : undefined,
      );
    }
    return changed;
  }

  private async nextCustomerCode(em: EntityManager): Promise<string> {
    const [row] = await em
      .getConnection()
      .execute<{ number: number }[]>(
        'update organization set last_customer_number = last_customer_number + 1 where id = ? returning last_customer_number as number',
        [this.viewer.organizationId],
        'all',
        em.getTransactionContext(),
      );
    return `C${String(row.number).padStart(6, '0')}`;
  }
}

/** A staff reference, or none when the input clears the assignment (null). */
function staffReferenceOrNone(em: EntityManager, field: string, userId: string | null, roles: StaffRole[]) {
  return userId === null ? undefined : activeStaff(em, field, userId, roles);
}
