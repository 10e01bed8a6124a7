import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../connection.type';
import { Money } from '../money.type';
import { CountRow, ReportPeriod } from './report-period.type';

@ObjectType({ description: 'One customer’s RFM: the measures as of the report’s date and their scores 1–5.' })
export class RfmCustomer {
  @Field(() => ID, { description: 'The customer’s id.' })
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'YYYY-MM-DD: the last settled visit (in the scope), local date.' })
  lastVisitOn!: string;

  @Field(() => Int, { description: 'R: days from the last settled visit to asOf.' })
  recencyDays!: number;

  @Field(() => Int, { description: 'F: settled visits in the 365 days up to asOf.' })
  frequency!: number;

  @Field(() => Money, {
    nullable: true,
    description:
      'M: services consumed (消耗) by those visits. Owners and managers only: null and FORBIDDEN for others.',
  })
  monetary?: Money;

  @Field(() => Int, { description: '1–5: 5 the most recent fifth.' })
  recencyScore!: number;

  @Field(() => Int, { description: '1–5: 5 the most frequent fifth.' })
  frequencyScore!: number;

  @Field(() => Int, { description: '1–5: 5 the fifth that consumed most.' })
  monetaryScore!: number;

  @Field({
    description: 'IMPORTANT_VALUE, IMPORTANT_DEVELOPMENT … GENERAL_WINBACK (see RfmReport.segments).',
  })
  segment!: string;

  @Field({ description: '重要价值客户 …' })
  segmentLabel!: string;
}

@ObjectType()
export class RfmCustomerConnection extends Connection('RfmCustomer', RfmCustomer) {}

@ObjectType({
  description:
    'RFM 客户价值分析 as of a date: quintile scores over the customers with a settled visit, the eight segments.',
})
export class RfmReport {
  @Field({ description: 'YYYY-MM-DD: the date the report is as of (default today, local).' })
  asOf!: string;

  @Field({ description: 'YYYY-MM-DD: the first day F and M count (asOf − 364 days).' })
  windowFrom!: string;

  @Field()
  timeZone!: string;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the scores were computed: the nightly snapshot of the organization or, with storeId, of that store (asOf omitted or its date). Null: computed for this request (an asOf the snapshot is not as of).',
  })
  computedAt?: Date | null;

  @Field(() => Int, { description: 'Customers with at least one settled visit up to asOf: the ones scored.' })
  customersScored!: number;

  @Field(() => Int, {
    description:
      'Live customers (of the home store when storeId is given) without one: not scored, in no segment.',
  })
  customersWithoutVisits!: number;

  @Field(() => [CountRow], {
    description:
      'The eight segments, always all eight in this order: R, F, M high when above the average score.',
  })
  segments!: CountRow[];

  @Field(() => RfmCustomerConnection, { description: 'The scored customers, R+F+M highest first.' })
  customers!: RfmCustomerConnection;
}

@ObjectType({ description: 'The share of a cohort that came again in one later month.' })
export class RetentionPoint {
  @Field(() => Int, { description: '1: the month after the first visit.' })
  monthsLater!: number;

  @Field({ description: 'YYYY-MM' })
  month!: string;

  @Field(() => Int, { description: 'Customers of the cohort who visited in that month.' })
  customers!: number;

  @Field(() => Float, { description: 'customers / the cohort’s size (0–1, 4 decimals).' })
  share!: number;
}

@ObjectType({ description: 'The customers whose first visit was in one month.' })
export class RetentionCohort {
  @Field({ description: 'YYYY-MM' })
  month!: string;

  @Field(() => Int)
  customers!: number;

  @Field(() => [RetentionPoint], { description: 'Each later month up to `to`, not after this month.' })
  retention!: RetentionPoint[];
}

@ObjectType({ description: '留存: cohorts by the month of the first visit (organization’s time zone).' })
export class RetentionCohortsReport {
  @Field({ description: 'YYYY-MM' })
  from!: string;

  @Field({ description: 'YYYY-MM' })
  to!: string;

  @Field()
  timeZone!: string;

  @Field(() => [RetentionCohort], { description: 'Every month from `from` to `to`, zero-filled.' })
  cohorts!: RetentionCohort[];
}

@ObjectType({ description: '到店频次: the period’s visitors by their number of visits in it.' })
export class VisitFrequencyReport {
  @Field(() => ReportPeriod)
  period!: ReportPeriod;

  @Field(() => Int, { description: 'Customers with a visit in the period.' })
  visitors!: number;

  @Field(() => Int, { description: 'Their visits in the period.' })
  visits!: number;

  @Field(() => [CountRow], { description: 'Keys 1, 2, 3-5, 6-10, 11+, in that order, zero-filled.' })
  bands!: CountRow[];
}
