// The results as an SVG bar chart, written by hand (no dependencies): one row per workload and
// metric, a bar for lambda-node and one for aws-lambda-ric, scaled to the larger of the two, with
// both values and the ratio (ours / official) printed beside them.
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function chart({ title, subtitle, rows }) {
  // rows: [{ group, label, unit, ours, official, ratio, better: 'lower'|'higher', target? }]
  const W = 1080;
  const labelW = 300;
  const barMax = 360;
  const rowH = 46;
  const top = 78;
  const colors = { ours: '#2a7ae2', official: '#f39c12' };
  const out = [];
  let y = top;
  let group = null;
  for (const r of rows) {
    if (r.group !== group) {
      group = r.group;
      y += 8;
      out.push(`<text x="12" y="${y + 12}" font-weight="bold" font-size="14">${esc(group)}</text>`);
      y += 20;
    }
    const max = Math.max(r.ours, r.official) || 1;
    const fmt = (v) => `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${r.unit}`;
    const good = r.better === 'lower' ? r.ratio <= 1 : r.ratio >= 1;
    out.push(`<text x="24" y="${y + 24}" font-size="13">${esc(r.label)}</text>`);
    for (const [i, who] of [['0', 'ours'], ['1', 'official']]) {
      const w = Math.max(1, (r[who] / max) * barMax);
      const by = y + 4 + Number(i) * 18;
      out.push(`<rect x="${labelW}" y="${by}" width="${w.toFixed(1)}" height="15" fill="${colors[who]}"/>`);
      out.push(`<text x="${labelW + w + 6}" y="${by + 12}" font-size="11">${esc(fmt(r[who]))}</text>`);
    }
    const target = r.target ? ` (target ${r.target}: ${r.met ? 'met' : 'missed'})` : '';
    out.push(
      `<text x="${W - 12}" y="${y + 24}" font-size="12" text-anchor="end" fill="${good ? '#1e8449' : '#c0392b'}">${r.ratio.toFixed(2)}x${esc(target)}</text>`,
    );
    y += rowH;
  }
  const H = y + 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="24" font-size="18" font-weight="bold">${esc(title)}</text>`,
    `<text x="12" y="44" font-size="12" fill="#555">${esc(subtitle)}</text>`,
    `<rect x="12" y="56" width="12" height="12" fill="${colors.ours}"/><text x="30" y="66" font-size="12">lambda-node</text>`,
    `<rect x="130" y="56" width="12" height="12" fill="${colors.official}"/><text x="148" y="66" font-size="12">aws-lambda-ric</text>`,
    `<text x="${W - 12}" y="66" font-size="12" text-anchor="end" fill="#555">ratio = ours / official; green = better</text>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

/** The chart for a results JSON as bench/run.mjs writes it. */
export function chartFromResult(result) {
  const rows = [];
  for (const [fn, metrics] of Object.entries(result.summary)) for (const s of Object.values(metrics)) rows.push({ group: `${fn} handler`, ...s });
  const p = result.params;
  return chart({
    title: `lambda-node vs aws-lambda-ric ${result.awsLambdaRic} (Node ${result.node})`,
    subtitle: `${result.machine}; ${result.mode} run, ${p.runs} cold runs, ${p.rieRuns} RIE runs, ${p.rounds}x${p.last} warm invokes; ${result.date.slice(0, 10)}`,
    rows,
  });
}
