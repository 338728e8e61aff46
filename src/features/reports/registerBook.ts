/**
 * The opening of a register exported as an .xlsx (the CAPA register, the retention report): a
 * streaming workbook into `out`, one sheet frozen below its header, a title row and a "who exported
 * it, when" row merged across the columns, then the bold header row. Rows are committed as written.
 */
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { cellText } from './feedbackLog';

/** The row the header is on; data rows follow it. */
export const REGISTER_HEADER_ROW = 3;

const thin = { style: 'thin' as const, color: { argb: 'FFBFBFBF' } };
/** The thin grey border of every header and data cell. */
export const REGISTER_BORDER = { top: thin, left: thin, bottom: thin, right: thin };

export interface RegisterBookHeading {
  /** The sheet's name (cut to Excel's 31 characters). */
  sheet: string;
  columns: ReadonlyArray<{ key: string; width: number; header: string }>;
  title: string;
  /** "Xuất lúc … bởi …". */
  exported: string;
}

export async function openRegisterBook(out: Writable, heading: RegisterBookHeading): Promise<{ workbook: ExcelJS.stream.xlsx.WorkbookWriter; sheet: ExcelJS.Worksheet }> {
  const { default: excel } = await import('exceljs');
  const workbook = new excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Casebook';
  const sheet = workbook.addWorksheet(heading.sheet.slice(0, 31), { views: [{ state: 'frozen', ySplit: REGISTER_HEADER_ROW }] });
  sheet.columns = heading.columns.map((c) => ({ key: c.key, width: c.width }));
  const width = heading.columns.length;
  const title = sheet.addRow([heading.title]);
  title.getCell(1).style = { font: { bold: true, size: 14 }, alignment: { horizontal: 'center' } };
  sheet.mergeCells(1, 1, 1, width);
  title.commit();
  const sub = sheet.addRow([cellText(heading.exported)]);
  sub.getCell(1).style = { font: { italic: true }, alignment: { horizontal: 'center' } };
  sheet.mergeCells(2, 1, 2, width);
  sub.commit();
  const header = sheet.addRow(heading.columns.map((c) => c.header));
  header.eachCell((cell) => {
    cell.style = { font: { bold: true }, alignment: { vertical: 'middle', horizontal: 'center', wrapText: true }, fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } }, border: REGISTER_BORDER };
  });
  header.commit();
  return { workbook, sheet };
}
