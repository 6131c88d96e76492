// The table everyone reads: one row per measure with oms's number, the
// reference it is compared with, the ratio, the target and PASS/FAIL, as
// aligned text for the terminal and as markdown for the README.

function compact(value, suffix) {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M${suffix}`;
  if (value >= 1e4) return `${Math.round(value / 1e3)}k${suffix}`;
  return `${Math.round(value).toLocaleString('en-US')}${suffix}`;
}

function formatValue(value, unit) {
  if (typeof value !== 'number' || Number.isNaN(value)) return '';
  switch (unit) {
    case 'ops/cpu-s':
      return compact(value, ' ops/cpu-s');
    case 'rows/s':
      return compact(value, ' rows/s');
    case 'req/s':
      return compact(value, ' req/s');
    case 'bytes':
      return `${Math.round(value)} B`;
    case 'ms':
      return `${value.toFixed(1)} ms`;
    case 'MB':
      return `${Math.round(value)} MB`;
    default:
      return String(value);
  }
}

function verdict(row) {
  if (row.pass === true) return 'PASS';
  if (row.pass === false) return 'FAIL';
  return row.note?.startsWith('not available') ? 'N/A' : '';
}

function cells(row) {
  return [
    row.name,
    formatValue(row.oms, row.unit),
    formatValue(row.reference, row.unit) + (row.referenceName && row.reference !== null ? ` (${row.referenceName})` : ''),
    typeof row.ratio === 'number' && !Number.isNaN(row.ratio) ? `${row.ratio.toFixed(2)}x` : '',
    row.target,
    verdict(row),
  ];
}

const HEAD = ['measure', 'oms', 'reference', 'ratio', 'target', 'result'];

export function textTable(rows) {
  const body = rows.map(cells);
  const widths = HEAD.map((head, column) => Math.max(head.length, ...body.map((line) => line[column].length)));
  const line = (values) => values.map((value, column) => (column === 0 || column === 4 ? value.padEnd(widths[column]) : value.padStart(widths[column]))).join('  ').trimEnd();
  const out = [line(HEAD), widths.map((width) => '-'.repeat(width)).join('  ')];
  let section;
  rows.forEach((row, index) => {
    if (section !== undefined && row.section !== section) out.push('');
    section = row.section;
    out.push(line(body[index]));
    if (row.note) out.push(`    ${row.note}`);
  });
  return out.join('\n');
}

export function markdownTable(rows) {
  const escape = (text) => text.replaceAll('|', '\\|');
  const out = [`| ${[...HEAD, 'notes'].join(' | ')} |`, `|${' --- |'.repeat(HEAD.length + 1)}`];
  for (const row of rows) out.push(`| ${[...cells(row), row.note ?? ''].map(escape).join(' | ')} |`);
  return out.join('\n');
}

export function summary(rows) {
  const failed = rows.filter((row) => row.pass === false);
  const missing = rows.filter((row) => verdict(row) === 'N/A');
  const passed = rows.filter((row) => row.pass === true);
  return { passed: passed.length, failed: failed.map((row) => row.name), notMeasured: missing.map((row) => row.name) };
}
