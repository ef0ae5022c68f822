/**
 * Typed builders for HTML and SVG elements. Text goes in through `textContent` and attributes
 * through `setAttribute`, never innerHTML, so log content cannot inject markup.
 */

/** What can be appended: nodes, text, nothing (skipped), or lists of these. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/** Attributes of {@link el}: `text` sets the text, `onclick` adds a click listener; null/undefined values are left out. */
export interface ElementAttributes {
  text?: string | number;
  onclick?: (event: Event) => void;
  [attribute: string]: string | number | null | undefined | ((event: Event) => void);
}

/** An HTML element with attributes and children. */
export function el<Tag extends keyof HTMLElementTagNameMap>(tag: Tag, attributes: ElementAttributes = {}, ...children: Child[]): HTMLElementTagNameMap[Tag] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = String(value);
    else if (name === 'onclick' && typeof value === 'function') node.addEventListener('click', value);
    else if (value !== undefined && value !== null && typeof value !== 'function') node.setAttribute(name, String(value));
  }
  append(node, children);
  return node;
}

/** Appends children to `node`, flattening lists and skipping null, undefined and false. */
export function append(node: Node, child: Child): void {
  if (child === undefined || child === null || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child as readonly Child[]) append(node, c);
    return;
  }
  node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : (child as Node));
}

/** Removes every child of `node`. */
export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Attributes of {@link svg}: `text` sets the text content. */
export type SvgAttributes = Record<string, string | number>;

/** An SVG element with attributes and children. */
export function svg<Tag extends keyof SVGElementTagNameMap>(tag: Tag, attributes: SvgAttributes = {}, ...children: (SVGElement | null)[]): SVGElementTagNameMap[Tag] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, String(value));
  }
  for (const child of children) if (child) node.appendChild(child);
  return node;
}
