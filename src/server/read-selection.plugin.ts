import type { ApolloServerPlugin } from '@apollo/server';
import { selectionByType } from '../services/read/selection';
import type { AppContext } from './context';

/**
 * What a query selects on each type, for the reads of this request to fetch only those columns
 * (services/read/read-shapes.ts). Mutations read whole rows: their services work with the rows too.
 */
export const readSelectionPlugin: ApolloServerPlugin<AppContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, document, operation, schema }) {
        if (operation?.operation === 'query')
          contextValue.selection.byType = selectionByType(schema, document, operation);
      },
    };
  },
};
