// Assembles web/dist from the compiled page: assets go under /assets/<gitsha>/
// so they can be cached forever; index.html points at them and is never cached.
// Only GIT_SHA is read from the environment; nothing else can reach the bundle.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const outDir = process.env.WEB_OUT_DIR || path.join(here, 'dist');

function gitSha() {
  if (process.env.GIT_SHA) return process.env.GIT_SHA;
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'dev';
  }
}

const sha = gitSha();
if (!/^[A-Za-z0-9._-]{1,64}$/.test(sha)) throw new Error(`GIT_SHA must be a plain identifier, got ${JSON.stringify(sha)}`);

const assets = path.join(outDir, 'assets', sha);
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(assets, { recursive: true });
fs.copyFileSync(path.join(here, 'build', 'app.js'), path.join(assets, 'app.js'));
fs.copyFileSync(path.join(here, 'src', 'app.css'), path.join(assets, 'app.css'));
const html = fs.readFileSync(path.join(here, 'src', 'index.html'), 'utf8').split('__GIT_SHA__').join(sha);
fs.writeFileSync(path.join(outDir, 'index.html'), html);
process.stdout.write(`web: built ${path.relative(process.cwd(), outDir) || '.'} with assets under /assets/${sha}/\n`);
