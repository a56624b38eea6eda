// The benchmarks' tables: columns aligned, text columns padded on the right, figures on the left.

/** `header` and `rows` as lines, each indented two spaces; the columns in `text` are left-aligned. */
export function tableLines(header: string[], rows: string[][], text: number[] = [0], gap = '   '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((cell, i) => (text.includes(i) ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join(gap)
      .trimEnd()}`;
  return [header, ...rows].map(line);
}
