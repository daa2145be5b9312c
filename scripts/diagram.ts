/**
 * Regenerates what is derived from the statechart (Mermaid diagrams, the README's statechart and
 * preset tables, the stately.config.json JSON Schema). `--check` writes nothing and fails if
 * anything is stale.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { generateDocs } from '../src/diagrams/generateDocs.js';
import { loadStatelyConfig } from '../src/config/statelyConfig.js';

const check = process.argv.includes('--check');
const config = await loadStatelyConfig(process.argv.find((a) => a.endsWith('.json')) ?? 'stately.config.json');
let stale = 0;
for (const file of await generateDocs(config)) {
  const current = await readFile(file.path, 'utf8').catch(() => null);
  if (current === file.content) continue;
  stale++;
  if (check) console.error(`stale: ${relative(process.cwd(), file.path)}`);
  else {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.content);
    console.log(`wrote ${relative(process.cwd(), file.path)}`);
  }
}
if (check && stale > 0) {
  console.error('Run `npm run diagram` to regenerate.');
  process.exit(1);
}
if (!check && stale === 0) console.log('Everything generated is up to date.');
