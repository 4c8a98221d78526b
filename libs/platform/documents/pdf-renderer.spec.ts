import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DocumentModel } from '../../shared-kernel/documents';
import { renderPdf } from './pdf-renderer';

const model = (rows: number): DocumentModel => ({
  title: 'Invoice 7',
  issuer: ['Tenant'],
  recipient: ['Account 日本'],
  facts: [['Invoice date', '2019-02-10']],
  tables: [{ level: 0, columns: [{ label: 'Description', align: 'left', width: 3 }, { label: 'Amount', align: 'right', width: 1 }], rows: Array.from({ length: rows }, (_, i) => [`Line ${i + 1}`, `$${i}.00`]) }],
  totals: [['Total', '$1.00']],
  notes: [],
});

describe('renderPdf', () => {
  it('gives the same bytes for the same document and date', async () => {
    const [a, b] = [await renderPdf(model(3), '2019-02-10'), await renderPdf(model(3), '2019-02-10')];
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
    expect(a.equals(b)).toBe(true);
    expect((await renderPdf(model(3), '2019-02-11')).equals(a)).toBe(false);
  });

  it('breaks a long table over pages and draws every line', async () => {
    const pdf = await renderPdf(model(150), '2019-02-10');
    if (!existsSync('/usr/bin/pdftotext')) return; // poppler-utils: .ci/run installs it
    const dir = mkdtempSync(path.join(tmpdir(), 'pdf-'));
    try {
      writeFileSync(path.join(dir, 'a.pdf'), pdf);
      const text = execFileSync('/usr/bin/pdftotext', [path.join(dir, 'a.pdf'), '-']).toString();
      expect(text.split('\f').filter((page) => page.trim()).length).toBeGreaterThan(2);
      for (let i = 1; i <= 150; i++) expect(text).toContain(`Line ${i}\n`);
      expect(text).toContain('Total');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
