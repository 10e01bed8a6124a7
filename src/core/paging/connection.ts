/**
 * The shape of a Relay connection as services build it. The GraphQL object types that print it live
 * in schema/connection.type.ts; services need only the shape, not the schema.
 */
export interface PageInfoShape {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor?: string | null;
  endCursor?: string | null;
}

export interface Edge<TNode> {
  cursor: string;
  node: TNode;
}

export interface ConnectionShape<TNode> {
  edges: Edge<TNode>[];
  pageInfo: PageInfoShape;
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
