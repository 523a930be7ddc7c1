// Type errors are caught by `npm run lint` (tsc --noEmit); tests only transpile, for speed.
process.env.TS_NODE_PROJECT = require('node:path').join(__dirname, 'tsconfig.json');
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
require('ts-node/register');
