import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DuplicateReason } from '../../entities/customers/customer-merge.enums';
import { Connection } from '../connection.type';
import { CustomerType } from './customer.type';

export { DuplicateReason };

registerEnumType(DuplicateReason, {
  name: 'DuplicateReason',
  description:
    "Why two customers look like one person (疑似重复). Phone and one integration's externalId are unique; two integrations may give one externalId to two customers (SAME_EXTERNAL_ID).",
});

@ObjectType('DuplicateCandidate', {
  description: 'Two live customers that may be one person; merge them with mergeCustomers.',
})
export class DuplicateCandidateType {
  @Field(() => CustomerType)
  first!: CustomerType;

  @Field(() => CustomerType)
  second!: CustomerType;

  @Field(() => [DuplicateReason])
  reasons!: DuplicateReason[];
}

@ObjectType()
export class DuplicateCandidateConnection extends Connection('DuplicateCandidate', DuplicateCandidateType) {}
