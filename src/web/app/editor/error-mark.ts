import { StateEffect, StateField } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView } from '@codemirror/view';

/** Where a run of the code failed: a 1-based line and its message. */
export interface ErrorMark {
  line: number;
  message: string;
}

export const setErrorMark = StateEffect.define<ErrorMark | null>();

function decorate(mark: ErrorMark, view: { doc: { lines: number; line(n: number): { from: number } } }) {
  const line = view.doc.line(Math.min(Math.max(mark.line, 1), view.doc.lines));
  return Decoration.set([
    Decoration.line({
      class: 'cm-run-error-line',
      attributes: { title: mark.message, 'data-error-line': String(mark.line) },
    }).range(line.from),
  ]);
}

/** The failing line of the last run, highlighted; any edit clears it, since it may no longer apply. */
export const errorMarkField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, transaction) {
    for (const effect of transaction.effects) {
      if (effect.is(setErrorMark))
        return effect.value ? decorate(effect.value, transaction.state) : Decoration.none;
    }
    return transaction.docChanged ? Decoration.none : marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});
