import type { ClassType } from 'type-graphql';
import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor?: string | null;

  @Field(() => String, { nullable: true })
  endCursor?: string | null;
}

export interface Edge<TNode> {
  cursor: string;
  node: TNode;
}

export interface ConnectionShape<TNode> {
  edges: Edge<TNode>[];
  pageInfo: PageInfo;
  /** Runs its query only when GraphQL awaits it, i.e. only when the field is selected. */
  totalCount: PromiseLike<number>;
}

/** A promise-like that starts its work on first `then`: lets a connection offer an optional count. */
export function lazy<T>(work: () => Promise<T>): PromiseLike<T> {
  let started: Promise<T> | undefined;
  return {
    then: (onFulfilled, onRejected) => (started ??= work()).then(onFulfilled, onRejected),
  };
}

/** Builds `<Name>Edge` and `<Name>Connection` object types for a node type. */
export function Connection<TNode extends object>(name: string, nodeType: ClassType<TNode>) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => nodeType)
    node!: TNode;
  }

  @ObjectType(`${name}ConnectionBase`)
  abstract class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Number of items matching the filter, over all pages.' })
    totalCount!: number;
  }
  return ConnectionType;
}
