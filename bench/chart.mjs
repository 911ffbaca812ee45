// Redraws a chart from a results JSON: node bench/chart.mjs [bench/results/latest.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { chartFromResult } from './lib/chart.mjs';

const file = process.argv[2] ?? 'bench/results/latest.json';
writeFileSync(file.replace(/\.json$/, '.svg'), chartFromResult(JSON.parse(readFileSync(file, 'utf8'))));
