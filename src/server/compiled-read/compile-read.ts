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
import { auditMiddleware } from '../audit.middleware';
import { columnFields, type ColumnField } from './plain-columns';
import { READ_FIELDS } from './read-fields';
import type { FieldCompiler } from './read-rows';
import { bind, jsonKey, joined, sql, trusted, type Sql } from './sql-fragment';
import type { Marks } from './finish-read';
import { FALLBACK_SQL, healthMarkSql, sealedTextSql } from './read-marks';
import type { FieldCondition } from '../../policies/grant';
import { servedTodaySql } from '../../services/read/serving';

/** Types with audited fields (audit.middleware.ts) whose rows name their customer (`customer_id`). */
const AUDITED_ROWS = new Set(['HealthProfile', 'Visit']);
const audited = auditMiddleware as Record<string, Record<string, unknown> | undefined>;

/**
 * What a field read by role asks of its customer's row: a health field the customer's consent
 * (core/health-access.ts mayAccessHealth), and for CONSULTANT being assigned to the viewer, for
 * THERAPIST being served by the viewer; a consultant's assigned-only Customer field the assignment.
 * A read that rests on an access grant is graphql-js's.
 */
type RowCondition = 'CONSENT' | 'ASSIGNED' | 'SERVING';
const BY_ROLE: Partial<Record<FieldCondition, RowCondition>> = {
  ALWAYS: 'CONSENT',
  ASSIGNED_CUSTOMERS: 'ASSIGNED',
  ASSIGNED_OR_GRANTED: 'ASSIGNED',
  SERVED_CUSTOMERS: 'SERVING',
  SERVED_OR_GRANTED: 'SERVING',
};

/**
 * The objects between a Customer and a health field (types joined by `>`, the Customer's own fields:
 * '') that belong to that very customer: there the Customer's row condition is the field's. Any
 * other nesting (a type that reaches another customer's records) is not compiled for a role with a
 * row condition, so no customer's assignment or consent can stand in for another's.
 */
const OWNED_BY_CUSTOMER = new Set([
  '',
  'HealthProfile',
  'HealthProfile>Allergy',
  'HealthProfile>SpecialCondition',
  'HealthProfile>MedicalCondition',
  'Visit',
]);

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
  key: string;
}

/**
 * Compiles a read query into one SQL statement that builds its `data` as json in PostgreSQL
 * (docs/architecture.md, "Compiled reads"), or answers undefined: then graphql-js executes it as
 * always. Only fields the viewer's role reads whatever the row are compiled (the policy map's
 * `alwaysFor`, a role-only ALWAYS grant), and health fields the role reads by role for some
 * customers: the nearest Customer above them tests its row (consent, and for CONSULTANT and
 * THERAPIST assignment or service today, as mayAccessHealth does) and where it fails writes the
 * fallback mark in its place, so graphql-js answers the query with its FORBIDDEN paths and grants.
 * What Node completes is marked in the json (read-marks.ts), indexed in `marks`.
 */
export class ReadCompiler {
  private aliases = 0;
  readonly marks: Marks = { health: [], sealedJson: [], names: [] };
  /**
   * What the health fields compiled below, and not yet claimed by a Customer object above them, ask
   * of their customer's row (each Customer tests its own row for the fields below it).
   */
  private unclaimed = new Set<RowCondition>();
  /** The object types being compiled, outermost first (object() enters and leaves them). */
  private readonly path: string[] = [];
  /** The statement is planned for its values on every run (a search: services/sql.ts 'per-call'). */
  perCallPlan = false;
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
    /** Where audited fields are collected; without it, a selection with one is not compiled. */
    reads?: string[],
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
      if (!definition || !this.mayRead(type.name, name, reads)) return undefined;
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

  planPerCall(): void {
    this.perCallPlan = true;
  }

  /** Starts a root field: nothing of another root's is pending. */
  startRoot(): void {
    this.unclaimed.clear();
  }

  /** A health field was compiled without a Customer above it to test its row (no such path today). */
  get consentWithoutCustomer(): boolean {
    return this.unclaimed.size > 0;
  }

  /** The json object of `type` over `source` with the members the nodes select, or undefined. */
  object(type: GraphQLObjectType, source: string, nodes: readonly FieldNode[]): Sql | undefined {
    this.enter(type.name);
    try {
      return this.objectAt(type, source, nodes);
    } finally {
      this.leave();
    }
  }

  /** Compiling the fields of an object of this type (object() does it; tests too). */
  enter(typeName: string): void {
    this.path.push(typeName);
  }

  leave(): void {
    this.path.pop();
  }

  /** Whether the object being compiled belongs to the nearest Customer above (OWNED_BY_CUSTOMER). */
  private ownedByCustomer(): boolean {
    const at = this.path.lastIndexOf('Customer');
    return at !== -1 && OWNED_BY_CUSTOMER.has(this.path.slice(at + 1).join('>'));
  }

  private objectAt(type: GraphQLObjectType, source: string, nodes: readonly FieldNode[]): Sql | undefined {
    const customer = type.name === 'Customer';
    const outer = this.unclaimed;
    if (customer) this.unclaimed = new Set();
    const reads: string[] = [];
    const fields = this.fields(type, nodes, reads);
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
        key,
      };
      const value = this.field(type, at);
      if (!value) return undefined;
      members.push(sql`${jsonKey(key)}, ${value}`);
    }
    // Audited fields are recorded for the row's customer (audit.middleware.ts reads `customer`).
    if (reads.length) {
      if (!AUDITED_ROWS.has(type.name)) return undefined;
      const index = this.marks.health.push(reads) - 1;
      members.push(trusted(healthMarkSql(index, `${source}.customer_id`)));
    }
    const object = sql`json_build_object(${joined(members, ', ')})`;
    if (!customer) return object;
    // The health fields read by role below a customer hold for some rows only: a row they do not hold
    // for is the fallback mark instead (its members never evaluated), and graphql-js answers the query
    // with FORBIDDEN at their paths, or with what an access grant opens.
    const denied = this.deniedSql(source);
    this.unclaimed = new Set([...outer]);
    return denied ? sql`(case when ${denied} then ${trusted(FALLBACK_SQL)} else ${object} end)` : object;
  }

  /** Where the customer row `source` fails what the fields below it ask (undefined: nothing asked). */
  private deniedSql(source: string): Sql | undefined {
    if (this.unclaimed.size === 0) return undefined;
    const userId = this.viewer.userId!;
    const denied: Sql[] = [];
    if (this.unclaimed.has('CONSENT'))
      denied.push(trusted(`${source}.health_consent_withdrawn_at is not null`));
    if (this.unclaimed.has('ASSIGNED'))
      denied.push(sql`${trusted(`${source}.assigned_consultant_id`)} is distinct from ${bind(userId)}`);
    if (this.unclaimed.has('SERVING'))
      denied.push(
        sql`not (${trusted(`${source}.assigned_therapist_id`)} is not distinct from ${bind(userId)} or ${servedTodaySql(`${source}.id`, this.organizationId, userId)})`,
      );
    return sql`(${joined(denied, ' or ')})`;
  }

  /** The nested object (or each object of a list) of a field, compiled over `source`. */
  child(at: FieldAt, source: string): Sql | undefined {
    const type = getNamedType(at.definition.type);
    if (!isObjectType(type)) return undefined;
    return this.object(type, source, at.nodes);
  }

  private field(type: GraphQLObjectType, at: FieldAt): Sql | undefined {
    const special: FieldCompiler | undefined = READ_FIELDS[type.name]?.[at.definition.name];
    if (special) return special(at);
    const column: ColumnField | undefined = columnFields(this.schema, this.em).get(
      `${type.name}.${at.definition.name}`,
    );
    if (!column) return undefined;
    return trusted(column.sealed ? sealedTextSql(column.sql(at.source)) : column.sql(at.source));
  }

  /**
   * Whether the role reads the field whatever the row: then the shield could only answer true. A
   * health grant the role holds by role (OWNER, MANAGER) still depends on the customer's consent:
   * the Customer above is marked, and finish-read.ts sends a page with a withdrawn customer to graphql-js.
   */
  private mayRead(typeName: string, fieldName: string, reads?: string[]): boolean {
    const fieldGrant = policies[typeName]?.[fieldName];
    if (!fieldGrant) return false;
    const role = this.viewer.role;
    let allowed: boolean;
    if (fieldGrant.alwaysFor?.includes(role)) allowed = true;
    else if (fieldGrant.readsOnlyRole) allowed = fieldGrant.conditionFor(role) === 'ALWAYS';
    else if (fieldGrant.assignedByRole && typeName === 'Customer') {
      // A customer field a consultant reads of the customers assigned to them.
      allowed =
        fieldGrant.conditionFor(role) === 'ASSIGNED_CUSTOMERS' &&
        this.viewer.userId !== undefined &&
        this.ownedByCustomer();
      if (allowed) this.unclaimed.add('ASSIGNED');
    } else {
      // A health field by role: OWNER reads it whatever the row, the others where the row allows,
      // tested on the nearest Customer's row, which must be the field's own customer.
      const condition = fieldGrant.healthByRole ? BY_ROLE[fieldGrant.conditionFor(role)] : undefined;
      allowed = condition !== undefined && (condition === 'CONSENT' || this.viewer.userId !== undefined);
      if (allowed && role !== Role.OWNER) {
        allowed = this.ownedByCustomer();
        this.unclaimed.add('CONSENT').add(condition!);
      }
    }
    if (!allowed) return false;
    // An audited field is recorded wherever it is read, as the audit middleware does.
    if (audited[typeName]?.[fieldName]) {
      if (!reads) return false;
      reads.push(fieldName);
    }
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
