import PDFDocument from 'pdfkit';
import { DocumentModel, DocumentTable, toWinAnsi } from '../../shared-kernel/documents';

/**
 * Draws a document model (shared-kernel/documents) as an A4 PDF with pdfkit's built-in Helvetica. Helvetica draws
 * WinAnsi only: every text goes through `toWinAnsi` (other characters become "?"; no font file is embedded, a
 * Debian machine has none by default). Deterministic: the creation date is the document's own date, so the same
 * document gives the same bytes. In platform (infrastructure, which may use pdfkit; the shared kernel may not), so
 * invoices (payments) and statements draw with the same code.
 */
export function renderPdf(model: DocumentModel, date: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: toWinAnsi(model.title), Producer: 'billing', Creator: 'billing', CreationDate: new Date(`${date}T00:00:00Z`) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc, model);
  doc.end();
  return done;
}

const MARGIN = 50;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

function draw(doc: PDFKit.PDFDocument, model: DocumentModel): void {
  const width = doc.page.width - 2 * MARGIN;
  const top = doc.y;
  doc.font(BOLD).fontSize(14).text(toWinAnsi(model.issuer.join('\n')), MARGIN, top, { width: width / 2 - 10 });
  const issuerBottom = doc.y;
  doc.font(FONT).fontSize(9).fillColor('#555').text('Bill to', MARGIN + width / 2, top, { width: width / 2 });
  doc.fillColor('black').fontSize(10).text(toWinAnsi(model.recipient.join('\n')), { width: width / 2 });
  doc.y = Math.max(doc.y, issuerBottom) + 20;

  doc.font(BOLD).fontSize(18).text(toWinAnsi(model.title), MARGIN, doc.y, { width });
  doc.moveDown(0.5);
  pairs(doc, model.facts, width);
  doc.moveDown(1);
  for (const table of model.tables) drawTable(doc, table, width);
  doc.moveDown(0.5);
  pairs(doc, model.totals, width, true);
  doc.font(FONT).fontSize(9).fillColor('#555');
  for (const note of model.notes) doc.moveDown(0.5).text(toWinAnsi(note), MARGIN, doc.y, { width });
  doc.fillColor('black');
}

/** Label and value rows; `right`: the block is set against the right margin (totals). */
function pairs(doc: PDFKit.PDFDocument, items: [string, string][], width: number, right = false): void {
  const full = doc.page.width - 2 * MARGIN;
  const x = right ? MARGIN + full - 260 : MARGIN;
  const labelWidth = right ? 140 : 110;
  const valueWidth = right ? 120 : width - labelWidth;
  doc.fontSize(10);
  for (const [label, value] of items) {
    room(doc, 14);
    const y = doc.y;
    doc.font(BOLD).text(toWinAnsi(label), x, y, { width: labelWidth });
    doc.font(FONT).text(toWinAnsi(value), x + labelWidth, y, { width: valueWidth, align: right ? 'right' : 'left' });
    doc.y = Math.max(doc.y, y + 14);
  }
  doc.x = MARGIN;
}

function drawTable(doc: PDFKit.PDFDocument, table: DocumentTable, fullWidth: number): void {
  const indent = table.level * 15;
  const x0 = MARGIN + indent;
  const width = fullWidth - indent;
  const total = table.columns.reduce((sum, column) => sum + column.width, 0);
  const widths = table.columns.map((column) => (column.width / total) * width);
  const row = (cells: string[], font: string, rule: boolean) => {
    doc.font(font).fontSize(9);
    const texts = cells.map(toWinAnsi);
    const height = Math.max(12, ...texts.map((text, i) => doc.heightOfString(text, { width: widths[i] - 6 })));
    room(doc, height + 4);
    const y = doc.y;
    let x = x0;
    texts.forEach((text, i) => {
      doc.text(text, x + 3, y, { width: widths[i] - 6, align: table.columns[i]?.align ?? 'left' });
      x += widths[i];
    });
    if (rule) doc.moveTo(x0, y + height + 1).lineTo(x0 + width, y + height + 1).lineWidth(0.5).strokeColor('#888').stroke();
    doc.y = y + height + 4;
  };
  if (table.heading) {
    room(doc, 40);
    doc.font(BOLD).fontSize(11).text(toWinAnsi(table.heading), x0, doc.y, { width });
    doc.moveDown(0.3);
  }
  row(table.columns.map((column) => column.label), BOLD, true);
  for (const cells of table.rows) row(cells, FONT, false);
  if (table.footer) row(table.footer, BOLD, false);
  doc.x = MARGIN;
  doc.moveDown(0.8);
}

/** A new page when fewer than `height` points are left. */
function room(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}
