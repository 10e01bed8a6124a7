import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type ValueNode } from 'graphql';
import type { AppContext } from './context';

const NUL = '\u0000';

/** The path of the first string with a NUL character in a variable value, or undefined. */
function nulIn(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulIn(item, `${path}[${index}]`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulIn(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

function nulInLiteral(node: ValueNode, path: string): string | undefined {
  switch (node.kind) {
    case Kind.STRING:
      return node.value.includes(NUL) ? path : undefined;
    case Kind.LIST:
      for (const [index, item] of node.values.entries()) {
        const found = nulInLiteral(item, `${path}[${index}]`);
        if (found) return found;
      }
      return undefined;
    case Kind.OBJECT:
      for (const field of node.fields) {
        const found = nulInLiteral(field.value, `${path}.${field.name.value}`);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * PostgreSQL cannot store a NUL character in text (SQLSTATE 22021 / 08P01): such input reached the
 * database and answered INTERNAL_SERVER_ERROR. It is refused before anything runs, as BAD_USER_INPUT
 * naming the argument or variable that holds it.
 */
export const nulInputPlugin: ApolloServerPlugin<AppContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document }) {
        let field = nulIn(request.variables ?? {}, '$')?.replace(/^\$\./, '$');
        if (!field)
          visit(document, {
            Argument(node) {
              field ??= nulInLiteral(node.value, node.name.value);
            },
          });
        if (field)
          throw new GraphQLError(
            `${field} contains a NUL character (\\u0000), which no text field can hold: remove it and send again.`,
            { extensions: { code: 'BAD_USER_INPUT', field, rule: 'NUL_CHARACTER', http: { status: 400 } } },
          );
      },
    };
  },
};
