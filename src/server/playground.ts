import path from 'node:path';
import express, { type Router } from 'express';

/**
 * GraphiQL served from node_modules: no CDN, so it works behind firewalls and in mainland China.
 * React 18 and GraphiQL 3 ship UMD builds that a plain HTML page can load.
 */
const packageDirectory = (name: string) => path.dirname(require.resolve(`${name}/package.json`));
const ASSETS: Record<string, string> = {
  'react.production.min.js': path.join(packageDirectory('react'), 'umd', 'react.production.min.js'),
  'react-dom.production.min.js': path.join(
    packageDirectory('react-dom'),
    'umd',
    'react-dom.production.min.js',
  ),
  'graphiql.min.js': path.join(packageDirectory('graphiql'), 'graphiql.min.js'),
  'graphiql.min.css': path.join(packageDirectory('graphiql'), 'graphiql.min.css'),
};

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8" />
  <title>Customer records API · GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <link rel="stylesheet" href="/playground/graphiql.min.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/playground/react.production.min.js"></script>
  <script src="/playground/react-dom.production.min.js"></script>
  <script src="/playground/graphiql.min.js"></script>
  <script src="/playground/playground.js"></script>
</body>
</html>`;

// Headers typed in GraphiQL's header editor are sent with every request, e.g. {"Authorization": "Bearer …"}.
// Its state lives in sessionStorage: GraphiQL 3 keeps headers in its tab state even with
// shouldPersistHeaders off, and a bearer token must not outlive the browser tab.
const BOOT = `
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
const defaultQuery = '# Paste a token into Headers: {"Authorization": "Bearer <token>"}\\n# npm run token -- --role MANAGER prints one.\\n\\nquery Me {\\n  viewer { role displayName }\\n}\\n';
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery, isHeadersEditorEnabled: true, shouldPersistHeaders: false, storage: sessionStorage }),
);
`;

export function playgroundRouter(): Router {
  const router = express.Router();
  router.get('/playground/playground.js', (_request, response) => {
    response.type('application/javascript').send(BOOT);
  });
  for (const [name, file] of Object.entries(ASSETS)) {
    router.get(`/playground/${name}`, (_request, response) => response.sendFile(file, { maxAge: '1d' }));
  }
  // A browser asking for HTML gets the playground; GraphQL clients fall through to Apollo.
  router.get('/graphql', (request, response, next) => {
    // The same URL answers HTML or JSON by Accept; caches must keep them apart.
    response.vary('Accept');
    if (
      request.query.query === undefined &&
      request.accepts(['application/json', 'text/html']) === 'text/html'
    ) {
      response.type('html').send(PAGE);
      return;
    }
    next();
  });
  return router;
}
