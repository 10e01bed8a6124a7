import type { EntityManager } from '@mikro-orm/core';
import {
  Segment,
  Tag,
  Communication,
  Complaint,
  ContactConsent,
  type Customer,
  type Organization,
  type Store,
  type User,
} from '../entities';
import type { SegmentRule } from '../entities/segments/segment.entity';
import { ComplaintStatus, FollowUpStatus } from '../entities/care/care.enums';
import { ContactChannel } from '../entities/customers/customers.enums';
import { StaffRole } from '../entities/staff/staff.enums';
import type { Random } from './random';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Dates are explicit because 春节, 冬至 and 中秋 move from year to year. */
const HOLIDAYS = [
  { date: '2026-12-22', name: '冬至' },
  { date: '2027-01-01', name: '元旦' },
  { date: '2027-02-06', name: '春节' },
  { date: '2027-03-08', name: '妇女节' },
  { date: '2027-05-09', name: '母亲节' },
  { date: '2027-09-15', name: '中秋节' },
];

const CONTACTS: [ContactChannel, string, string | undefined][] = [
  [ContactChannel.PHONE, '满意度回访: 肩颈明显放松, 睡眠改善', undefined],
  [ContactChannel.WECHAT, '预约提醒: 周六下午两点艾灸', '周五晚再提醒一次'],
  [ContactChannel.FACE_TO_FACE, '到店沟通疗程方案, 客户考虑办理十次卡', '下次到店时介绍计次卡优惠'],
  [ContactChannel.SMS, '生日祝福及生日月八折券', undefined],
  [ContactChannel.PHONE, '沉睡唤醒: 三个月未到店, 客户最近出差', '月底再联系'],
];

interface Context {
  organization: Organization;
  stores: Store[];
  staff: User[];
  customers: Customer[];
  tags: Tag[];
  rng: Random;
  now: number;
}

/**
 * Care demo data: holidays to greet, marketing consent for most customers (some on 勿扰), a
 * communication log with open follow-ups, and three complaints: resolved, answered, and one past its
 * 24-hour response deadline (the care schedule gives the store manager a task for it).
 */
export function seedCare(em: EntityManager, context: Context): void {
  const { organization, stores, staff, customers, rng, now } = context;
  seedSegments(em, context);
  organization.careHolidays = HOLIDAYS;
  const frontDesk = staff.find((user) => user.role === StaffRole.FRONT_DESK)!;
  const manager = staff.find((user) => user.role === StaffRole.MANAGER)!;
  for (const customer of customers) {
    if (rng.chance(0.05)) customer.doNotContact = true;
    const consents: [ContactChannel, number][] = [
      [ContactChannel.WECHAT, 0.7],
      [ContactChannel.SMS, 0.4],
    ];
    for (const [channel, probability] of consents)
      if (rng.chance(probability))
        em.create(ContactConsent, {
          organization,
          customer,
          channel,
          granted: true,
          source: rng.pick(['到店签字', '小程序勾选', '电话口头同意']),
          recordedAt: new Date(now - Math.floor(rng.next() * 200) * DAY),
          recordedBy: frontDesk,
        });
  }
  for (const customer of customers.slice(0, 20)) {
    const [channel, summary, followUpItems] = rng.pick(CONTACTS);
    const occurredAt = new Date(now - (1 + Math.floor(rng.next() * 20)) * DAY);
    const owner = customer.assignedConsultant?.getEntity() ?? frontDesk;
    const open = followUpItems !== undefined && rng.chance(0.6);
    em.create(Communication, {
      organization,
      customer,
      store: customer.homeStore,
      occurredAt,
      channel,
      summary,
      followUpItems,
      owner: followUpItems ? owner : undefined,
      dueAt: followUpItems ? new Date(now + Math.floor(rng.next() * 5) * DAY) : undefined,
      status: open ? FollowUpStatus.OPEN : FollowUpStatus.DONE,
      recordedBy: owner,
    });
  }
  const complaint = (customer: Customer, hoursAgo: number, subject: string, description: string) => {
    const receivedAt = new Date(now - hoursAgo * HOUR);
    return em.create(Complaint, {
      organization,
      customer,
      store: stores[0],
      receivedAt,
      channel: ContactChannel.PHONE,
      subject,
      description,
      owner: manager,
      respondBy: new Date(receivedAt.getTime() + 24 * HOUR),
      resolveBy: new Date(receivedAt.getTime() + 48 * HOUR),
      recordedBy: frontDesk,
    });
  };
  const resolved = complaint(customers[3], 24 * 12, '等候时间过长', '预约两点, 两点半才开始服务');
  Object.assign(resolved, {
    status: ComplaintStatus.RESOLVED,
    handlingPlan: '致歉并赠送一次足疗',
    result: '客户接受, 已调整排班避免超约',
    satisfactionAfter: 4,
    respondedAt: new Date(resolved.receivedAt.getTime() + 3 * HOUR),
    resolvedAt: new Date(resolved.receivedAt.getTime() + 30 * HOUR),
  });
  const answered = complaint(customers[7], 10, '精油过敏', '做完肩颈推拿后颈部皮肤发红发痒');
  Object.assign(answered, {
    status: ComplaintStatus.RESPONDED,
    handlingPlan: '店长致电道歉, 安排复诊并在档案中补录过敏原',
    respondedAt: new Date(answered.receivedAt.getTime() + 2 * HOUR),
  });
  complaint(customers[11], 30, '房间温度太低', '冬天理疗房空调不够暖, 服务中一直觉得冷');
}

/** Rule-based tags from the seeds' 客户分级 (computed by the tag-rules job) and two saved segments. */
function seedSegments(em: EntityManager, { organization, staff, tags }: Context): void {
  const marketing = staff.find((user) => user.role === StaffRole.MARKETING);
  const rules: [string, string, SegmentRule][] = [
    ['高端客户', '#C9A227', { minLifetimeSpend: 1_000_000 }],
    ['潜力客户', '#3BA55C', { lastVisitWithinDays: 60, minVisits: 1, maxVisits: 10 }],
    ['沉睡客户', '#8E8E93', { noVisitForDays: 90, minVisits: 1 }],
  ];
  for (const [name, color, rule] of rules) {
    // A manual demo tag of that name becomes rule-based: the first recompute replaces its links.
    const tag = tags.find((each) => each.name === name) ?? em.create(Tag, { organization, name, color });
    tag.rule = rule;
  }
  em.create(Segment, {
    organization,
    name: '微信可触达的女性会员',
    description: '女性, 到店至少3次, 同意微信营销',
    rule: { genders: ['FEMALE'], minVisits: 3, consentChannelsAny: [ContactChannel.WECHAT] },
    createdBy: marketing,
  });
  em.create(Segment, {
    organization,
    name: '改善睡眠需求',
    description: '养生目标含改善睡眠, 推荐助眠疗程',
    rule: { wellnessGoalsAny: ['改善睡眠', '助眠'] },
    createdBy: marketing,
  });
}
