/**
 * The letter markup: what a letter template (reports/letters/<kind>.<locale>.hbs) outputs once
 * Handlebars has filled it, and what the PDF renderer (src/pdf/letter.ts) draws. Plain text, no
 * HTML, one rule per line start:
 *
 *   # Title              the letter's title, bold and centred (THƯ TRẢ LỜI, GIẤY MỜI…)
 *   ## Heading           a section heading, bold
 *   - item               a list item (a bullet)
 *   > text               a line set apart (italic, indented): the meeting's time and place, a note
 *   (blank line)         ends a paragraph
 *   any other line       text; consecutive lines are one paragraph, their line breaks kept
 *
 * The letterhead, the reference and date line, the recipient block and the signature block are
 * the renderer's, from the letter context: a template writes the body only.
 */
export type Block =
  | { type: 'title'; text: string }
  | { type: 'heading'; text: string }
  | { type: 'item'; text: string }
  | { type: 'quote'; text: string }
  | { type: 'paragraph'; text: string };

export function parseMarkup(text: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ type: 'paragraph', text: paragraph.join('\n') });
    paragraph = [];
  };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    const start = line.trimStart();
    if (!start) {
      flush();
      continue;
    }
    const marker = /^(##?|-|>)\s+(.*)$/.exec(start);
    if (marker) {
      flush();
      const body = marker[2].trim();
      if (!body) continue;
      const type = marker[1] === '#' ? 'title' : marker[1] === '##' ? 'heading' : marker[1] === '-' ? 'item' : 'quote';
      blocks.push({ type, text: body });
      continue;
    }
    paragraph.push(start);
  }
  flush();
  return blocks;
}

/** The letter as plain text (for a search or a test): each block on its own line. */
export function blocksText(blocks: readonly Block[]): string {
  return blocks.map((b) => (b.type === 'item' ? `• ${b.text}` : b.text)).join('\n');
}
