// CSV (RFC 4180): quoted fields may hold commas, quotes ("") and line
// breaks. Enough for spreadsheets' "Save as CSV".

/** Rows of fields; a trailing empty line is dropped. */
export function parse(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field); field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i += 1;
      row.push(field); rows.push(row); row = []; field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => !(r.length === 1 && r[0].trim() === ''));
}

/** Objects keyed by the header row's names. */
export function records(text) {
  const [header, ...rows] = parse(text);
  if (!header) return { columns: [], items: [] };
  const columns = header.map((c) => c.trim());
  return { columns, items: rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, (r[i] ?? '').trim()]))) };
}

function quote(v) {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function write(rows) {
  return `${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
}
