import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Money } from '../money.type';

@ObjectType({ description: '员工绩效 of one therapist (whoever gave the visit lines) in the period.' })
export class TherapistPerformance {
  @Field(() => ID)
  staffId!: string;

  @Field()
  name!: string;

  @Field(() => Int, { description: 'Visit lines they gave in the period (by visit time).' })
  servicesPerformed!: number;

  @Field(() => Int, { description: 'Visits with a line of theirs in the period.' })
  visits!: number;

  @Field(() => Money, {
    description:
      'Their lines settled in the period at the settled price: list price less the line’s share (by list price) of the visit’s tier discount and coupons. Summed over therapists it is revenueReport’s servicesConsumed.',
  })
  revenueAttributed!: Money;

  @Field(() => Float, {
    nullable: true,
    description: '满意度 1–5 averaged over their rated visits (2 decimals); null without a rating.',
  })
  averageSatisfaction?: number | null;

  @Field(() => Int, { description: 'Distinct customers of those visits.' })
  customersServed!: number;

  @Field(() => Int, {
    description: 'Of those, who visited again or booked (not cancelled) within 30 days after a visit.',
  })
  customersRebooked!: number;

  @Field(() => Float, { description: '回头率: customersRebooked / customersServed (0–1, 4 decimals).' })
  rebookingRate!: number;

  @Field(() => Int, { description: 'Complaints received in the period that name them.' })
  complaints!: number;

  @Field(() => Int, {
    description: 'Appointment minutes booked with them starting in the period (not cancelled, not no-shows).',
  })
  bookedMinutes!: number;

  @Field(() => Int, {
    description:
      'Working minutes on the period’s dates: weekly hours, 加班 and 请假 of their active store profiles.',
  })
  workingMinutes!: number;

  @Field(() => Float, {
    nullable: true,
    description: '利用率: bookedMinutes / workingMinutes (4 decimals); null without working minutes.',
  })
  utilisation?: number | null;
}

@ObjectType({
  description: '顾问 performance: the customers assigned now, their visits and spend in the period.',
})
export class ConsultantPerformance {
  @Field(() => ID)
  staffId!: string;

  @Field()
  name!: string;

  @Field(() => Int, { description: 'Live customers assigned to them now.' })
  assignedCustomers!: number;

  @Field(() => Int, { description: 'Visits of those customers in the period.' })
  visits!: number;

  @Field(() => Money, {
    description: 'Services consumed (消耗) of those customers’ settlements in the period.',
  })
  spend!: Money;
}

@ObjectType({
  description:
    '员工绩效 in the period: OWNER and MANAGER see everyone, THERAPIST and CONSULTANT only their own rows.',
})
export class StaffPerformanceReport {
  @Field({ description: 'YYYY-MM-DD, the first day.' })
  from!: string;

  @Field({ description: 'YYYY-MM-DD, the last day.' })
  to!: string;

  @Field({ description: 'The IANA time zone its days are in: the store’s, else the organization’s.' })
  timeZone!: string;

  @Field(() => [TherapistPerformance], { description: 'Highest revenueAttributed first.' })
  therapists!: TherapistPerformance[];

  @Field(() => [ConsultantPerformance], { description: 'Highest spend first.' })
  consultants!: ConsultantPerformance[];

  @Field(() => Money, { description: 'revenueAttributed of the therapists shown, summed.' })
  revenueAttributed!: Money;
}
