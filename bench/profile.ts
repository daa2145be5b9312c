/**
 * Prints the top self-time functions of V8 CPU profiles, e.g. from
 * `node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/commands.ts`, or those written by
 * `npm run bench -- --profile`:
 *
 *   npx tsx bench/profile.ts /tmp/prof/*.cpuprofile [--top 30] [--ops 26000]
 *
 * `--ops` divides self time by an operation count (µs per operation).
 */
import { readFileSync } from 'node:fs';
import { arg, type CpuProfile, main, summarizeProfile } from './support.js';

main(async () => {
  const files = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--top' && all[i - 1] !== '--ops');
  if (files.length === 0) throw new Error('usage: tsx bench/profile.ts <file.cpuprofile>… [--top N] [--ops N]');
  const top = Number(arg('top') ?? 30);
  const ops = arg('ops') === undefined ? undefined : Number(arg('ops'));
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    console.log(`\n${file}`);
    console.log(summarizeProfile(profile, { top, ops }));
  }
});
