import { Fragment, type ReactNode } from 'react';

/** `**bold**` and `` `code` `` inside one line of text. */
function inline(text: string): ReactNode[] {
  return text.split(/(\*\*[^*]+\*\*|`[^`]+`)/).map((part, index) => {
    const key = `${index}:${part}`;
    if (part.startsWith('**') && part.endsWith('**')) return <strong key={key}>{part.slice(2, -2)}</strong>;
    if (part.startsWith('`') && part.endsWith('`')) return <code key={key}>{part.slice(1, -1)}</code>;
    return <Fragment key={key}>{part}</Fragment>;
  });
}

/**
 * The little Markdown connector instructions use: numbered and bulleted steps, paragraphs, bold and code.
 * Rendered as elements, never as HTML, so nothing in a manifest can inject markup.
 */
export function Markdown({ source }: { source: string }) {
  const blocks: ReactNode[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  const flush = () => {
    if (!list) return;
    const items = list.items.map((item) => <li key={item}>{inline(item)}</li>);
    const key = `list:${list.items[0]}`;
    blocks.push(list.ordered ? <ol key={key}>{items}</ol> : <ul key={key}>{items}</ul>);
    list = undefined;
  };
  for (const line of source.split('\n')) {
    const ordered = /^\s*\d+\.\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    const item = ordered ?? bullet;
    if (item) {
      if (!list || list.ordered !== Boolean(ordered)) {
        flush();
        list = { ordered: Boolean(ordered), items: [] };
      }
      list.items.push(item[1]!);
    } else {
      flush();
      if (line.trim()) blocks.push(<p key={`p:${line}`}>{inline(line)}</p>);
    }
  }
  flush();
  return <div className="markdown">{blocks}</div>;
}
