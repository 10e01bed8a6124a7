import type { EntityManager } from '@mikro-orm/core';
import { Seeder } from '@mikro-orm/seeder';
import { Organization, Store, Tag, User } from '../entities';
import { StaffRole } from '../entities/staff/staff.enums';
import { hashPassword } from '../services/access/password.service';
import * as data from './demo-data';
import { seedCare } from './care.seeder';
import { seedCustomers } from './customers.seeder';
import { seedMemberships } from './membership.seeder';
import { seedOperations } from './operations.seeder';
import { random } from './random';

/** 悦心养生馆: one organization, two stores, a user per role, 50 customers with health profiles. */
export class DemoSeeder extends Seeder {
  constructor(private readonly customerCount = 50) {
    super();
  }

  /** All or nothing: a failed seed leaves an empty database, so the next start seeds again. */
  async run(em: EntityManager): Promise<void> {
    await em.transactional((tx) => this.seed(tx));
  }

  /**
   * The steps in the order they draw from the one random sequence and create rows: keep it, or the
   * demo archive changes.
   */
  private async seed(em: EntityManager): Promise<void> {
    const rng = random(20261122);
    const { organization, stores } = createOrganization(em, this.customerCount);
    const staff = await createStaff(em, organization, stores);
    const consultants = staff.filter((user) => user.role === StaffRole.CONSULTANT);
    const therapists = staff.filter((user) => user.role === StaffRole.THERAPIST);
    const tags = data.TAGS.map((tag) => em.create(Tag, { organization, ...tag }));
    const now = Date.now();
    const customers = seedCustomers(
      em,
      { organization, stores, consultants, therapists, tags, rng, now },
      this.customerCount,
    );
    await em.flush();
    await seedOperations(em, { organization, stores, therapists, customers, rng, now });
    const frontDesk = staff.find((user) => user.role === StaffRole.FRONT_DESK)!;
    await seedMemberships(em, { organization, customers, frontDesk, rng, now });
    seedCare(em, { organization, stores, staff, customers, tags, rng, now });
    await em.flush();
  }
}

/** The organization (its customer numbers run up to the seeded customers) and its two stores. */
function createOrganization(
  em: EntityManager,
  customerCount: number,
): { organization: Organization; stores: Store[] } {
  const organization = em.create(Organization, { name: '悦心养生馆', lastCustomerNumber: customerCount });
  const stores = [
    em.create(Store, {
      organization,
      name: '静安店',
      code: 'JA',
      address: '上海市静安区南京西路1266号',
      phone: '021-62881234',
    }),
    em.create(Store, {
      organization,
      name: '徐汇店',
      code: 'XH',
      address: '上海市徐汇区衡山路88号',
      phone: '021-64335678',
    }),
  ];
  return { organization, stores };
}

/** A user per demo staff member, all with the demo password, each working in both stores. */
async function createStaff(em: EntityManager, organization: Organization, stores: Store[]): Promise<User[]> {
  const passwordHash = await hashPassword(data.DEMO_PASSWORD);
  const staff = data.DEMO_STAFF.map((member) =>
    em.create(User, {
      organization,
      email: member.email,
      displayName: member.displayName,
      role: member.role as StaffRole,
      passwordHash,
    }),
  );
  for (const user of staff) user.stores.set(stores);
  return staff;
}
