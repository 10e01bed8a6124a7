import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import {
  HealthAccessGrantType,
  HealthAccessRequestType,
} from '../../schema/health-access/health-access.type';
import {
  ApproveHealthAccessInput,
  BreakGlassInput,
  DecideHealthAccessInput,
  RequestHealthAccessInput,
} from '../../schema/health-access/health-access.inputs';
import { ViewerType } from '../../schema/access/viewer.type';
import { requestView } from './health-access-view';
import { grantableSections } from '../../core/health-access';

/** 档案查阅审批 and break-glass: thin, the rules live in services/health-access. */
@Resolver(() => HealthAccessRequestType)
export class HealthAccessResolver {
  @Mutation(() => HealthAccessRequestType, {
    description:
      'Ask a MANAGER or OWNER for time-boxed access to parts of a customer’s health record your role does not read (档案查阅审批).',
  })
  async requestHealthAccess(@Arg('input') input: RequestHealthAccessInput, @Ctx() context: AppContext) {
    return requestView(await context.services.healthAccessRequests.request(input));
  }

  @Mutation(() => HealthAccessRequestType, { description: 'Take back your own pending request.' })
  async withdrawHealthAccessRequest(
    @Arg('requestId', () => ID) requestId: string,
    @Ctx() context: AppContext,
  ) {
    return requestView(await context.services.healthAccessRequests.withdraw(requestId));
  }

  @Mutation(() => HealthAccessRequestType, {
    description:
      'Approve a pending request (not your own): a part of the requested sections, for at most 480 minutes.',
  })
  async approveHealthAccess(@Arg('input') input: ApproveHealthAccessInput, @Ctx() context: AppContext) {
    return requestView(await context.services.healthAccessDecisions.approve(input));
  }

  @Mutation(() => HealthAccessRequestType, { description: 'Refuse a pending request, with a reason.' })
  async refuseHealthAccess(@Arg('input') input: DecideHealthAccessInput, @Ctx() context: AppContext) {
    return requestView(await context.services.healthAccessDecisions.refuse(input));
  }

  @Mutation(() => HealthAccessRequestType, { description: 'End a grant in force early, with a reason.' })
  async revokeHealthAccess(@Arg('input') input: DecideHealthAccessInput, @Ctx() context: AppContext) {
    return requestView(await context.services.healthAccessDecisions.revoke(input));
  }

  @Mutation(() => HealthAccessRequestType, {
    description:
      'Emergency (紧急查阅): read the customer’s SAFETY part (allergies, special conditions) at once for 30 minutes. Flagged in the audit log; the store manager gets a care task to review it.',
  })
  async breakGlassHealthAccess(@Arg('input') input: BreakGlassInput, @Ctx() context: AppContext) {
    return requestView(await context.services.breakGlass.open(input));
  }

  @Query(() => [HealthAccessRequestType], {
    description: 'Requests waiting for your decision (those of the last 24 hours, oldest first).',
  })
  async pendingHealthAccessRequests(@Ctx() context: AppContext) {
    return (await context.services.healthAccessDecisions.pending()).map((request) => requestView(request));
  }

  @Query(() => [HealthAccessRequestType], { description: 'Your own requests and grants, newest first.' })
  async myHealthAccessRequests(@Ctx() context: AppContext) {
    return (await context.services.healthAccessRequests.mine()).map((request) => requestView(request));
  }

  @Query(() => [HealthAccessRequestType], {
    description: 'Grants (in force, ended, revoked) on a customer’s health record, newest first.',
  })
  async healthAccessGrants(@Arg('customerId', () => ID) customerId: string, @Ctx() context: AppContext) {
    return (await context.services.healthAccessDecisions.grantsOn(customerId)).map((request) =>
      requestView(request),
    );
  }
}

@Resolver(() => ViewerType)
export class ViewerHealthGrantsResolver {
  @FieldResolver(() => [HealthAccessGrantType], {
    description: 'The health access grants you hold now (档案查阅审批, break-glass).',
  })
  async activeHealthGrants(@Ctx() context: AppContext): Promise<HealthAccessGrantType[]> {
    const now = context.healthGrants.now;
    const role = context.viewer?.role;
    // What each grant still opens for the viewer's role now (grantCovering asks the same).
    return (await context.healthGrants.active())
      .filter((held) => held.expiresAt > now)
      .map((held) => {
        const grantable = role ? grantableSections(role, held.kind) : [];
        return { ...held, sections: held.sections.filter((section) => grantable.includes(section)) };
      })
      .filter((held) => held.sections.length > 0) as HealthAccessGrantType[];
  }
}
