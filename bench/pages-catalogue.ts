import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { TAGS } from '../src/seeders/demo-data';
import { TIERS } from '../src/seeders/membership-data';
import { BODY_AREAS, SERVICES } from '../src/seeders/operations-data';
import { rows } from './pages-rows';

/** One organization's store, where the generated rows go. */
export interface Scope {
  organizationId: string;
  storeId: string;
}

export interface Catalogue {
  services: { id: string; name: string; minutes: number; buffer: number; price: number; bodyArea: string }[];
  therapistIds: string[];
  tagIds: string[];
  /** By rank: 普通, 银卡, 金卡, 白金. */
  tierIds: string[];
}

const THERAPISTS = ['李技师', '郑技师', '钱技师', '冯技师', '孙技师', '何技师'];

/** The demo menu (12 services), six therapists with staff profiles in the store, the demo tags and tiers. */
export async function loadCatalogue(client: Client, scope: Scope, emailTag: string): Promise<Catalogue> {
  const organization = { organization_id: scope.organizationId };
  const services = SERVICES.map((service) => ({
    id: randomUUID(),
    name: service.name,
    minutes: service.minutes,
    buffer: service.buffer,
    price: service.price,
    bodyArea: BODY_AREAS[service.category],
  }));
  const serviceRows = rows(
    'service_item',
    `id uuid, code varchar, name varchar, category varchar, description text, duration_minutes int,
     buffer_minutes int, price int, room_kind varchar`,
  );
  for (const [index, service] of SERVICES.entries()) {
    serviceRows.add({
      ...service,
      id: services[index].id,
      duration_minutes: service.minutes,
      buffer_minutes: service.buffer,
      room_kind: service.roomKind,
    });
  }
  await serviceRows.insert(client, organization);

  const therapistIds = THERAPISTS.map(() => randomUUID());
  const users = rows(
    'app_user',
    'id uuid, email varchar, password_hash varchar, display_name varchar, role staff_role',
  );
  const profiles = rows('staff_profile', 'id uuid, user_id uuid, title varchar');
  const memberships = rows('user_store', 'user_id uuid');
  for (const [index, displayName] of THERAPISTS.entries()) {
    const id = therapistIds[index];
    const email = `therapist${index + 1}-${emailTag}@bench.cn`;
    users.add({ id, email, password_hash: 'not-a-login', display_name: displayName, role: 'THERAPIST' });
    profiles.add({ id: randomUUID(), user_id: id, title: '技师' });
    memberships.add({ user_id: id });
  }
  await users.insert(client, organization);
  await profiles.insert(client, { ...organization, store_id: scope.storeId });
  await memberships.insert(client, { store_id: scope.storeId });

  // Customer.tags lists oldest tag first, by (created_at, id); MikroORM's own M:N load had no order at all
  // (whatever the plan yields). Ids ascending in insertion order, one created_at for all, and pivot rows
  // in id order make every plan of either return the same order.
  const tagIds = TAGS.map(() => randomUUID()).sort();
  const tags = rows('tag', 'id uuid, name varchar, color varchar');
  for (const [index, tag] of TAGS.entries()) tags.add({ ...tag, id: tagIds[index] });
  await tags.insert(client, organization);

  const tierIds = TIERS.map(() => randomUUID());
  const tiers = rows(
    'membership_tier',
    `id uuid, name varchar, rank int, discount_basis_points int, points_multiplier_percent int, benefits varchar,
     min_spend int, min_visits int`,
  );
  for (const [index, tier] of TIERS.entries()) {
    tiers.add({
      ...tier,
      id: tierIds[index],
      discount_basis_points: tier.discountBasisPoints,
      points_multiplier_percent: tier.pointsMultiplierPercent,
      min_spend: tier.minSpend,
      min_visits: tier.minVisits,
    });
  }
  await tiers.insert(client, organization);
  return { services, therapistIds, tagIds, tierIds };
}
