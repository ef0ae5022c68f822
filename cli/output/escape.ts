/**
 * Text from the logs (messages, templates, session ids, file and entry names, problem messages),
 * made safe to print on a terminal. Log content is attacker-controlled: printed raw, an ESC `[31m`
 * recolours the terminal, an OSC `ESC ] 0;… BEL` retitles it, a CSI can move the cursor and
 * overwrite what was printed before. `--json` needs none of this: JSON escapes control characters.
 */

// C0 controls (tab and newline too: one field must stay on one line), DEL, C1 controls, and the
// bidirectional overrides and isolates, which reorder what is shown without being visible.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * `text` with every control character shown as an escape: `\t`, `\n`, `\r`, `\x1b` (C0 and DEL),
 * `\u009b` (C1, bidi controls). Printable text, including non-ASCII (CJK, accents, `…`), is left
 * as it is. Apply it per line of output: a newline in the text comes back as `\n`.
 */
export function showControls(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
