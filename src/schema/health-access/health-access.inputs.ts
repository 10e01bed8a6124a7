import { Field, ID, InputType, Int } from 'type-graphql';
import { HealthAccessSection } from '../../core/health-access';

@InputType()
export class RequestHealthAccessInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => [HealthAccessSection], {
    description: 'The parts needed; CONSULTANT may ask for any, THERAPIST for all but HISTORY.',
  })
  sections!: HealthAccessSection[];

  @Field({ description: 'Why, for the approver (never health data itself); 1–500 characters.' })
  reason!: string;
}

@InputType()
export class ApproveHealthAccessInput {
  @Field(() => ID)
  requestId!: string;

  @Field(() => [HealthAccessSection], { description: 'A non-empty part of the requested sections.' })
  sections!: HealthAccessSection[];

  @Field(() => Int, { description: 'How long the grant lasts from now: 1–480 minutes.' })
  durationMinutes!: number;

  @Field(() => Int)
  expectedVersion!: number;
}

@InputType()
export class DecideHealthAccessInput {
  @Field(() => ID)
  requestId!: string;

  @Field({ description: 'Why it is refused or revoked; 1–500 characters.' })
  reason!: string;
}

@InputType()
export class BreakGlassInput {
  @Field(() => ID)
  customerId!: string;

  @Field({ description: 'The emergency, mandatory; 1–500 characters. Reviewed by the store manager.' })
  reason!: string;
}
