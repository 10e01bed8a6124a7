import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../entities/access/access.enums';
import type { Viewer } from '../../core/viewer';
import { policies } from '../../policies';
import { AUDITED_HEALTH_FIELDS } from '../audit.middleware';
import { columnFields, type ColumnField } from './plain-columns';
import { READ_FIELDS } from './read-fields';
import type { FieldCompiler } from './read-rows';
import { jsonKey, joined, sql, trusted, type Sql } from './sql-fragment';
import type { Finish } from './finish-read';

/** PostgreSQL takes at most 100 arguments per function call: 50 members per json_build_object. */
const MAX_MEMBERS = 50;

/** A field of a selection: its name, the nodes merged under its response key, its arguments. */
export interface SelectedField {
  name: string;
  nodes: FieldNode[];
  args: Record<string, unknown>;
  /** Unset for __typename. */
  definition?: GraphQLField<unknown, unknown>;
  /** The object type of its value, when it has one. */
  type?: GraphQLObjectType;
}

/** What a field compiler is given: where its parent's row is, its arguments and its selection. */
export interface FieldAt {
  compiler: ReadCompiler;
  /** The SQL of the parent: a row alias (`c1`), or for Money the minor-units expression. */
  source: string;
  args: Record<string, unknown>;
  nodes: readonly FieldNode[];
  definition: GraphQLField<unknown, unknown>;
  /** The parent's finish, for fields whose value Node completes (sealed text). */
  finish: Finish;
  key: string;
}

/**
 * Compiles a read query into one SQL statement that builds its `data` as json in PostgreSQL
 * (docs/architecture.md, "Compiled reads"), or answers undefined: then graphql-js executes it as
 * always. Only fields the viewer's role reads whatever the row are compiled (the policy map's
 * `alwaysFor`, a role-only ALWAYS grant, or a health grant the role holds by role, whose one
 * per-customer condition, a withdrawn consent, is checked on the rows: finish-read.ts).
 */
export class ReadCompiler {
  private aliases = 0;
  /** The statement reads the organization as `o` (status thresholds, currency). */
  readonly organizationId: string;

  constructor(
    readonly schema: GraphQLSchema,
    readonly em: EntityManager,
    readonly viewer: Viewer,
    readonly variables: Record<string, unknown>,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
  ) {
    this.organizationId = viewer.organizationId;
  }

  alias(prefix: string): string {
    return `${prefix}${++this.aliases}`;
  }

  /**
   * The fields a selection on `type` asks for, by response key, each allowed by the policies for the
   * viewer's role whatever the row; undefined when one is not (or the selection is beyond this compiler).
   */
  fields(
    type: GraphQLObjectType,
    nodes: readonly FieldNode[],
    finish: Finish,
  ): Map<string, SelectedField> | undefined {
    const collected = this.collect(
      type.name,
      nodes.map((node) => node.selectionSet),
    );
    if (!collected || collected.size > MAX_MEMBERS - 1) return undefined;
    const fields = new Map<string, SelectedField>();
    for (const [key, selected] of collected) {
      const name = selected[0].name.value;
      if (name === '__typename') {
        fields.set(key, { name, nodes: selected, args: {} });
        continue;
      }
      const definition = type.getFields()[name];
      if (!definition || !this.mayRead(type.name, name, finish)) return undefined;
      try {
        const args = getArgumentValues(definition, selected[0], this.variables);
        const named = getNamedType(definition.type);
        fields.set(key, {
          name,
          nodes: selected,
          args,
          definition,
          type: isObjectType(named) ? named : undefined,
        });
      } catch {
        return undefined;
      }
    }
    return fields;
  }

  /** The json object of `type` over `source` with the members the nodes select, or undefined. */
  object(
    type: GraphQLObjectType,
    source: string,
    nodes: readonly FieldNode[],
  ): { sql: Sql; finish: Finish } | undefined {
    const finish: Finish = { sealed: [], children: [] };
    const fields = this.fields(type, nodes, finish);
    if (!fields) return undefined;
    const members: Sql[] = [];
    for (const [key, selected] of fields) {
      if (!selected.definition) {
        members.push(sql`${jsonKey(key)}, ${trusted(`'${type.name}'`)}`);
        continue;
      }
      const at: FieldAt = {
        compiler: this,
        source,
        args: selected.args,
        nodes: selected.nodes,
        definition: selected.definition,
        finish,
        key,
      };
      const value = this.field(type, at);
      if (!value) return undefined;
      members.push(sql`${jsonKey(key)}, ${value}`);
    }
    // A customer carries its id and consent along (finish-read.ts removes them): audit and consent check.
    if (type.name === 'Customer') {
      finish.customer = true;
      members.push(
        trusted(
          `'#customer', json_build_array(${source}.id, ${source}.health_consent_withdrawn_at is not null)`,
        ),
      );
    }
    return { sql: sql`json_build_object(${joined(members, ', ')})`, finish };
  }

  /** The nested object or list of objects of a field, compiled over `source`. */
  child(at: FieldAt, source: string, list = false): Sql | undefined {
    const type = getNamedType(at.definition.type);
    if (!isObjectType(type)) return undefined;
    const compiled = this.object(type, source, at.nodes);
    if (!compiled) return undefined;
    at.finish.children.push({ key: at.key, finish: compiled.finish, list });
    return compiled.sql;
  }

  private field(type: GraphQLObjectType, at: FieldAt): Sql | undefined {
    const special: FieldCompiler | undefined = READ_FIELDS[type.name]?.[at.definition.name];
    if (special) return special(at);
    const column: ColumnField | undefined = columnFields(this.schema, this.em).get(
      `${type.name}.${at.definition.name}`,
    );
    if (!column) return undefined;
    if (column.sealed) at.finish.sealed.push(at.key);
    return trusted(column.sql(at.source));
  }

  /**
   * Whether the role reads the field whatever the row: then the shield could only answer true. A
   * health grant the role holds by role (OWNER, MANAGER) still depends on the customer's consent:
   * the object is marked, and finish-read.ts sends a page with a withdrawn customer to graphql-js.
   */
  private mayRead(typeName: string, fieldName: string, finish: Finish): boolean {
    const fieldGrant = policies[typeName]?.[fieldName];
    if (!fieldGrant) return false;
    const role = this.viewer.role;
    if (fieldGrant.alwaysFor?.includes(role)) return true;
    if (fieldGrant.readsOnlyRole) return fieldGrant.conditionFor(role) === 'ALWAYS';
    if (!fieldGrant.healthByRole || fieldGrant.conditionFor(role) !== 'ALWAYS') return false;
    if (role !== Role.OWNER) finish.consentBound = true;
    if (typeName === 'HealthProfile' && (AUDITED_HEALTH_FIELDS as readonly string[]).includes(fieldName))
      (finish.healthReads ??= []).push(fieldName);
    return true;
  }

  /** The fields of a selection on a concrete type, merged by response key, in order (graphql-js's). */
  private collect(
    typeName: string,
    sets: readonly (SelectionSetNode | undefined)[],
    into = new Map<string, FieldNode[]>(),
  ): Map<string, FieldNode[]> | undefined {
    for (const set of sets) {
      if (!set) return undefined;
      for (const selection of set.selections) {
        // @skip/@include and any other directive: left to graphql-js.
        if (selection.directives?.length) return undefined;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          into.set(key, [...(into.get(key) ?? []), selection]);
          continue;
        }
        const fragment =
          selection.kind === Kind.INLINE_FRAGMENT ? selection : this.fragments[selection.name.value];
        if (!fragment || (fragment.typeCondition && fragment.typeCondition.name.value !== typeName))
          return undefined;
        if (!this.collect(typeName, [fragment.selectionSet], into)) return undefined;
      }
    }
    return into;
  }
}
