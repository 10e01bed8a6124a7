import { Field, Float, Int, ObjectType } from 'type-graphql';
import { CountPoint, CountRow, ReportPeriod } from './report-period.type';

@ObjectType({ description: 'New customers of one group (a source, a home store) over the period.' })
export class CountGroup {
  @Field({ description: 'The CustomerSource, or the store id; UNKNOWN / NONE when not recorded.' })
  key!: string;

  @Field()
  label!: string;

  @Field(() => Int)
  total!: number;

  @Field(() => [CountPoint], { description: 'Every bucket of the period, zero-filled.' })
  series!: CountPoint[];
}

@ObjectType({
  description: '客户增长: customer records created per bucket (archived ones left out), with 环比 and 同比.',
})
export class CustomerGrowthReport {
  @Field(() => ReportPeriod)
  period!: ReportPeriod;

  @Field(() => [CountPoint], { description: 'Every bucket of the period, zero-filled.' })
  series!: CountPoint[];

  @Field(() => Int)
  total!: number;

  @Field(() => Int, { description: '环比: the total of the previous period.' })
  previousTotal!: number;

  @Field(() => Int, { description: '同比: the total of the same period last year.' })
  lastYearTotal!: number;

  @Field(() => [CountGroup], { description: 'Empty unless groupBy is given; largest first.' })
  groups!: CountGroup[];
}

@ObjectType({
  description:
    '客户构成: live customers now by tier, gender, age band and source; the period’s visitors new or returning.',
})
export class CustomerCompositionReport {
  @Field(() => ReportPeriod)
  period!: ReportPeriod;

  @Field(() => Int, { description: 'Live (not archived) customers.' })
  total!: number;

  @Field(() => [CountRow], { description: 'Key: the tier id, NONE without a tier.' })
  byTier!: CountRow[];

  @Field(() => [CountRow], { description: 'Key: the Gender, UNKNOWN when not recorded.' })
  byGender!: CountRow[];

  @Field(() => [CountRow], {
    description: 'UNDER_25, FROM_25_TO_34, FROM_35_TO_44, FROM_45_TO_54, FROM_55, UNKNOWN, in that order.',
  })
  byAgeBand!: CountRow[];

  @Field(() => [CountRow], { description: 'Key: the CustomerSource, UNKNOWN when not recorded.' })
  bySource!: CountRow[];

  @Field(() => Int, { description: '新客: came in the period with no visit before it (in any store).' })
  newVisitors!: number;

  @Field(() => Int, { description: '老客: came in the period and had come before.' })
  returningVisitors!: number;
}

@ObjectType({
  description: '客户活跃度 now: live customers by status (as Customer.status derives it) and the churn rate.',
})
export class CustomerActivityReport {
  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  active!: number;

  @Field(() => Int)
  dormant!: number;

  @Field(() => Int)
  lost!: number;

  @Field(() => Float, { description: '流失率: lost / total (0–1, 4 decimals); 0 without customers.' })
  churnRate!: number;
}
