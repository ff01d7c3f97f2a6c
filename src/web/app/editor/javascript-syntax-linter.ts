import { ensureSyntaxTree } from '@codemirror/language';
import type { Diagnostic } from '@codemirror/lint';
import type { EditorView } from '@codemirror/view';

/** Syntax errors as the parser recovers from them, each marked where it starts. */
export function javascriptSyntaxLinter(view: EditorView): Diagnostic[] {
  const tree = ensureSyntaxTree(view.state, view.state.doc.length, 500);
  if (!tree) return [];
  const diagnostics: Diagnostic[] = [];
  tree.iterate({
    enter(node) {
      if (!node.type.isError) return;
      const line = view.state.doc.lineAt(node.from);
      const to = Math.max(node.to, Math.min(node.from + 1, line.to));
      diagnostics.push({
        from: node.from,
        to,
        severity: 'error',
        message: `Syntax error on line ${line.number}`,
      });
    },
  });
  return diagnostics;
}
