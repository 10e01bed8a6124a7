import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from 'graphql';

/** mulberry32: a tiny seeded PRNG, so that a failing run reproduces from its printed seed. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** Fisher–Yates: every order equally likely, the same one for the same seed. */
  shuffle<T>(items: readonly T[]): T[] {
    const result = [...items];
    for (let index = result.length - 1; index > 0; index--) {
      const other = this.int(index + 1);
      [result[index], result[other]] = [result[other], result[index]];
    }
    return result;
  }
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}

/** Ids of real rows by GraphQL type name, per organization; filled from seeds and from responses. */
export class IdPool {
  private readonly byType = new Map<string, Set<string>>();
  add(typeName: string, id: string): void {
    if (!this.byType.has(typeName)) this.byType.set(typeName, new Set());
    this.byType.get(typeName)!.add(id);
  }
  ofType(typeName: string): string[] {
    return [...(this.byType.get(typeName) ?? [])];
  }
  all(): string[] {
    return [...this.byType.values()].flatMap((ids) => [...ids]);
  }
  /** Every `{ __typename, id }` object of a response. */
  harvest(value: unknown): void {
    if (Array.isArray(value)) value.forEach((item) => this.harvest(item));
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.id === 'string' && typeof record.__typename === 'string')
        this.add(record.__typename, record.id);
      Object.values(record).forEach((item) => this.harvest(item));
    }
  }
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  'x'.repeat(10_000),
  '王'.repeat(3_000),
  '👩‍👩‍👧‍👦🧘‍♀️💆🏻',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\u202Eevil',
  "'; drop table customer; --",
  '%_\\',
  '<script>alert(1)</script>',
  '-1',
  '1e309',
  'NaN',
  'null',
  '2026-02-30',
  '25:61',
  '24:00',
  '00:00',
  '09:30',
  'Asia/Shanghai',
  'Mars/Olympus_Mons',
  'CNY',
  'customers:read',
  'ledger:write',
  'root@localhost',
  'owner@test.cn',
  '+8613800138001',
  '13800138001',
  '1234',
  'eyJhbGciOiJIUzI1NiJ9.e30.x',
  'YXJyYXljb25uZWN0aW9uOjA=',
  'cursor:999999999',
];

const INVALID_IDS = [
  '',
  'abc',
  '1',
  '-1',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '{12345678-1234-1234-1234-123456789abc}',
  '12345678-1234-1234-1234-123456789abcd',
  'x'.repeat(10_000),
  '王',
];

const INTS = [0, 1, -1, 2, 7, 24, 59, 100, 1_000, -1_000_000, 2_147_483_647, -2_147_483_648];
const SAFE_INTS = [
  ...INTS,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2_147_483_648,
  99_999_999_999,
  -99_999_999_999,
];
const WRONG_NUMBERS = [1.5, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER + 2, 1e300, '7', true];
const LOCAL_DATES = [
  '2026-12-01',
  '2026-12-31',
  '2027-02-28',
  '2024-02-29',
  '1900-01-01',
  '0001-01-01',
  '9999-12-31',
  '2026-02-30',
  '2026-13-01',
  '20261201',
  '+275760-09-13',
  'tomorrow',
];
const DATE_TIMES = [
  '2026-12-01T10:00:00.000Z',
  '2026-12-02T02:30:00+08:00',
  '2030-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '2026-02-30T10:00:00Z',
  '2026-12-01',
  'yesterday',
  0,
  8.64e15,
];

export interface ValueContext {
  random: Random;
  /** The viewer's organization and another organization. */
  own: IdPool;
  other: IdPool;
  /** The GraphQL type an argument named `id` most likely refers to (the field's return type). */
  idType?: string;
  /** Well-typed calls get past variable coercion to the resolvers; the others test coercion. */
  wellTyped: boolean;
  /** Mostly believable values (each one sometimes hostile), so that calls get past validation too. */
  plausible: boolean;
}

/** A believable value for a scalar, from the field's name: what a real client would send. */
function plausibleValue(typeName: string, name: string, context: ValueContext): unknown {
  const { random } = context;
  const lower = name.toLowerCase();
  switch (typeName) {
    case 'Int':
      if (/weekday/.test(lower)) return 1 + random.int(7);
      return random.pick([0, 1, 2, 3, 5, 10, 30, 60, 90, 100]);
    case 'SafeInt':
      return random.pick([0, 1, 100, 1_000, 19_800, 100_000]);
    case 'LocalDate':
      return random.pick(['2026-12-01', '2026-12-02', '2026-11-30', '2027-01-15', '1990-05-20']);
    case 'DateTimeISO':
      return random.pick([
        '2026-12-02T02:00:00.000Z',
        '2026-12-03T06:30:00.000Z',
        '2026-11-20T01:00:00.000Z',
      ]);
    case 'String':
      if (lower.includes('email')) return `fuzz-${random.int(1e9)}@test.cn`;
      if (lower.includes('phone')) return `1380013${String(random.int(1e4)).padStart(4, '0')}`;
      if (lower.includes('timezone')) return random.pick(['Asia/Shanghai', 'Asia/Tokyo', 'UTC']);
      if (lower.includes('currency')) return 'CNY';
      if (/startsat|endsat|time$/.test(lower)) return random.pick(['09:00', '12:30', '18:00', '24:00']);
      if (lower.includes('key')) return `fuzz-${random.int(1e9)}`;
      if (lower === 'code') return `F${random.int(1e6)}`;
      if (lower.includes('scope')) return random.pick(['customers:read', 'customers:write', 'ledger:write']);
      if (lower === 'after') return random.pick(['', 'MA==', 'eyJpZCI6IngifQ==']);
      return random.pick(['测试', '肩颈推拿', 'note', '理疗房', 'VIP', '张三']);
    default:
      return undefined;
  }
}

const STAFF = new Set(['User', 'Staff', 'Therapist', 'Consultant', 'Owner', 'Assignee', 'Handler']);

/** The type an `…Id`/`…Ids` argument or input field names: `customerId` → Customer. */
function typeHint(name: string, context: ValueContext): string | undefined {
  if (name === 'id') return context.idType;
  const match = /^(.*?)Ids?$/.exec(name);
  if (!match) return undefined;
  const hint = match[1].charAt(0).toUpperCase() + match[1].slice(1);
  return STAFF.has(hint) ? 'StaffMember' : hint;
}

function idValue(name: string, context: ValueContext): unknown {
  const { random } = context;
  const hint = typeHint(name, context);
  const roll = random.next();
  const typed = hint ? [...context.own.ofType(hint), ...context.own.ofType(`${hint}Item`)] : [];
  if ((roll < 0.45 || (context.plausible && roll < 0.85)) && typed.length > 0) return random.pick(typed);
  const own = context.own.all();
  if (roll < 0.6 && own.length > 0) return random.pick(own);
  const other = context.other.all();
  if (roll < 0.72 && other.length > 0) return random.pick(other);
  if (roll < 0.85) return random.uuid();
  if (roll < 0.95) return random.pick(INVALID_IDS);
  return context.wellTyped ? random.uuid() : random.pick([42, true, ['a'], { id: 'a' }]);
}

function scalarValue(typeName: string, name: string, context: ValueContext): unknown {
  const { random } = context;
  if (!context.wellTyped && random.chance(0.08))
    return random.pick([...WRONG_NUMBERS, 'text', { a: 1 }, [1, 2], null]);
  if (context.plausible && typeName !== 'ID' && typeName !== 'Boolean' && random.chance(0.85)) {
    const value = plausibleValue(typeName, name, context);
    if (value !== undefined) return value;
  }
  switch (typeName) {
    case 'ID':
      return idValue(name, context);
    case 'Int':
      return random.pick(INTS);
    case 'SafeInt':
      return random.pick(SAFE_INTS);
    case 'Float':
      return random.pick([0, -1, 1.5, 1e308, -1e308]);
    case 'Boolean':
      return random.chance(0.5);
    case 'LocalDate':
      return random.pick(LOCAL_DATES);
    case 'DateTimeISO':
      return random.pick(DATE_TIMES);
    default:
      if (/id$/i.test(name) && random.chance(0.5)) return idValue(name, context);
      return random.pick(HOSTILE_STRINGS);
  }
}

/** A hostile value for an input type: mostly of the right shape (so it reaches resolvers), sometimes not. */
export function garbageFor(type: GraphQLInputType, name: string, context: ValueContext, depth = 0): unknown {
  const { random } = context;
  if (isNonNullType(type)) {
    if (!context.wellTyped && random.chance(0.04)) return null;
    return garbageFor(type.ofType, name, context, depth);
  }
  if (random.chance(0.08)) return null;
  if (isListType(type)) {
    const roll = random.next();
    if (roll < 0.05) return garbageFor(type.ofType, name, context, depth + 1); // coerced to a list of one
    const length = roll < 0.3 ? 0 : roll < 0.9 ? 1 + random.int(3) : 200 + random.int(300);
    const item = () => garbageFor(type.ofType, name, context, depth + 1);
    if (length > 50) {
      const one = item();
      return Array.from({ length }, () => one);
    }
    return Array.from({ length }, item);
  }
  if (isEnumType(type)) {
    if (!context.wellTyped && random.chance(0.1)) return random.pick(['NOT_A_VALUE', 'owner', '', 0]);
    return random.pick(type.getValues()).name;
  }
  if (isInputObjectType(type)) {
    if (depth > 4) return {};
    const result: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const required = isNonNullType(field.type);
      if (random.chance(required ? (context.wellTyped ? 0 : 0.05) : 0.35)) continue;
      result[field.name] = garbageFor(field.type, field.name, context, depth + 1);
    }
    if (!context.wellTyped && random.chance(0.05)) result.notAField = 'extra';
    return result;
  }
  return scalarValue(type.name, name, context);
}

/** A GraphQL literal for any JSON value; enum-typed strings that look like names are printed bare. */
export function literal(value: unknown, type: GraphQLInputType | undefined): string {
  const named = type ? getNamedType(type) : undefined;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    const item = type && isNonNullType(type) ? type.ofType : type;
    const itemType = item && isListType(item) ? item.ofType : item;
    return `[${value.map((entry) => literal(entry, itemType)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const fields = named && isInputObjectType(named) ? named.getFields() : {};
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([key, entry]) => `${key}: ${literal(entry, fields[key]?.type)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  if (typeof value === 'string' && named && isEnumType(named) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value))
    return value;
  return JSON.stringify(value);
}

/** Leaves a couple of levels deep, `__typename` everywhere; connections as totalCount edges{node{…}}. */
export function selectionFor(type: GraphQLOutputType, depth = 0): string {
  const named: GraphQLNamedType = getNamedType(type);
  if (isLeafType(named)) return '';
  if (isUnionType(named)) return '{ __typename }';
  if (!isObjectType(named) && !isInterfaceType(named)) return '';
  const fields = Object.values(named.getFields()) as GraphQLField<unknown, unknown>[];
  if (named.name.endsWith('Connection')) {
    const edges = named.getFields().edges;
    const node = edges ? getNamedType(edges.type) : undefined;
    const nodeType = node && isObjectType(node) ? node.getFields().node?.type : undefined;
    return `{ __typename totalCount pageInfo { hasNextPage endCursor } edges { cursor node ${
      nodeType ? selectionFor(nodeType, depth + 1) : '{ __typename }'
    } } }`;
  }
  const selected = fields
    .filter((field) => field.args.every((argument) => !isNonNullType(argument.type)))
    .flatMap((field) => {
      if (isLeafType(getNamedType(field.type))) return [field.name];
      if (depth >= 1) return [];
      const nested = selectionFor(field.type, depth + 1);
      return nested ? [`${field.name} ${nested}`] : [];
    });
  return `{ __typename ${selected.join(' ')} }`;
}
