import { ArrayMaxSize } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { MergeField } from './customer-merge.type';

@InputType({ description: '合并客户: fold a duplicate (merged) into the record that stays (survivor).' })
export class MergeCustomersInput {
  @Field(() => ID, { description: 'The customer that stays and receives everything.' })
  survivorId!: string;

  @Field(() => ID, { description: 'The duplicate: kept as a trace that answers mergedInto.' })
  mergedId!: string;

  @Field(() => Int, {
    description: "The survivor's version as last read (CONFLICT STALE_VERSION when stale).",
  })
  survivorVersion!: number;

  @Field(() => Int, { description: "The merged customer's version as last read." })
  mergedVersion!: number;

  @Field(() => [MergeField], {
    nullable: true,
    description:
      "Fields where both have a value and the merged one's should be kept (default: the survivor's).",
  })
  @ArrayMaxSize(30)
  takeFromMerged?: MergeField[];

  @Field({
    description:
      'Idempotency key (8–100 characters): a retry with the same key and input returns the first result and merges nothing again.',
  })
  idempotencyKey!: string;
}
