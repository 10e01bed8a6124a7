import { Field, Int, ObjectType } from 'type-graphql';
import { ReportPeriod } from './report-period.type';

@ObjectType({
  description:
    '状态流转 in a period, replayed from visits and the thresholds as Customer.status derives it (status set by staff left out).',
})
export class StatusTransitions {
  @Field(() => ReportPeriod)
  period!: ReportPeriod;

  @Field(() => Int, { description: 'ACTIVE → DORMANT: dormantAfterDays passed without a visit.' })
  activeToDormant!: number;

  @Field(() => Int, { description: 'DORMANT → LOST: lostAfterDays passed without a visit.' })
  dormantToLost!: number;

  @Field(() => Int, { description: 'DORMANT → ACTIVE: a visit after a gap of dormantAfterDays or more.' })
  dormantToActive!: number;

  @Field(() => Int, { description: 'LOST → ACTIVE (回流): a visit after a gap of lostAfterDays or more.' })
  lostToActive!: number;
}
