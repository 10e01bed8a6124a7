import { Field, ObjectType } from 'type-graphql';
import { GraphQLSafeInt } from 'graphql-scalars';

/** Money is never a float: integer minor units (分) and a decimal string. */
@ObjectType({
  description:
    'An amount of money. Never a float: `amount` is a decimal string, `minorUnits` the integer 分.',
})
export class Money {
  @Field({ description: 'Decimal string in major units, e.g. "1280.50".' })
  amount!: string;

  @Field(() => GraphQLSafeInt, { description: 'Integer minor units (分 for CNY).' })
  minorUnits!: number;

  @Field({ description: 'ISO 4217 currency code; CNY by default.' })
  currency!: string;
}

export function money(minorUnits: number | string | bigint, currency = 'CNY'): Money {
  const value = BigInt(minorUnits);
  const sign = value < 0n ? '-' : '';
  const absolute = value < 0n ? -value : value;
  const amount = `${sign}${absolute / 100n}.${(absolute % 100n).toString().padStart(2, '0')}`;
  return { amount, minorUnits: Number(value), currency };
}
