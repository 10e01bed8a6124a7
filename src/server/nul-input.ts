import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import type { AppContext } from './context';

const NUL = '\u0000';
/** Half of a surrogate pair without its other half: text no UTF-8 column can hold as sent. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Problem = { path: string; rule: 'NUL_CHARACTER' | 'LONE_SURROGATE' };

/** Why PostgreSQL cannot store the text as sent, or undefined when it can. */
function textProblem(text: string): Problem['rule'] | undefined {
  if (text.includes(NUL)) return 'NUL_CHARACTER';
  return LONE_SURROGATE.test(text) ? 'LONE_SURROGATE' : undefined;
}

/** The path of the first string with a NUL character or a lone surrogate in a variable value. */
function nulIn(value: unknown, path: string): Problem | undefined {
  if (typeof value === 'string') {
    const rule = textProblem(value);
    return rule && { path, rule };
  }
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

function nulInLiteral(node: ValueNode, path: string): Problem | undefined {
  switch (node.kind) {
    case Kind.STRING: {
      const rule = textProblem(node.value);
      return rule && { path, rule };
    }
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

/** What the literals of a parsed document hold (Apollo keeps parsed documents: scanned once each). */
const literalProblems = new WeakMap<DocumentNode, Problem | null>();

function nulInDocument(document: DocumentNode): Problem | undefined {
  let problem = literalProblems.get(document);
  if (problem === undefined) {
    let found: Problem | undefined;
    visit(document, {
      Argument(node) {
        found ??= nulInLiteral(node.value, node.name.value);
      },
      // A default value is a literal too: what the operation runs with when the variable is absent.
      VariableDefinition(node) {
        if (node.defaultValue) found ??= nulInLiteral(node.defaultValue, `$${node.variable.name.value}`);
      },
    });
    literalProblems.set(document, (problem = found ?? null));
  }
  return problem ? { ...problem } : undefined;
}

/**
 * PostgreSQL cannot store a NUL character in text (SQLSTATE 22021 / 08P01): such input reached the
 * database and answered INTERNAL_SERVER_ERROR. A lone surrogate ("\ud800" in JSON) made validator.js
 * throw (URIError) and would otherwise be stored as U+FFFD. Either is refused before anything runs, as
 * BAD_USER_INPUT naming the argument or variable that holds it.
 */
export const nulInputPlugin: ApolloServerPlugin<AppContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document }) {
        let problem = nulIn(request.variables ?? {}, '$');
        if (problem) problem.path = problem.path.replace(/^\$\./, '$');
        problem ??= nulInDocument(document);
        if (problem) {
          const { path: field, rule } = problem;
          throw new GraphQLError(
            rule === 'NUL_CHARACTER'
              ? `${field} contains a NUL character (\\u0000), which no text field can hold: remove it and send again.`
              : `${field} contains half of a UTF-16 surrogate pair, which is not text: send well-formed Unicode.`,
            { extensions: { code: 'BAD_USER_INPUT', field, rule, http: { status: 400 } } },
          );
        }
      },
    };
  },
};
