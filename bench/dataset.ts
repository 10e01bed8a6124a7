import type { Client } from 'pg';
import { ALLERGIES, COMPLAINTS, GIVEN_NAMES, GOALS, OCCUPATIONS, SURNAMES } from '../src/seeders/demo-data';
import { pinyinKeys } from '../src/services/customers/pinyin';
import { TcmConstitution } from '../src/entities/health/health.enums';

/**
 * Synthetic but realistic customer records for the benchmark: surnames with (roughly) their share of
 * the Chinese population, one- and two-character given names, unique mainland mobiles in E.164, codes
 * in creation order, a health profile for everyone and allergies for about 30 %.
 */

/** Deterministic PRNG (mulberry32): the same seed gives the same data set, so runs compare. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Surnames weighted by their approximate share (percent) of the population; the rest share 20 %. */
const WEIGHTED_SURNAMES: [string, number][] = [
  ['王', 7.1],
  ['李', 6.9],
  ['张', 6.4],
  ['刘', 5.4],
  ['陈', 4.6],
  ['杨', 3.1],
  ['黄', 2.2],
  ['赵', 2.0],
  ['吴', 1.8],
  ['周', 1.7],
  ['徐', 1.3],
  ['孙', 1.2],
  ['马', 1.2],
  ['朱', 1.1],
  ['胡', 1.0],
  ['郭', 1.0],
  ['何', 0.9],
  ['林', 0.9],
  ['高', 0.9],
  ['罗', 0.8],
  ['郑', 0.8],
  ['梁', 0.7],
  ['谢', 0.6],
  ['宋', 0.6],
  ['唐', 0.6],
  ['许', 0.5],
  ['韩', 0.5],
  ['冯', 0.5],
  ['邓', 0.5],
  ['曹', 0.5],
  ['欧阳', 0.05],
  ['司马', 0.02],
  ['上官', 0.02],
  ['诸葛', 0.01],
];
const OTHER_SURNAMES = [
  ...'彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单',
];
const GIVEN_CHARACTERS = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚英华玉兰萍红梅鹏辉建国文斌宇浩凯健俊帆帅旭宁龙林欢阳佳颖雪琳晶慧婷倩琪璐瑶怡欣悦雅茜诗梦晨曦雨涵思琦子轩若汐嘉怡一诺梓萱欣妍可馨紫依语桐浩然宇轩俊杰博文志强海燕春秀兰桂凤秋菊晓东永刚德福荣昌盛安康泽睿锦程天佑',
];

/** Popular whole given names (demo material plus a few), so that 张伟, 王秀英 … really repeat. */
const POPULAR_GIVEN = [...GIVEN_NAMES, '秀兰', '桂兰', '玉兰', '建华', '建国', '志强', '海燕', '小红'];

const MOBILE_PREFIXES = [
  ...Array.from({ length: 10 }, (_, index) => String(130 + index)),
  ...['150', '151', '152', '153', '155', '156', '157', '158', '159', '166', '173', '175', '176', '177'],
  ...['178', '180', '181', '182', '183', '184', '185', '186', '187', '188', '189', '191', '198', '199'],
];

const PREFERENCE_TEMPLATES = [
  {},
  { serviceTypes: ['中式推拿'], pressure: 'FIRM', scents: ['檀香'] },
  { serviceTypes: ['足疗', '艾灸'], pressure: 'MEDIUM', dietaryRestrictions: ['不喝冷饮'] },
  { serviceTypes: ['面部护理'], productBrands: ['自然堂'], noScent: true },
  { serviceTypes: ['精油SPA'], scents: ['薰衣草', '玫瑰'], music: '轻音乐', lighting: '暗' },
  { pressure: 'LIGHT', roomTemperature: '26℃' },
];

export class NameGenerator {
  private readonly surnameTable: string[];
  private readonly cumulative: number[];
  private readonly keys = new Map<string, { full: string; initials: string }>();

  constructor(private readonly random: () => number) {
    const named = WEIGHTED_SURNAMES.reduce((sum, [, weight]) => sum + weight, 0);
    const otherWeight = (100 - named) / OTHER_SURNAMES.length;
    const all: [string, number][] = [
      ...WEIGHTED_SURNAMES,
      ...OTHER_SURNAMES.map((surname): [string, number] => [surname, otherWeight]),
      // The demo surnames are all in the lists above; kept as a guard if the demo material grows.
      ...SURNAMES.filter(
        (surname) =>
          !WEIGHTED_SURNAMES.some(([known]) => known === surname) && !OTHER_SURNAMES.includes(surname),
      ).map((surname): [string, number] => [surname, 0.05]),
    ];
    this.surnameTable = all.map(([surname]) => surname);
    let running = 0;
    this.cumulative = all.map(([, weight]) => (running += weight));
  }

  next(): { name: string; full: string; initials: string } {
    const pick = this.random() * this.cumulative[this.cumulative.length - 1];
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.cumulative[middle] < pick) low = middle + 1;
      else high = middle;
    }
    const surname = this.surnameTable[low];
    const roll = this.random();
    const character = () => GIVEN_CHARACTERS[Math.floor(this.random() * GIVEN_CHARACTERS.length)];
    const given =
      roll < 0.25
        ? POPULAR_GIVEN[Math.floor(this.random() * POPULAR_GIVEN.length)]
        : roll < 0.45
          ? character()
          : character() + character();
    const name = surname + given;
    let keys = this.keys.get(name);
    if (!keys) {
      // The application's own pinyin keys (same polyphone choices as a customer created via the API).
      keys = pinyinKeys(name);
      this.keys.set(name, keys);
    }
    return { name, ...keys };
  }
}

export interface LoadOptions {
  organizationId: string;
  storeId: string;
  count: number;
  seed: number;
  /** Distinct per organization, so the two organizations do not hold the very same phone numbers. */
  phoneOffset: number;
  batchSize?: number;
  onProgress?: (inserted: number) => void;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/**
 * Inserts `count` customers with multi-row INSERT … SELECT FROM unnest($arrays) batches (one round
 * trip per batch, ids from gen_random_uuid()), one batch in flight per connection, then health
 * profiles, allergies and a few special conditions with INSERT … SELECT over the new customers.
 */
export async function loadCustomers(clients: Client[], options: LoadOptions): Promise<void> {
  const random = prng(options.seed);
  const names = new NameGenerator(random);
  const batchSize = options.batchSize ?? 10_000;
  const now = Date.now();
  // Codes follow creation: C000001 is the oldest customer, six years ago; the newest joined today.
  const firstCreated = now - 6 * YEAR_MS;
  const step = (now - firstCreated) / options.count;
  // One batch in flight per connection; the next batch is built while PostgreSQL inserts the others.
  const inFlight: Promise<unknown>[] = clients.map(() => Promise.resolve());
  let inserted = 0;
  let batchNumber = 0;
  for (let start = 0; start < options.count; start += batchSize) {
    const slot = batchNumber++ % clients.length;
    await inFlight[slot];
    const end = Math.min(options.count, start + batchSize);
    const columns = {
      createdAt: [] as string[],
      code: [] as string[],
      name: [] as string[],
      pinyin: [] as string[],
      initials: [] as string[],
      gender: [] as (string | null)[],
      birthday: [] as (string | null)[],
      phone: [] as (string | null)[],
      occupation: [] as (string | null)[],
      source: [] as (string | null)[],
      preferences: [] as string[],
      visits: [] as number[],
      lastVisit: [] as (string | null)[],
      spend: [] as number[],
      archivedAt: [] as (string | null)[],
    };
    for (let index = start; index < end; index++) {
      const sequence = index + 1;
      // Millisecond timestamps, as the application writes them (JavaScript Dates).
      const createdAt = Math.floor(firstCreated + index * step + random() * step * 0.9);
      const { name, full, initials } = names.next();
      columns.createdAt.push(new Date(createdAt).toISOString());
      columns.code.push(`C${String(sequence).padStart(6, '0')}`);
      columns.name.push(name);
      columns.pinyin.push(full);
      columns.initials.push(initials);
      const genderRoll = random();
      columns.gender.push(
        genderRoll < 0.72 ? 'FEMALE' : genderRoll < 0.95 ? 'MALE' : genderRoll < 0.97 ? 'UNDISCLOSED' : null,
      );
      columns.birthday.push(
        random() < 0.8
          ? new Date(Date.UTC(1955 + Math.floor(random() * 50), 0, 1 + Math.floor(random() * 365)))
              .toISOString()
              .slice(0, 10)
          : null,
      );
      // Unique per organization: an affine permutation of the sequence over the 8 subscriber digits.
      const subscriber = (sequence * 48_271 + options.phoneOffset) % 100_000_000;
      const prefix = MOBILE_PREFIXES[Math.floor(random() * MOBILE_PREFIXES.length)];
      columns.phone.push(random() < 0.97 ? `+86${prefix}${String(subscriber).padStart(8, '0')}` : null);
      columns.occupation.push(random() < 0.6 ? OCCUPATIONS[Math.floor(random() * OCCUPATIONS.length)] : null);
      const sources = ['REFERRAL', 'ONLINE', 'COMMUNITY_EVENT', 'WALK_IN', 'OTHER'];
      columns.source.push(random() < 0.7 ? sources[Math.floor(random() * sources.length)] : null);
      columns.preferences.push(
        JSON.stringify(PREFERENCE_TEMPLATES[Math.floor(random() * PREFERENCE_TEMPLATES.length)]),
      );
      const visits = random() < 0.1 ? 0 : 1 + Math.floor(random() ** 2 * 80);
      columns.visits.push(visits);
      const lastVisit = visits
        ? Math.max(createdAt, now - Math.floor(random() ** 2 * 3 * YEAR_MS))
        : undefined;
      columns.lastVisit.push(lastVisit ? new Date(lastVisit).toISOString() : null);
      columns.spend.push(visits * (15_000 + Math.floor(random() * 40_000)));
      columns.archivedAt.push(
        random() < 0.02 ? new Date(createdAt + (now - createdAt) * random()).toISOString() : null,
      );
    }
    inFlight[slot] = clients[slot]
      .query(
        `insert into customer (id, organization_id, home_store_id, created_at, updated_at, code, name, name_pinyin,
         name_initials, gender, birthday, phone, phone_last4, occupation, source, important_dates, preferences,
         visit_count, last_visit_at, lifetime_spend, archived_at)
       select gen_random_uuid(), $1, $2, u.created_at, u.created_at, u.code, u.name, u.pinyin, u.initials,
              u.gender::gender, u.birthday, u.phone, right(u.phone, 4), u.occupation,
              u.source::customer_source, '[]'::jsonb, u.preferences::jsonb, u.visits, u.last_visit, u.spend,
              u.archived_at
         from unnest($3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::date[], $10::text[], $11::text[], $12::text[], $13::text[], $14::int[],
                     $15::timestamptz[], $16::bigint[], $17::timestamptz[])
           as u(created_at, code, name, pinyin, initials, gender, birthday, phone, occupation, source,
                preferences, visits, last_visit, spend, archived_at)`,
        [
          options.organizationId,
          options.storeId,
          columns.createdAt,
          columns.code,
          columns.name,
          columns.pinyin,
          columns.initials,
          columns.gender,
          columns.birthday,
          columns.phone,
          columns.occupation,
          columns.source,
          columns.preferences,
          columns.visits,
          columns.lastVisit,
          columns.spend,
          columns.archivedAt,
        ],
      )
      .then(() => options.onProgress?.((inserted += end - start)));
    // Marked as handled here; a failure still surfaces at the next await of this slot.
    inFlight[slot].catch(() => undefined);
  }
  await Promise.all(inFlight);
  const [client, second = clients[0]] = clients;
  await client.query(`update organization set last_customer_number = $2 where id = $1`, [
    options.organizationId,
    options.count,
  ]);

  // SQL random() below is seeded too (per session), so the health data is reproducible as well.
  for (const session of new Set([client, second])) {
    await session.query('select setseed($1)', [(options.seed % 1000) / 1000]);
  }
  const healthProfiles = client.query(
    `insert into health_profile (id, organization_id, created_at, updated_at, customer_id, constitution,
       secondary_constitutions, lifestyle, skin_profile, current_complaints, wellness_goals,
       current_complaints_index, wellness_goals_index)
     select gen_random_uuid(), c.organization_id, c.created_at, c.created_at, c.id,
            ($4::text[])[1 + floor(random() * cardinality($4::text[]))::int],
            '[]', '{"sleepHours": 7}', '{}',
            array_to_json(array[($2::text[])[1 + floor(random() * cardinality($2::text[]))::int]])::text,
            array_to_json(array[($3::text[])[1 + floor(random() * cardinality($3::text[]))::int]])::text,
            '{}', '{}'
       from customer c where c.organization_id = $1`,
    [options.organizationId, COMPLAINTS, GOALS, Object.values(TcmConstitution)],
  );
  // Volatile random() in a materialized CTE is drawn once per customer.
  const allergies = second.query(
    `with picked as materialized (
       select c.id, c.organization_id, c.created_at, 1 + floor(random() * $2)::int as pick, random() as roll
         from customer c where c.organization_id = $1)
     insert into allergy (id, organization_id, created_at, updated_at, customer_id, recorded_at, substance,
       category, reaction, severity)
     select gen_random_uuid(), p.organization_id, p.created_at, p.created_at, p.id, p.created_at,
            a.substance, a.category::allergy_category, a.reaction, a.severity::reaction_severity
       from picked p
       join unnest($3::text[], $4::text[], $5::text[], $6::text[]) with ordinality
              as a(substance, category, reaction, severity, ordinal) on a.ordinal = p.pick
      where p.roll < 0.3`,
    [
      options.organizationId,
      ALLERGIES.length,
      ALLERGIES.map((allergy) => allergy.substance),
      ALLERGIES.map((allergy) => allergy.category),
      ALLERGIES.map((allergy) => allergy.reaction),
      ALLERGIES.map((allergy) => allergy.severity),
    ],
  );
  await Promise.all([healthProfiles, allergies]);
  await client.query(
    `insert into special_condition (id, organization_id, created_at, updated_at, customer_id, recorded_at, kind,
       starts_on, ends_on)
     select gen_random_uuid(), c.organization_id, now(), now(), c.id, now(), 'PREGNANCY',
            current_date - 60, current_date + 200
       from customer c
      where c.organization_id = $1 and c.gender = 'FEMALE' and random() < 0.01`,
    [options.organizationId],
  );
}
