#!/usr/bin/env node
// `npm start`: builds the service only when a source is newer than the build
// (as make would), then runs it in this process. A current build starts at
// once; after a pull, an edit or `npm ci` (which regenerates the Prisma
// client) it builds first.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../../..');
const main = path.join(root, 'dist/apps/commissions-api/src/main.js');
// Written after a build that succeeded, dated when that build started: a build cut short, or a file edited during it, is built again.
const stamp = path.join(root, 'dist/.build-stamp');
const SOURCES = ['apps', 'libs', 'prisma/schema.prisma', 'tsconfig.json', 'nest-cli.json', 'package-lock.json'];
const BUILT_FROM = /\.(ts|json|prisma|hbs|ttf)$/;

function newestSource(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return BUILT_FROM.test(entry) && !entry.endsWith('.spec.ts') ? stat.mtimeMs : 0;
  let newest = 0;
  for (const name of fs.readdirSync(entry)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestSource(path.join(entry, name)));
  }
  return newest;
}

function builtAt() {
  try {
    return fs.existsSync(main) ? fs.statSync(stamp).mtimeMs : 0;
  } catch {
    return 0;
  }
}

const sources = Math.max(...SOURCES.map((entry) => newestSource(path.join(root, entry))));
if (builtAt() < sources) {
  console.error('commissions-api: sources changed since the last build; building (npx nest build commissions-api) …');
  const startedAt = new Date();
  const build = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] }), 'build', 'commissions-api'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  fs.writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  fs.utimesSync(stamp, startedAt, startedAt);
}
require(main);
