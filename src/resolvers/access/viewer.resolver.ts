import { Ctx, Query, Resolver } from 'type-graphql';
import { policies } from '../../policies';
import type { AppContext } from '../context';
import { ViewerType, type FieldAccess } from '../../schema/access/viewer.type';

@Resolver(() => ViewerType)
export class ViewerResolver {
  @Query(() => ViewerType, { description: 'Who am I: identity, role, and which fields my role may read.' })
  viewer(@Ctx() context: AppContext) {
    const viewer = context.viewer!;
    const readableFields: FieldAccess[] = [];
    for (const [typeName, fields] of Object.entries(policies)) {
      if (typeName === 'Query' || typeName === 'Mutation') continue;
      for (const [fieldName, fieldGrant] of Object.entries(fields)) {
        const condition = fieldGrant.conditionFor(viewer.role);
        if (condition !== 'NEVER') readableFields.push({ typeName, fieldName, condition });
      }
    }
    return {
      id: viewer.id,
      kind: viewer.kind,
      role: viewer.role,
      displayName: viewer.displayName,
      readableFields,
    };
  }
}
