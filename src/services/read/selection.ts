import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

const selected = new WeakMap<readonly FieldNode[], Map<string, Set<string>>>();

/**
 * Names of the fields selected below `path` of the current field (through aliases, fragments and
 * inline fragments): the look-ahead that lets a read fetch in its own statement what the response
 * will ask for next. Only a hint for fetching: every field is still resolved and checked on its own.
 * Asked once per row of a list, it is computed once per field of the query (graphql-js hands every
 * row the same field nodes).
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[] = []): Set<string> {
  let byPath = selected.get(info.fieldNodes);
  if (!byPath) selected.set(info.fieldNodes, (byPath = new Map()));
  const key = path.join('.');
  let names = byPath.get(key);
  if (!names) {
    let look: LookAhead | undefined = LookAhead.of(info);
    for (const name of path) look = look?.child(name);
    names = look?.fields ?? new Set();
    byPath.set(key, names);
  }
  return names;
}

/**
 * One field selected below the current one, as the response will ask for it: its arguments (with
 * the request's variables) and what is selected below it. A field selected twice with different
 * arguments (aliases) has no single answer to fetch ahead: `arguments` is then undefined.
 */
export class LookAhead {
  private constructor(
    private readonly info: GraphQLResolveInfo,
    private readonly type: GraphQLNamedType,
    private readonly nodes: readonly FieldNode[],
  ) {}

  /** The current field of a resolver. */
  static of(info: GraphQLResolveInfo): LookAhead {
    return new LookAhead(info, getNamedType(info.returnType), info.fieldNodes);
  }

  /** The field `name` below this one, through aliases and fragments; undefined when not selected. */
  child(name: string): LookAhead | undefined {
    if (!isObjectType(this.type) && !isInterfaceType(this.type)) return undefined;
    const definition = this.type.getFields()[name];
    if (!definition) return undefined;
    const nodes: FieldNode[] = [];
    for (const node of this.nodes)
      if (node.selectionSet)
        collectNodes(this.info, node.selectionSet, (field) => {
          if (field.name.value === name) nodes.push(field);
        });
    return nodes.length ? new LookAhead(this.info, getNamedType(definition.type), nodes) : undefined;
  }

  /** Whether `name` is selected below this field. */
  has(name: string): boolean {
    return this.child(name) !== undefined;
  }

  /** The names selected below this field. */
  get fields(): Set<string> {
    const names = new Set<string>();
    for (const node of this.nodes)
      if (node.selectionSet)
        collectNodes(this.info, node.selectionSet, (field) => names.add(field.name.value));
    return names;
  }

  /** The field's arguments, the same in every place it is selected, else undefined. */
  arguments(definition: GraphQLField<unknown, unknown>): Record<string, unknown> | undefined {
    const values = this.nodes.map((node) => getArgumentValues(definition, node, this.info.variableValues));
    const first = JSON.stringify(values[0]);
    return values.every((value) => JSON.stringify(value) === first) ? values[0] : undefined;
  }

  /** The definition of the field `name` on this field's type. */
  definitionOf(name: string): GraphQLField<unknown, unknown> | undefined {
    return isObjectType(this.type) || isInterfaceType(this.type) ? this.type.getFields()[name] : undefined;
  }
}

function collectNodes(
  info: GraphQLResolveInfo,
  set: SelectionSetNode,
  visit: (field: FieldNode) => void,
  seen = new Set<string>(),
): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) visit(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectNodes(info, selection.selectionSet, visit, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = info.fragments[selection.name.value];
      if (fragment) collectNodes(info, fragment.selectionSet, visit, seen);
    }
  }
}

/** The fields an operation selects on each object type, anywhere in it: which columns a read needs. */
export type SelectionByType = ReadonlyMap<string, ReadonlySet<string>>;

const byDocument = new WeakMap<DocumentNode, Map<string, SelectionByType>>();

/**
 * Every field the operation selects on each object type, through aliases, fragments and nested
 * paths (a field selected on an interface counts for each type implementing it). Computed once per
 * parsed document and operation (Apollo keeps parsed documents, so a repeated query costs a lookup).
 */
export function selectionByType(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): SelectionByType {
  let byOperation = byDocument.get(document);
  if (!byOperation) byDocument.set(document, (byOperation = new Map()));
  const key = operation.name?.value ?? '';
  const known = byOperation.get(key);
  if (known) return known;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const byType = new Map<string, Set<string>>();
  const record = (type: GraphQLNamedType, field: string) => {
    const types = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
    for (const each of types) {
      let names = byType.get(each.name);
      if (!names) byType.set(each.name, (names = new Set()));
      names.add(field);
    }
  };
  const seen = new Set<string>();
  const visit = (type: GraphQLNamedType | undefined, set: SelectionSetNode) => {
    if (!type) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        record(type, name);
        const definition = isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
        if (definition && selection.selectionSet)
          visit(getNamedType(definition.type), selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        visit(condition ? schema.getType(condition) : type, selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        // A fragment's fields belong to its own type condition, wherever it is spread: once is enough.
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(schema.getType(fragment.typeCondition.name.value), fragment.selectionSet);
      }
    }
  };
  visit(schema.getRootType(operation.operation) ?? undefined, operation.selectionSet);
  byOperation.set(key, byType);
  return byType;
}
