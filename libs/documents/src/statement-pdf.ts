import type PDFKit from 'pdfkit';
import { readFileSync } from 'node:fs';
import { kindLabel, periodName, sentenceOf, type StatementDocument, statusText } from './statement-document';

/**
 * The same content as the HTML document, as a PDF (A4, or Letter). The
 * document's dates come from the statement, not the clock, so the same
 * statement gives the same bytes. Text is set in DejaVu Sans, embedded
 * (subset) from the dejavu-fonts-ttf package, so names in Polish, Greek,
 * Cyrillic or Turkish print as they are; control characters are dropped.
 */
/** PDFKit and the fonts load on the first PDF, not when the service starts (docs: "Start fast"). */
let toolkit: { PDFDocument: typeof PDFKit; regular: Buffer; bold: Buffer } | null = null;
function pdfToolkit(): NonNullable<typeof toolkit> {
  toolkit ??= {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on the first PDF, not at start
    PDFDocument: require('pdfkit') as typeof PDFKit,
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return toolkit;
}

export function renderStatementPdf(document: StatementDocument, size: 'A4' | 'LETTER' = 'A4'): Promise<Buffer> {
  const fixedDate = new Date(document.approved_at ?? `${document.period}-01T00:00:00Z`);
  const { PDFDocument, regular: REGULAR, bold: BOLD } = pdfToolkit();
  const pdf = new PDFDocument({
    size,
    margin: 42,
    compress: true,
    info: {
      Title: `Commission statement ${document.payee_id} ${document.period}`,
      Author: 'Aura commission service',
      CreationDate: fixedDate,
      ModDate: fixedDate,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.registerFont('Regular', REGULAR);
  pdf.registerFont('Bold', BOLD);
  const text = (value: string) => value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  const width = pdf.page.width - 84;

  pdf
    .font('Bold')
    .fontSize(16)
    .text(text(`Commission statement: ${periodName(document.period)}`));
  pdf.moveDown(0.3);
  pdf
    .font('Regular')
    .fontSize(10)
    .text(
      text(
        `${document.payee_name ?? document.payee_id} (${document.payee_id}) - period ${document.period}${document.sequence > 1 ? ` - supplementary statement ${document.sequence}` : ''}`,
      ),
    );
  pdf.text(text(statusText(document)));
  pdf.moveDown();
  document.lines.forEach((line, index) => {
    pdf
      .font('Bold')
      .fontSize(10)
      .text(
        text(
          `${index + 1}. ${kindLabel(line.kind)}${line.role ? ` (${line.role})` : ''}${line.call_id ? `, call ${line.call_id}` : ''}: ${line.amount} ${document.currency}`,
        ),
        { width },
      );
    pdf
      .font('Regular')
      .fontSize(9)
      .text(text(sentenceOf(line)), { width });
    if (line.adjusts_line_id)
      pdf
        .fillColor('#555555')
        .text(text(`Adjusts line ${line.adjusts_line_id}`), { width })
        .fillColor('#000000');
    pdf.moveDown(0.4);
  });
  pdf.moveDown();
  pdf.font('Bold').fontSize(11);
  pdf.text(text(`Commission: ${document.commission_total} ${document.currency}`));
  pdf.text(text(`Adjustments: ${document.adjustment_total} ${document.currency}`));
  pdf.text(text(`Total: ${document.total} ${document.currency}`));
  if ((document.disputes ?? []).length > 0) {
    pdf.moveDown();
    pdf.font('Bold').fontSize(11).text('Disputes');
    for (const dispute of document.disputes ?? []) {
      pdf
        .font('Regular')
        .fontSize(9)
        .text(
          text(
            `${dispute.status}${dispute.line_id ? ` (line ${dispute.line_id})` : ''}: ${dispute.message}${dispute.resolution_note ? ` Resolution: ${dispute.resolution_note}` : ''}`,
          ),
          { width },
        );
    }
  }
  pdf.moveDown();
  pdf
    .font('Regular')
    .fontSize(7)
    .text(text(`Statement ${document.id}, version ${document.version}. Hash ${document.hash}.`), { width });
  pdf.end();
  return done;
}
