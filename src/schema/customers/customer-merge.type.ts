import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MergeField, MergeSide } from '../../entities/customers/customer-merge.enums';
import { CustomerType } from './customer.type';

export { MergeField, MergeSide };

registerEnumType(MergeField, {
  name: 'MergeField',
  description:
    'A value of the customer or of the health profile (CONSTITUTION, HEALTH_NOTES) a merge can take.',
});
registerEnumType(MergeSide, { name: 'MergeSide', description: 'Whose value a merge kept.' });

@ObjectType('MergeConflict', {
  description: 'A value both customers had, differently; the values are on the two records.',
})
export class MergeConflictType {
  @Field({
    description:
      'A MergeField, or a path no choice covers (healthProfile.lifestyle.diet, contactConsent.SMS).',
  })
  field!: string;

  @Field(() => MergeSide)
  kept!: MergeSide;
}

@ObjectType('MergeMoved', {
  description: 'How many rows of a kind (visits, appointments, allergies …) moved to the survivor.',
})
export class MergeMovedType {
  @Field()
  kind!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType('CustomerMerge', { description: 'The answer of mergeCustomers.' })
export class CustomerMergeType {
  @Field(() => CustomerType)
  survivor!: CustomerType;

  @Field(() => CustomerType, { description: 'Archived, with mergedInto naming the survivor.' })
  merged!: CustomerType;

  @Field(() => ID, {
    description: 'Operation id of the TRANSFER ledger entries (none when nothing had a balance).',
  })
  operationId!: string;

  @Field(() => Int, { description: 'Number of TRANSFER (and lapsed-points EXPIRE) entries posted.' })
  transfers!: number;

  @Field(() => [MergeConflictType])
  conflicts!: MergeConflictType[];

  @Field(() => [MergeMovedType])
  moved!: MergeMovedType[];
}
