import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Names of the fields selected below `path` of the current field (through aliases, fragments and
 * inline fragments): the look-ahead that lets a read fetch in its own statement what the response
 * will ask for next. Only a hint for fetching: every field is still resolved and checked on its own.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[] = []): Set<string> {
  let sets: SelectionSetNode[] = info.fieldNodes.flatMap((node) =>
    node.selectionSet ? [node.selectionSet] : [],
  );
  for (const name of path) sets = sets.flatMap((set) => fieldsOf(info, set, name));
  const names = new Set<string>();
  for (const set of sets) collect(info, set, (field) => names.add(field));
  return names;
}

function fieldsOf(info: GraphQLResolveInfo, set: SelectionSetNode, name: string): SelectionSetNode[] {
  const found: SelectionSetNode[] = [];
  collect(info, set, (field, selection) => {
    if (field === name && selection) found.push(selection);
  });
  return found;
}

function collect(
  info: GraphQLResolveInfo,
  set: SelectionSetNode,
  visit: (field: string, selection: SelectionSetNode | undefined) => void,
  seen = new Set<string>(),
): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) visit(selection.name.value, selection.selectionSet);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collect(info, selection.selectionSet, visit, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = info.fragments[selection.name.value];
      if (fragment) collect(info, fragment.selectionSet, visit, seen);
    }
  }
}
