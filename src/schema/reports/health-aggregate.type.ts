import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'Live customers with one value of a health dimension; no count below 5 customers.',
})
export class HealthCountRow {
  @Field()
  key!: string;

  @Field()
  label!: string;

  @Field(() => Int, { nullable: true, description: 'null when suppressed.' })
  count?: number | null;

  @Field({
    description: 'Fewer than 5 customers, or hidden so that it cannot be computed back from the others.',
  })
  suppressed!: boolean;
}

@ObjectType({
  description:
    '体质 and other health dimensions over the live customers now, with small-cell suppression (OWNER, MANAGER).',
})
export class CustomerHealthReport {
  @Field(() => [HealthCountRow], { description: 'The nine constitution types and NOT_RECORDED.' })
  byConstitution!: HealthCountRow[];

  @Field(() => [HealthCountRow], {
    description: 'Allergies in force by category (a customer may be in several), NONE, NOT_RECORDED.',
  })
  byAllergyCategory!: HealthCountRow[];

  @Field(() => [HealthCountRow], {
    description: 'Special conditions current today by kind (孕期, 哺乳期 …), NONE, NOT_RECORDED.',
  })
  bySpecialCondition!: HealthCountRow[];

  @Field(() => Int)
  minCellCustomers!: number;
}
